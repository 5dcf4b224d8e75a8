/**
 * The dashboard on the API's server (app.inject, no browser): HTML for browsers at / while JSON
 * clients keep HA-COMPAT.md §9's answer, cache headers, precompressed assets, public shell with
 * API keys, and what happens when the build is missing or the dashboard is switched off.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBridges } from "../../src/app/bridges.js";
import { DashboardNotBuiltError, registerDashboard } from "../../src/bridges/http/dashboard/index.js";
import { buildDashboardTemp } from "../helpers/dashboard.js";
import { configFromEnv, type SimApi, startSimApi } from "../helpers/sim-api.js";
import { startSimGateway } from "../helpers/sim-gateway.js";

const BROWSER_ACCEPT =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const silent = pino({ level: "silent" });

let dir: string;
let api: SimApi;
let scriptPath: string;
let stylesheetPath: string;

beforeAll(async () => {
  dir = await buildDashboardTemp();
  api = await startSimApi({
    env: { API_KEY: "write-key", API_READ_KEY: "read-key" },
    waitForData: false,
    register: (app) => registerDashboard(app, { dir, logger: silent }),
  });
  const html = await readFile(join(dir, "index.html"), "utf8");
  scriptPath = /<script type="module" src="(assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1] ?? "";
  stylesheetPath = /<link rel="stylesheet" href="(assets\/app-[A-Z0-9]+\.css)"/.exec(html)?.[1] ?? "";
});

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("GET /", () => {
  it("gives a browser the dashboard page, revalidated on every load, with a strict content policy", async () => {
    const response = await api.app.inject({ method: "GET", url: "/", headers: { accept: BROWSER_ACCEPT } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.headers.vary).toBe("accept");
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(response.headers["content-security-policy"]).toContain("connect-src 'self'");
    expect(response.body).toBe(await readFile(join(dir, "index.html"), "utf8"));
    expect(scriptPath).not.toBe("");
    expect(stylesheetPath).not.toBe("");
  });

  it.each([
    ["no Accept header", {}],
    ["*/* (curl, aiohttp, requests)", { accept: "*/*" }],
    ["application/json", { accept: "application/json" }],
    ["JSON and HTML equally", { accept: "application/json, text/html" }],
  ])("keeps the JSON answer for %s", async (_what, headers) => {
    const response = await api.app.inject({ method: "GET", url: "/", headers });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers.vary).toBe("accept");
    expect(response.json()).toEqual({ name: "econet-gm3-gateway", version: "0.0.0-test", status: "running" });
  });

  it("answers HEAD like GET, without a body", async () => {
    const response = await api.app.inject({ method: "HEAD", url: "/", headers: { accept: BROWSER_ACCEPT } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toBe("");
  });

  it("also serves the page at /dashboard whatever the client accepts", async () => {
    const response = await api.app.inject({ method: "GET", url: "/dashboard", headers: { accept: "*/*" } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toContain(scriptPath);
  });
});

describe("assets", () => {
  it("serves the hashed script and stylesheet as immutable for a year", async () => {
    for (const [path, type] of [
      [scriptPath, "javascript"],
      [stylesheetPath, "text/css"],
    ] as const) {
      const response = await api.app.inject({ method: "GET", url: `/${path}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toContain(type);
      expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(response.rawPayload.equals(await readFile(join(dir, path)))).toBe(true);
    }
  });

  it("sends the build's brotli and gzip copies to browsers that accept them", async () => {
    const original = await readFile(join(dir, scriptPath));
    const br = await api.app.inject({
      method: "GET",
      url: `/${scriptPath}`,
      headers: { "accept-encoding": "br, gzip" },
    });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);
    const gz = await api.app.inject({
      method: "GET",
      url: `/${scriptPath}`,
      headers: { "accept-encoding": "gzip" },
    });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);
  });

  it("answers an unknown asset with the API's 404 error shape", async () => {
    const response = await api.app.inject({ method: "GET", url: "/assets/app-OLDHASH.js" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: "not-found" });
    const copy = await api.app.inject({ method: "GET", url: `/${scriptPath}.gz` });
    expect(copy.statusCode).toBe(404);
  });
});

describe("with API keys", () => {
  it("serves the page shell and assets without a key while the data still needs one", async () => {
    for (const url of ["/dashboard", `/${scriptPath}`, `/${stylesheetPath}`]) {
      expect((await api.app.inject({ method: "GET", url })).statusCode, url).toBe(200);
    }
    expect(
      (await api.app.inject({ method: "GET", url: "/", headers: { accept: BROWSER_ACCEPT } })).statusCode,
    ).toBe(200);
    const data = await api.app.inject({ method: "GET", url: "/api/parameters" });
    expect(data.statusCode).toBe(401);
    expect(data.json()).toMatchObject({ error: "unauthorized" });
  });
});

describe("when the dashboard is not there", () => {
  it("refuses to register a directory without a build, saying how to build it", async () => {
    const error = await registerDashboard(api.app, { dir: join(dir, "missing"), logger: silent }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DashboardNotBuiltError);
    expect((error as Error).message).toContain("npm run build");
  });

  it("gives browsers the JSON answer when DASHBOARD_ENABLED=false", async () => {
    const gateway = await startSimGateway({ waitForData: false });
    const config = configFromEnv({ API_HOST: "127.0.0.1", API_PORT: "0", DASHBOARD_ENABLED: "false" });
    const started = await startBridges({ config, core: gateway.core, logger: silent });
    try {
      const response = await fetch(`${started.apiUrl}/`, { headers: { accept: BROWSER_ACCEPT } });
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await response.json()).toMatchObject({ name: "econet-gm3-gateway", status: "running" });
      expect((await fetch(`${started.apiUrl}/dashboard`)).status).toBe(404);
    } finally {
      for (const bridge of started.bridges) await bridge.stop();
      await gateway.stop();
    }
  });
});
