/**
 * Optional API keys (API_KEY read-write, API_READ_KEY read-only), sent as `Authorization: Bearer
 * <key>` or `X-API-Key: <key>`. With neither configured there is no authentication (a trusted LAN,
 * as Home Assistant's integration expects). Each route says what it needs in its `config.access`;
 * plugins of other bridges use the same hook and the same convention.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import { sendApiError } from "./errors.js";
import { isIngressRequest } from "./ingress.js";

/** `public`: no key ever; `read`: read or write key; `write`: the write key. */
export type ApiAccess = "public" | "read" | "write";

declare module "fastify" {
  interface FastifyContextConfig {
    /** What a client must present for this route (default: `read` for GET/HEAD, `write` otherwise; OPTIONS is public). */
    access?: ApiAccess;
  }
}

export interface ApiKeys {
  /** Read-write key; "" = none. */
  apiKey: string;
  /** Read-only key; "" = none. */
  apiReadKey: string;
}

export type Grant = "none" | "read" | "write";

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Compares in time independent of where the strings differ (digests have equal length). */
function sameSecret(candidate: Buffer, secret: Buffer | undefined): boolean {
  return secret !== undefined && timingSafeEqual(candidate, secret);
}

export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const header = request.headers["x-api-key"];
  if (typeof header === "string" && header !== "") return header.trim();
  return undefined;
}

export class ApiKeyCheck {
  private readonly writeDigest: Buffer | undefined;
  private readonly readDigest: Buffer | undefined;

  constructor(keys: ApiKeys) {
    this.writeDigest = keys.apiKey ? digest(keys.apiKey) : undefined;
    this.readDigest = keys.apiReadKey ? digest(keys.apiReadKey) : undefined;
  }

  get enabled(): boolean {
    return this.writeDigest !== undefined || this.readDigest !== undefined;
  }

  /** What a presented key allows; both keys are always compared. */
  grantOf(key: string | undefined): Grant {
    if (key === undefined) return "none";
    const candidate = digest(key);
    const isWrite = sameSecret(candidate, this.writeDigest);
    const isRead = sameSecret(candidate, this.readDigest);
    return isWrite ? "write" : isRead ? "read" : "none";
  }
}

export function accessOf(request: FastifyRequest): ApiAccess {
  const configured = request.routeOptions.config?.access;
  if (configured) return configured;
  // Unknown routes answer 404 to anyone: nothing behind them to protect. CORS preflights carry no
  // credentials by design.
  if (request.is404 || request.method === "OPTIONS") return "public";
  return request.method === "GET" || request.method === "HEAD" ? "read" : "write";
}

/**
 * An onRequest hook enforcing the keys for every route of the instance it is added to. A request
 * through the trusted ingress proxy (`trustedIngress`, see ingress.ts) is let through: Home
 * Assistant has signed the person in.
 */
export function createAuthHook(keys: ApiKeys, trustedIngress = ""): onRequestHookHandler {
  const check = new ApiKeyCheck(keys);
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    if (!check.enabled) return done();
    const access = accessOf(request);
    if (access === "public") return done();
    if (isIngressRequest(request, trustedIngress)) return done();
    const key = presentedKey(request);
    const grant = check.grantOf(key);
    if (grant === "none") {
      sendApiError(
        reply,
        401,
        "unauthorized",
        key === undefined
          ? "this gateway requires an API key: send Authorization: Bearer <key> or X-API-Key: <key>"
          : "the API key is not valid",
        { "WWW-Authenticate": 'Bearer realm="econet-gm3-gateway"' },
      );
      return;
    }
    if (access === "write" && grant !== "write") {
      sendApiError(
        reply,
        403,
        "forbidden",
        keys.apiKey
          ? "this key is read-only (API_READ_KEY); writes need API_KEY"
          : "this key is read-only (API_READ_KEY) and no API_KEY is configured, so writes are disabled",
      );
      return;
    }
    done();
  };
}
