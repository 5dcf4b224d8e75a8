/**
 * Home Assistant Ingress: the Supervisor's proxy (172.30.32.2 on an add-on's network) forwards the
 * dashboard under a path prefix that it names in `X-Ingress-Path`, after Home Assistant has signed
 * the person in. A request is "from ingress" only when it comes from the configured address
 * (INGRESS_TRUSTED_ADDRESS) and carries that header: such a request needs no API key, and its
 * prefix is used where the gateway writes a path into a header (Location). Any other client's
 * X-Ingress-Path is ignored. The dashboard itself uses relative URLs, so it works under any prefix.
 */
import type { FastifyRequest } from "fastify";

export const INGRESS_PATH_HEADER = "x-ingress-path";

/** The peer's IP address without the IPv4-mapped IPv6 form (`::ffff:172.30.32.2` → `172.30.32.2`). */
export function peerAddress(request: Pick<FastifyRequest, "socket">): string {
  const address = request.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

/** True when the request came through the trusted ingress proxy; `trusted` "" trusts no one. */
export function isIngressRequest(
  request: Pick<FastifyRequest, "socket" | "headers">,
  trusted: string,
): boolean {
  if (trusted === "") return false;
  if (typeof request.headers[INGRESS_PATH_HEADER] !== "string") return false;
  return peerAddress(request) === trusted;
}

/** The ingress prefix (no trailing slash) of a trusted ingress request, else "". */
export function ingressPrefix(request: Pick<FastifyRequest, "socket" | "headers">, trusted: string): string {
  if (!isIngressRequest(request, trusted)) return "";
  const header = request.headers[INGRESS_PATH_HEADER] as string;
  // A path, nothing else: no scheme, host, query or characters a header could be split with.
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(header)) return "";
  return header.replace(/\/+$/, "");
}
