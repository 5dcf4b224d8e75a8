/**
 * What the HTTP server needs to serve HTTPS (and WSS): the operator's certificate and key
 * (TLS_CERT, TLS_KEY), checked before anything else starts so that a bad file is a configuration
 * error naming it, or a self-signed certificate kept in STATE_DIR (TLS=self-signed).
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { hostname, networkInterfaces } from "node:os";
import { createSecureContext } from "node:tls";
import { tlsMode } from "../config/checks.js";
import { ConfigError, describeSource, type GatewayConfig, type LoadedConfig } from "../config/index.js";
import { StateDirectory } from "../state/state-file.js";
import { certificateNames, SELF_SIGNED_CERT_FILE, selfSignedCertificate } from "./self-signed.js";

const DAY_MS = 86_400_000;
/** Warn about an own certificate that ends this soon. */
const EXPIRY_WARNING_DAYS = 14;

export interface TlsMaterial {
  key: string;
  cert: string;
  origin: "files" | "self-signed";
  /** SHA-256 fingerprint, as browsers show it: to tell the certificate served is this one. */
  fingerprint: string;
  validTo: Date;
  /** The self-signed certificate was made at this start. */
  created: boolean;
  /** Where it is kept (self-signed), for the log. */
  path?: string;
  /** Things worth a warning (an own certificate that expired or is about to). */
  warnings: string[];
}

type Sources = LoadedConfig["sources"] | undefined;

function problem(setting: "TLS_CERT" | "TLS_KEY", sources: Sources, text: string, allowed?: string) {
  const key = setting === "TLS_CERT" ? "tlsCert" : "tlsKey";
  const origin = sources
    ? describeSource(sources[key], { env: setting, yamlKey: setting.toLowerCase() })
    : "the configuration";
  return new ConfigError([{ setting, origin, problem: text, allowed }]);
}

async function readPem(path: string, setting: "TLS_CERT" | "TLS_KEY", sources: Sources): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied (the gateway's user must be able to read it)"
          : code === "EISDIR"
            ? "it is a directory"
            : (error as Error).message;
    throw problem(setting, sources, `cannot read ${path}: ${why}`);
  }
}

/** The operator's files, each checked: a PEM certificate, an unencrypted key, and that they match. */
async function ownCertificate(config: GatewayConfig, sources: Sources): Promise<TlsMaterial> {
  const [cert, key] = [
    await readPem(config.tlsCert, "TLS_CERT", sources),
    await readPem(config.tlsKey, "TLS_KEY", sources),
  ];
  let x509: X509Certificate;
  try {
    if (!cert.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate");
    x509 = new X509Certificate(cert);
  } catch {
    throw problem(
      "TLS_CERT",
      sources,
      `${config.tlsCert} holds no PEM certificate`,
      "a PEM file starting with -----BEGIN CERTIFICATE----- (the server's certificate first, then its chain)",
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    const encrypted = /passphrase|encrypted/i.test((error as Error).message) || key.includes("ENCRYPTED");
    throw problem(
      "TLS_KEY",
      sources,
      `${config.tlsKey} holds no ${encrypted ? "unencrypted " : ""}PEM private key${encrypted ? " (it is protected by a passphrase)" : ""}`,
      "an unencrypted PEM key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----)",
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw problem(
      "TLS_KEY",
      sources,
      `${config.tlsKey} is not the key of the certificate in ${config.tlsCert}`,
    );
  }
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw problem("TLS_CERT", sources, `${config.tlsCert} cannot be served: ${(error as Error).message}`);
  }
  const validTo = new Date(x509.validTo);
  const warnings: string[] = [];
  const left = validTo.getTime() - Date.now();
  if (left <= 0)
    warnings.push(`the certificate in TLS_CERT expired on ${validTo.toISOString()}: clients will refuse it`);
  else if (left < EXPIRY_WARNING_DAYS * DAY_MS)
    warnings.push(`the certificate in TLS_CERT expires on ${validTo.toISOString()}: renew it`);
  return { key, cert, origin: "files", fingerprint: x509.fingerprint256, validTo, created: false, warnings };
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && !address.internal)
    .map((address) => address!.address)
    .filter((address) => !address.toLowerCase().startsWith("fe80:"));
}

/** TLS material for the configuration, or undefined when HTTPS is off. Throws ConfigError. */
export async function loadTlsMaterial(
  config: GatewayConfig,
  sources?: Sources,
): Promise<TlsMaterial | undefined> {
  switch (tlsMode(config)) {
    case "off":
      return undefined;
    case "files":
      return ownCertificate(config, sources);
    case "self-signed": {
      const directory = new StateDirectory(config.stateDir);
      let made: Awaited<ReturnType<typeof selfSignedCertificate>>;
      try {
        made = await selfSignedCertificate(
          directory,
          certificateNames(hostname(), interfaceAddresses(), config.apiHost),
        );
      } catch (error) {
        throw new ConfigError([
          {
            setting: "STATE_DIR",
            origin: sources
              ? describeSource(sources.stateDir, { env: "STATE_DIR", yamlKey: "state_dir" })
              : "the configuration",
            problem: `cannot keep the self-signed certificate in ${config.stateDir}: ${(error as Error).message}`,
            allowed: "a directory the gateway's user can write",
          },
        ]);
      }
      const x509 = new X509Certificate(made.cert);
      return {
        key: made.key,
        cert: made.cert,
        origin: "self-signed",
        fingerprint: x509.fingerprint256,
        validTo: new Date(x509.validTo),
        created: made.created,
        path: directory.file(SELF_SIGNED_CERT_FILE),
        warnings: [],
      };
    }
  }
}
