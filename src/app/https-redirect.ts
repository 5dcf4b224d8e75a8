/**
 * TLS_REDIRECT_PORT: a plain-HTTP listener beside the HTTPS API that sends browsers to HTTPS.
 * GET and HEAD get 308 to the same path on https://<host>:<API_PORT>; other methods get 403, so a
 * client that writes over plain HTTP learns it instead of having its write redirected (its body and
 * key have already crossed the network in clear text).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { ConfigError, describeSource, type LoadedConfig } from "../config/index.js";

export interface HttpsRedirect {
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_HTTPS_PORT = 443;
/** Host header values used in Location: names, IPv4 and bracketed IPv6, with an optional port. */
const SAFE_HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

function redirectHost(request: IncomingMessage, fallback: string): string {
  const header = request.headers.host ?? "";
  const match = SAFE_HOST.exec(header);
  return match ? match[1]! : fallback;
}

function answer(
  request: IncomingMessage,
  response: ServerResponse,
  httpsPort: number,
  fallbackHost: string,
): void {
  const port = httpsPort === DEFAULT_HTTPS_PORT ? "" : `:${httpsPort}`;
  const location = `https://${redirectHost(request, fallbackHost)}${port}${request.url ?? "/"}`;
  if (request.method === "GET" || request.method === "HEAD") {
    response.writeHead(308, { location, "content-length": 0, connection: "close" });
    response.end();
    return;
  }
  const body = JSON.stringify({
    error: "https-required",
    detail: `this port only redirects to HTTPS; send ${request.method} requests to ${location}`,
  });
  response.writeHead(403, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  response.end(body);
}

export async function startHttpsRedirect(options: {
  host: string;
  port: number;
  httpsPort: number;
  sources?: LoadedConfig["sources"];
}): Promise<HttpsRedirect> {
  const fallbackHost = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host;
  const server = createServer((request, response) =>
    answer(request, response, options.httpsPort, fallbackHost),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    const origin = options.sources
      ? describeSource(options.sources.tlsRedirectPort, {
          env: "TLS_REDIRECT_PORT",
          yamlKey: "tls_redirect_port",
        })
      : "the configuration";
    const why =
      error.code === "EADDRINUSE"
        ? `port ${options.port} on ${options.host} is already in use`
        : error.code === "EACCES"
          ? `no permission to listen on port ${options.port} (ports below 1024 need CAP_NET_BIND_SERVICE)`
          : error.message;
    throw new ConfigError([{ setting: "TLS_REDIRECT_PORT", origin, problem: why }]);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
