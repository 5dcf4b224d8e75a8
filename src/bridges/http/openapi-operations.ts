/**
 * Per-operation OpenAPI details the route schemas do not spell themselves: an `operationId` for
 * every operation (from method and path: `GET /api/parameters/:name` → `getApiParametersByName`),
 * and — when API keys are set — the security requirement of every operation that needs a key,
 * with the 401 (and, for writes, 403) the auth hook then answers. Without keys nothing requires a
 * key and no 401 can be sent, so none is documented.
 */
import type { FastifySchema, RouteOptions } from "fastify";
import type { ApiAccess } from "../../http/auth.js";
import { ErrorBodySchema } from "./schemas.js";

const word = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function operationIdOf(method: string, url: string): string {
  const parts = url
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => {
      if (segment.startsWith(":")) return `By${word(segment.slice(1))}`;
      return segment
        .split(/[^a-zA-Z0-9]+/)
        .filter(Boolean)
        .map(word)
        .join("");
    });
  return `${method.toLowerCase()}${parts.join("") || "Root"}`;
}

function accessOfRoute(route: RouteOptions, method: string): ApiAccess {
  const configured = (route.config as { access?: ApiAccess } | undefined)?.access;
  if (configured) return configured;
  return method === "GET" || method === "HEAD" ? "read" : "write";
}

export const SECURITY = [{ bearer: [] }, { apiKey: [] }];

/** The schema as documented: operationId, and with keys the security and 401/403 answers. */
export function documentedSchema(
  schema: FastifySchema,
  url: string,
  route: RouteOptions,
  keysEnabled: boolean,
): FastifySchema {
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) ?? "GET";
  const documented: Record<string, unknown> = { ...schema };
  documented.operationId ??= operationIdOf(method, url);
  if (!keysEnabled || accessOfRoute(route, method) === "public") return documented;
  documented.security ??= SECURITY;
  const responses = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
  responses["401"] ??= { ...ErrorBodySchema, description: "No API key, or a key that is not valid" };
  if (accessOfRoute(route, method) === "write") {
    responses["403"] ??= { ...ErrorBodySchema, description: "A read-only key (API_READ_KEY) on a write" };
  }
  documented.response = responses;
  return documented;
}
