/**
 * A self-signed certificate for TLS=self-signed, made on the first start and kept in STATE_DIR so
 * that a browser's exception for it (or a client's pinned copy) survives restarts. The key pair
 * comes from Node's crypto (OpenSSL); node-forge builds and signs the X.509 certificate, which
 * Node cannot do by itself. node-forge is loaded only here, and only when a certificate has to be
 * made: a restart that finds a usable one never loads it.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import type { StateDirectory } from "../state/state-file.js";
import { loadOnDemand } from "../util/optional-module.js";

export const SELF_SIGNED_CERT_FILE = "tls/self-signed-cert.pem";
export const SELF_SIGNED_KEY_FILE = "tls/self-signed-key.pem";

const DAY_MS = 86_400_000;
/** Apple's platforms refuse TLS server certificates valid for longer than 825 days. */
const VALIDITY_DAYS = 825;
/** A certificate this close to its end is replaced at start-up. */
const RENEW_BEFORE_DAYS = 30;
const RSA_BITS = 2048;
const SERIAL_BYTES = 16;

/** The names a client may use for this machine, put into the certificate. */
export interface CertificateNames {
  dns: readonly string[];
  ips: readonly string[];
}

export interface SelfSigned {
  key: string;
  cert: string;
  /** Made now (rather than read from STATE_DIR). */
  created: boolean;
}

/** The kept certificate when it is whole, its key matches and it is not about to expire. */
async function keptCertificate(directory: StateDirectory, now: Date): Promise<SelfSigned | undefined> {
  const [cert, key] = await Promise.all([
    directory.readText(SELF_SIGNED_CERT_FILE),
    directory.readText(SELF_SIGNED_KEY_FILE),
  ]);
  if (cert === undefined || key === undefined) return undefined;
  try {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return undefined;
    if (new Date(x509.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return undefined;
  } catch {
    return undefined;
  }
  return { key, cert, created: false };
}

function makeCertificate(names: CertificateNames, now: Date): { key: string; cert: string } {
  const forge = loadOnDemand<typeof import("node-forge")>("node-forge");
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: RSA_BITS });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  // A positive serial number (the top bit clear), random so that browsers never see two alike.
  const serial = randomBytes(SERIAL_BYTES);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  cert.validity.notAfter = new Date(now.getTime() + VALIDITY_DAYS * DAY_MS);
  const subject = [
    { name: "commonName", value: names.dns[0] ?? "localhost" },
    { name: "organizationName", value: "econet-gm3-gateway (self-signed)" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        ...names.dns.map((value) => ({ type: 2, value })),
        ...names.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { key: keyPem, cert: forge.pki.certificateToPem(cert) };
}

/** The kept certificate, or a new one saved in STATE_DIR (the key readable by the owner only). */
export async function selfSignedCertificate(
  directory: StateDirectory,
  names: CertificateNames,
  now = new Date(),
): Promise<SelfSigned> {
  const kept = await keptCertificate(directory, now);
  if (kept) return kept;
  const made = makeCertificate(names, now);
  await directory.writeText(SELF_SIGNED_KEY_FILE, made.key, { mode: 0o600 });
  await directory.writeText(SELF_SIGNED_CERT_FILE, made.cert);
  return { ...made, created: true };
}

/**
 * The names to certify: localhost and the loopback addresses, the host name (and `.local`, as
 * mDNS announces it), every address of this machine's interfaces, and API_HOST when it is one.
 */
export function certificateNames(
  hostname: string,
  interfaceAddresses: readonly string[],
  apiHost: string,
): CertificateNames {
  const dns = new Set<string>();
  const ips = new Set<string>(["127.0.0.1", "::1"]);
  const host = hostname.trim().toLowerCase();
  if (host !== "") {
    dns.add(host);
    if (!host.includes(".")) dns.add(`${host}.local`);
  }
  dns.add("localhost");
  for (const address of interfaceAddresses) if (isIP(address) !== 0) ips.add(address);
  if (isIP(apiHost) !== 0) {
    if (apiHost !== "0.0.0.0" && apiHost !== "::") ips.add(apiHost);
  } else if (apiHost !== "") dns.add(apiHost.toLowerCase());
  return { dns: [...dns], ips: [...ips] };
}
