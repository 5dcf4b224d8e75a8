/**
 * HTTPS and WSS as gm3 serve composes the gateway, checked with real TLS clients on 127.0.0.1:
 * Node's https (verifying against the certificate, so the name and the chain are checked too), ws
 * over WSS, and Chromium on the dashboard. A certificate made by openssl (TLS_CERT/TLS_KEY), a
 * self-signed one kept in STATE_DIR (TLS=self-signed), the HTTP→HTTPS redirect, and bad files as
 * configuration errors.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { get as httpGet, request as httpRequest } from "node:http";
import { get as httpsGet } from "node:https";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SELF_SIGNED_CERT_FILE, SELF_SIGNED_KEY_FILE } from "../../src/app/self-signed.js";
import { Command } from "../../src/protocol/index.js";
import { gm3, startTcpSim, type TcpSim } from "../cli/harness.js";
import { launchBrowser } from "../helpers/browser.js";
import { ensureBuiltCli } from "../helpers/built-cli.js";
import { freePort } from "../helpers/mosquitto.js";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";

let dir: string;
/** A certificate for 127.0.0.1 and localhost made by openssl, its key, and an unrelated key. */
let cert: string;
let key: string;
let otherKey: string;
let encryptedKey: string;

const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
const forgeLoaded = () =>
  Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes("node-forge"));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gm3-https-"));
  cert = join(dir, "cert.pem");
  key = join(dir, "key.pem");
  otherKey = join(dir, "other-key.pem");
  encryptedKey = join(dir, "encrypted-key.pem");
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "2",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
  );
  openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", otherKey);
  openssl("pkey", "-in", key, "-out", encryptedKey, "-aes256", "-passout", "pass:secret");
  // The dashboard served by the bridges is the built one (dist/web).
  ensureBuiltCli();
}, 150_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** GET over HTTPS, trusting only `ca`; the status, the body and the certificate the server showed. */
function httpsFetch(url: string, ca: string) {
  return new Promise<{ status: number; body: string; fingerprint: string }>((resolve, reject) => {
    httpsGet(url, { ca }, (response) => {
      const fingerprint = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, fingerprint }));
    }).on("error", reject);
  });
}

/** The first message of the live stream over WSS, trusting only `ca`. */
function firstWssMessage(url: string, ca: string) {
  return new Promise<{ type: string }>((resolve, reject) => {
    const socket = new WebSocket(url, { ca });
    socket.once("message", (data) => {
      resolve(JSON.parse(data.toString()) as { type: string });
      socket.close();
    });
    socket.once("error", reject);
  });
}

describe("TLS_CERT and TLS_KEY", () => {
  let gw: SimLive;
  beforeAll(async () => {
    gw = await startSimLive({ env: { TLS_CERT: cert, TLS_KEY: key } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("serves the API over HTTPS with exactly the configured certificate", async () => {
    expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const pem = readFileSync(cert, "utf8");
    const health = await httpsFetch(`${gw.url}/health`, pem);
    expect(health.fingerprint).toBe(new X509Certificate(pem).fingerprint256);
    expect([200, 503]).toContain(health.status);
    expect(JSON.parse(health.body)).toHaveProperty("status");
  });

  it("serves the live stream over WSS", async () => {
    expect(gw.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const message = await firstWssMessage(`${gw.wsUrl}/ws/parameters`, readFileSync(cert, "utf8"));
    expect(message.type).toBeTypeOf("string");
  });

  it("does not load node-forge (only making a self-signed certificate needs it)", () => {
    expect(forgeLoaded()).toBe(false);
  });

  it("serves the dashboard, whose live connection comes up over WSS in a browser", async () => {
    const browser = await launchBrowser({ acceptSelfSigned: true });
    try {
      const page = await browser.context.newPage();
      const sockets: string[] = [];
      page.on("websocket", (socket) => sockets.push(socket.url()));
      await page.goto(`${gw.url}/`);
      await page.locator('.conn[data-mode="live"]').waitFor({ timeout: 20_000 });
      expect(sockets.some((url) => url.startsWith("wss://127.0.0.1:"))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 40_000);
});

describe("TLS=self-signed", () => {
  it("makes a certificate for this machine once, keeps it in STATE_DIR and serves the same one after a restart", async () => {
    const stateDir = join(dir, "state-self-signed");
    const fingerprints: string[] = [];
    for (const run of [1, 2]) {
      const gw = await startSimLive({ env: { TLS: "self-signed", STATE_DIR: stateDir } });
      try {
        const pem = readFileSync(join(stateDir, SELF_SIGNED_CERT_FILE), "utf8");
        // Verifies against the kept certificate alone: it names 127.0.0.1 and is what is served.
        const health = await httpsFetch(`${gw.url}/health`, pem);
        expect(health.fingerprint).toBe(new X509Certificate(pem).fingerprint256);
        fingerprints.push(health.fingerprint);
        expect(await firstWssMessage(`${gw.wsUrl}/ws/parameters`, pem)).toHaveProperty("type");
        if (run === 1) expect(forgeLoaded()).toBe(true);
      } finally {
        await gw.close();
      }
    }
    expect(fingerprints[1]).toBe(fingerprints[0]);
    expect(statSync(join(stateDir, SELF_SIGNED_KEY_FILE)).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(readFileSync(join(stateDir, SELF_SIGNED_CERT_FILE)));
    expect(x509.subjectAltName).toMatch(/DNS:localhost/);
    expect(x509.subjectAltName).toMatch(/IP Address:127\.0\.0\.1/);
  }, 60_000);
});

describe("TLS_REDIRECT_PORT", () => {
  it("sends GET to the same path over HTTPS and refuses writes over plain HTTP", async () => {
    const redirectPort = await freePort();
    const gw = await startSimLive({
      env: { TLS_CERT: cert, TLS_KEY: key, TLS_REDIRECT_PORT: String(redirectPort) },
    });
    try {
      const httpsPort = new URL(gw.url).port;
      const redirected = await new Promise<{ status: number; location: string | undefined }>(
        (resolve, reject) =>
          httpGet(`http://127.0.0.1:${redirectPort}/api/parameters?x=1`, (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0, location: response.headers.location });
          }).on("error", reject),
      );
      expect(redirected).toEqual({
        status: 308,
        location: `https://127.0.0.1:${httpsPort}/api/parameters?x=1`,
      });
      const write = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          `http://127.0.0.1:${redirectPort}/api/parameters/HDWTSetPoint`,
          { method: "POST", headers: { "content-type": "application/json" } },
          (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => {
              body += chunk.toString();
            });
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on("error", reject);
        request.end('{"value": 48}');
      });
      expect(write.status).toBe(403);
      expect(JSON.parse(write.body)).toMatchObject({ error: "https-required" });
      expect(gw.gatewayFrames().filter((entry) => entry.frame?.command === Command.MODIFY_PARAM)).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});

describe("certificate files that cannot be used: gm3 serve exits 2 with one line, before the bus", () => {
  let bus: TcpSim;
  beforeAll(async () => {
    bus = await startTcpSim();
  });
  afterAll(async () => {
    await bus?.stop();
  });

  const serve = (env: Record<string, string>) =>
    gm3(["serve"], { ...bus.env, API_HOST: "127.0.0.1", API_PORT: "0", LOG_LEVEL: "silent", ...env });

  it.each([
    {
      what: "a missing certificate file",
      env: () => ({ TLS_CERT: join(dir, "missing.pem"), TLS_KEY: key }),
      says: () =>
        `TLS_CERT (from environment variable TLS_CERT): cannot read ${join(dir, "missing.pem")}: no such file.`,
    },
    {
      what: "a certificate file that holds no certificate",
      env: () => ({ TLS_CERT: key, TLS_KEY: key }),
      says: () => `TLS_CERT (from environment variable TLS_CERT): ${key} holds no PEM certificate; allowed: `,
    },
    {
      what: "a key that is not the certificate's",
      env: () => ({ TLS_CERT: cert, TLS_KEY: otherKey }),
      says: () =>
        `TLS_KEY (from environment variable TLS_KEY): ${otherKey} is not the key of the certificate in ${cert}.`,
    },
    {
      what: "a key protected by a passphrase",
      env: () => ({ TLS_CERT: cert, TLS_KEY: encryptedKey }),
      says: () => `${encryptedKey} holds no unencrypted PEM private key (it is protected by a passphrase)`,
    },
    {
      what: "a certificate without its key",
      env: () => ({ TLS_CERT: cert }),
      says: () => "a certificate needs its key: set both TLS_CERT and TLS_KEY, or neither",
    },
    {
      what: "TLS=self-signed together with TLS_CERT",
      env: () => ({ TLS: "self-signed", TLS_CERT: cert, TLS_KEY: key }),
      says: () => "TLS=self-signed makes its own certificate, but TLS_CERT/TLS_KEY name one",
    },
  ])("$what", async ({ env, says }) => {
    const { code, stdout, stderr } = await serve(env());
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^gm3 serve: Invalid configuration: /);
    expect(stderr).toContain(says());
    expect(code).toBe(2);
    expect(bus.clients).toEqual([]);
  });

  it("a STATE_DIR where the self-signed certificate cannot be kept", async () => {
    const file = join(dir, "not-a-directory");
    await writeFile(file, "");
    const { code, stderr } = await serve({ TLS: "self-signed", STATE_DIR: file });
    expect(stderr).toMatch(
      /^gm3 serve: Invalid configuration: STATE_DIR \(from environment variable STATE_DIR\): cannot keep the self-signed certificate in /,
    );
    expect(code).toBe(2);
    expect(bus.clients).toEqual([]);
  });
});
