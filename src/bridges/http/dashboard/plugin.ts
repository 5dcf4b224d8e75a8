/**
 * The web dashboard on the API's server: `GET /` gives it to browsers (they ask for text/html)
 * while every other client keeps the JSON answer; `GET /dashboard` gives it to anyone; the bundle
 * is served from `/assets/` by @fastify/static. The page shell and its assets are public — they
 * hold no data; the page asks for a key when the API answers 401.
 *
 * Caching: asset names carry a content hash, so they are immutable for a year; index.html is
 * `no-cache` (revalidated every time), so a new version shows on the next load.
 */
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "../../../log/index.js";
import { type DashboardFiles, defaultDashboardDir, loadDashboardFiles } from "./assets.js";
import { prefersHtml } from "./negotiate.js";

export const DASHBOARD_PATH = "/dashboard";
export const ASSETS_PREFIX = "/assets/";

const IMMUTABLE = "public, max-age=31536000, immutable";
/**
 * The page loads only its own script and stylesheet and talks only to this gateway (HTTP and
 * WebSocket); it is never framed.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface DashboardOptions {
  /** The built dashboard (index.html + assets/); default: dist/web next to the code. */
  dir?: string;
  logger: Logger;
}

function sendIndex(reply: FastifyReply, files: DashboardFiles): FastifyReply {
  return reply
    .code(200)
    .header("cache-control", "no-cache")
    .header("content-security-policy", CONTENT_SECURITY_POLICY)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .type("text/html; charset=utf-8")
    .send(files.indexHtml);
}

function isRoot(request: FastifyRequest): boolean {
  const url = request.url;
  return url === "/" || url.startsWith("/?");
}

/**
 * Adds the dashboard to an API server created by createApiServer (before it listens). Throws
 * DashboardNotBuiltError when the built files are missing.
 */
export async function registerDashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const files = await loadDashboardFiles(options.dir ?? defaultDashboardDir());

  // GET / is the API's JSON route; a browser's request is answered here before it gets there.
  app.addHook("onRequest", (request, reply, done) => {
    if ((request.method !== "GET" && request.method !== "HEAD") || !isRoot(request)) return done();
    // Caches must keep the HTML and the JSON answer apart.
    reply.header("vary", "accept");
    if (!prefersHtml(request.headers.accept)) return done();
    sendIndex(reply, files);
  });

  await app.register(async (scope) => {
    scope.addHook("onRoute", (route) => {
      route.config = { ...route.config, access: "public" };
    });
    scope.get(DASHBOARD_PATH, { schema: { hide: true } }, (_request, reply) => sendIndex(reply, files));
    await scope.register(fastifyStatic, {
      root: files.assetsDir,
      prefix: ASSETS_PREFIX,
      // One route per built file: a name that is not there gets the API's 404.
      wildcard: false,
      globIgnore: ["**/*.gz", "**/*.br"],
      index: false,
      decorateReply: false,
      // The .br/.gz copies written by the build: no compression work on the gateway.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader("cache-control", IMMUTABLE);
        res.setHeader("x-content-type-options", "nosniff");
      },
    });
  });
  options.logger.debug({ dir: files.dir }, "dashboard served at / (browsers) and /dashboard");
}
