/**
 * The HTTP API server (Fastify + TypeBox): built here, listened on by the caller (`gm3 serve`).
 * Other bridges (WebSocket, metrics, dashboard) register their plugins on the same instance; the
 * auth hook, the error shape, the JSON parser and the request log apply to them too.
 */

import cors from "@fastify/cors";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import type { GatewayConfig } from "../../config/index.js";
import { ANY_ORIGIN } from "../../config/index.js";
import { ApiKeyCheck, createAuthHook } from "../../http/auth.js";
import { answerClientError, handleError, sendApiError } from "../../http/errors.js";
import { RouteMethods } from "../../http/method-not-allowed.js";
import type { Logger } from "../../log/index.js";
import type { ThermostatPort } from "../../port/index.js";
import { ParametersView } from "../../views/parameters-view.js";
import type { ApiContext } from "./context.js";
import type { ApiCore } from "./core.js";
import { DOCS_PREFIX, registerDocsRoutes, registerOpenApi } from "./docs.js";
import type { HistoryApi } from "./history.js";
import { useJsonBodyParser } from "./json-body.js";
import { createRequestLogHook } from "./request-log.js";
import { registerAlarmRoutes } from "./routes/alarms.js";
import { registerExpertRoutes } from "./routes/expert.js";
import { registerHistoryRoutes } from "./routes/history.js";
import { registerParameterRoutes } from "./routes/parameters.js";
import { registerServiceRoutes } from "./routes/service.js";
import { registerThermostatRoutes } from "./routes/thermostat.js";
import { registerWriteRoutes } from "./routes/writes.js";
import { DisabledThermostat } from "./thermostat.js";

export interface ApiServerDeps {
  core: ApiCore;
  config: GatewayConfig;
  logger: Logger;
  version: string;
  /** The virtual thermostat; without one the thermostat calls report it disabled. */
  thermostat?: ThermostatPort;
  /** The recorded history; without it (HISTORY_ENABLED=false) the history endpoint answers 404. */
  history?: HistoryApi;
  /** Serve HTTPS (and WSS) with this PEM key and certificate instead of plain HTTP. */
  tls?: { key: string; cert: string };
  /**
   * How long a close waits for requests still in flight (a write's answer, a download) before it
   * cuts their connections. Default {@link CLOSE_GRACE_MS}.
   */
  closeGraceMs?: number;
}

/**
 * A client that stops reading mid-download, or sends half a request, would otherwise hold the
 * close (and the gateway's shutdown) for Node's request timeout, minutes. Writes are answered
 * before the bridges stop (the core stops its write jobs first), so this only cuts stalled clients.
 */
export const CLOSE_GRACE_MS = 10_000;

/** Longest path segment routed (a longer name gets 404 like any unknown name). */
const MAX_PARAM_LENGTH = 512;
const MAX_LOGGED_URL = 200;

declare module "fastify" {
  interface FastifyInstance {
    /** The API's shared pieces, for plugins of other bridges. */
    gm3Api: Pick<ApiContext, "core" | "view">;
  }
}

export async function createApiServer(deps: ApiServerDeps): Promise<FastifyInstance> {
  const { core, config, logger } = deps;
  const app = Fastify({
    // Fastify builds an https.Server instead of an http.Server; everything else is the same.
    ...(deps.tls ? { https: { key: deps.tls.key, cert: deps.tls.cert } } : {}),
    // Requests are logged once each through the typed api.request event below.
    logger: false,
    // Answered in the API's error shape by the hook below instead.
    return503OnClosing: false,
    bodyLimit: config.apiBodyLimitBytes,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A string where a number belongs is an error (422), not something to coerce.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    // What Node's parser refuses (431 headers too large, 400 malformed HTTP) in the error shape too.
    clientErrorHandler: answerClientError,
    // Node would answer a missing Host with a bare 400; the hook below does, in the error shape.
    http: { requireHostHeader: false },
    frameworkErrors: (error, request, reply) => {
      const url = request.url.slice(0, MAX_LOGGED_URL);
      if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
        // No parameter has such a name: the same answer as any unknown name.
        sendApiError(
          reply,
          404,
          "not-found",
          `no such resource: a path segment is longer than ${MAX_PARAM_LENGTH} characters`,
        );
        return;
      }
      sendApiError(reply, 400, "bad-url", `the URL ${url} is not valid (bad percent-encoding?)`);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Values of a poll that did not complete show after two poll intervals at most.
  const view = new ParametersView(core.store, { maxStaleMs: 2 * config.pollIntervalMs });
  const ctx: ApiContext = {
    core,
    config,
    logger,
    version: deps.version,
    thermostat: deps.thermostat ?? deps.core.thermostat ?? new DisabledThermostat(deps.core.clock),
    view,
  };
  app.decorate("gm3Api", { core, view });
  app.addHook("onClose", (_instance, done) => {
    view.dispose();
    done();
  });

  // Routes are recorded as they are added (those of other bridges too), for 405 answers.
  const routeMethods = new RouteMethods();
  routeMethods.watch(app);
  useJsonBodyParser(app);
  // Bodies are JSON only: text/plain gets 415 instead of a string that fails validation.
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler(
    handleError((error, request) => {
      logger.error(
        { err: error, url: request.url },
        `unexpected error answering ${request.method} ${request.url}`,
      );
    }),
  );
  app.setNotFoundHandler((request, reply) => {
    const shown = request.url.slice(0, MAX_LOGGED_URL);
    const allowed = routeMethods.allowedFor(request.url);
    if (allowed.length > 0) {
      sendApiError(
        reply,
        405,
        "method-not-allowed",
        `${request.method} is not accepted at ${shown}; it accepts ${allowed.join(", ")}`,
        { Allow: allowed.join(", ") },
      );
      return;
    }
    sendApiError(
      reply,
      404,
      "not-found",
      `no such endpoint: ${request.method} ${shown} (the API is described at ${DOCS_PREFIX})`,
    );
  });
  app.addHook("onResponse", createRequestLogHook(logger));
  // Graceful shutdown: requests arriving on open connections get a clear 503. A keep-alive
  // connection whose request was in flight when closing began (a write takes seconds) would
  // otherwise stay open for the whole keep-alive timeout once answered, holding up the close: from
  // now on an answered connection is let go at once.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    app.server.keepAliveTimeout = 1;
    const grace = setTimeout(() => {
      logger.warn(
        `HTTP connections still open ${deps.closeGraceMs ?? CLOSE_GRACE_MS} ms after closing began (a stalled client); closing them`,
      );
      app.server.closeAllConnections();
    }, deps.closeGraceMs ?? CLOSE_GRACE_MS);
    grace.unref();
    app.server.once("close", () => clearTimeout(grace));
    done();
  });
  app.addHook("onRequest", (_request, reply, done) => {
    if (!closing) return done();
    reply.header("connection", "close");
    sendApiError(reply, 503, "shutting-down", "the gateway is shutting down; retry in a few seconds");
  });
  app.addHook("onRequest", (request, reply, done) => {
    // HTTP/1.1 requires Host (RFC 9112 §3.2); HTTP/1.0 clients may omit it, as Node allows.
    if (request.raw.httpVersion !== "1.1" || request.headers.host !== undefined) return done();
    reply.header("connection", "close");
    sendApiError(reply, 400, "bad-request", "an HTTP/1.1 request needs a Host header");
  });
  // Swagger UI's own routes are documentation: public like /openapi.json.
  app.addHook("onRoute", (route) => {
    if (route.url.startsWith(DOCS_PREFIX)) route.config = { ...route.config, access: "public" };
  });
  const keys = { apiKey: config.apiKey, apiReadKey: config.apiReadKey };
  // Without keys there is nothing to check: no hook on the hot path.
  if (new ApiKeyCheck(keys).enabled)
    app.addHook("onRequest", createAuthHook(keys, config.ingressTrustedAddress));

  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes(ANY_ORIGIN) ? true : [...config.corsOrigins],
      methods: ["GET", "HEAD", "POST"],
      allowedHeaders: ["Authorization", "X-API-Key", "Content-Type"],
    });
  }

  await registerOpenApi(app, deps.version, new ApiKeyCheck(keys).enabled);
  registerServiceRoutes(app, ctx);
  registerParameterRoutes(app, ctx);
  registerWriteRoutes(app, ctx);
  registerExpertRoutes(app, ctx);
  registerAlarmRoutes(app, ctx);
  registerThermostatRoutes(app, ctx);
  registerHistoryRoutes(app, ctx, deps.history);
  await registerDocsRoutes(app);
  return app;
}
