/**
 * `/ws/parameters` on the HTTP API's Fastify instance (@fastify/websocket): checks the API key and
 * the filter before the upgrade — answering 401/403/400 in the API's error shape — then attaches the
 * socket to the live hub. The key may come as a header (as for HTTP) or as `?key=` (browsers cannot
 * set headers on a WebSocket).
 */
import websocket from "@fastify/websocket";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { GatewayConfig } from "../../config/index.js";
import { ApiKeyCheck, isIngressRequest, presentedKey, sendApiError } from "../../http/index.js";
import { type Logger, logEvent } from "../../log/index.js";
import type { ThermostatPort } from "../../port/index.js";
import { assessHealth, parameterFieldsJson, valueJson } from "../../views/index.js";
import { CLOSE_GOING_AWAY } from "./channel.js";
import { FilterError, type ParameterFilter, parseFilter } from "./filter.js";
import { type LiveCore, LiveHub } from "./hub.js";

export const LIVE_STREAM_PATH = "/ws/parameters";
/** The API's error shape, for the refusals before the upgrade (documented in OpenAPI). */
const ERROR_BODY = {
  type: "object",
  properties: { error: { type: "string" }, detail: { type: "string" } },
  required: ["error", "detail"],
} as const;

/** Clients send nothing useful; anything larger than this closes the connection (1009). */
const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** Stop handing messages to a socket while this much waits in it (the rest waits in the queue). */
const HIGH_WATER_BYTES = 256 * 1024;
/**
 * A client closed for being too slow has this long to read its backlog (kernel buffers hold
 * megabytes) up to the close frame with the reason, and answer it; then the connection is dropped.
 */
const CLOSE_GRACE_MS = 5_000;

type Query = Record<string, string | string[] | undefined>;

declare module "fastify" {
  interface FastifyRequest {
    /** The filter parsed before the upgrade. */
    liveFilter?: ParameterFilter;
  }
}

export interface LiveStreamOptions {
  core: LiveCore;
  logger: Logger;
  config: Pick<
    GatewayConfig,
    "apiKey" | "apiReadKey" | "ingressTrustedAddress" | "wsMaxQueueMessages" | "pollIntervalMs"
  >;
  /** The virtual room thermostat (undefined when the gateway has none): `thermostat` messages. */
  thermostat?: ThermostatPort;
}

/** Registers the endpoint; returns the hub (its stats feed the metrics). */
export async function registerLiveStream(app: FastifyInstance, options: LiveStreamOptions): Promise<LiveHub> {
  const { core, config, logger } = options;
  const hub = new LiveHub(core, {
    maxQueueMessages: config.wsMaxQueueMessages,
    highWaterBytes: HIGH_WATER_BYTES,
    closeGraceMs: CLOSE_GRACE_MS,
    encoding: {
      fields: (entry) => parameterFieldsJson(core.store, entry),
      value: valueJson,
    },
    health: (status) => assessHealth(status, config.pollIntervalMs, core.clock.now()),
    ...(options.thermostat ? { thermostat: options.thermostat } : {}),
    onTooSlow: (client, queued) =>
      logEvent(logger, "ws.client.dropped", {
        client,
        queued,
        reason: `more than ${config.wsMaxQueueMessages} messages behind (WS_MAX_QUEUE)`,
      }),
  });
  const keys = new ApiKeyCheck({ apiKey: config.apiKey, apiReadKey: config.apiReadKey });

  await app.register(websocket, {
    options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES },
    preClose(done) {
      hub.close();
      for (const client of this.websocketServer.clients)
        client.close(CLOSE_GOING_AWAY, "the gateway is stopping");
      this.websocketServer.close(() => done());
    },
  });

  const admit = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const query = request.query as Query;
    if (keys.enabled && !isIngressRequest(request, config.ingressTrustedAddress)) {
      const fromQuery = typeof query.key === "string" && query.key !== "" ? query.key : undefined;
      const key = presentedKey(request) ?? fromQuery;
      // The stream is a read: either key will do.
      if (keys.grantOf(key) === "none") {
        sendApiError(
          reply,
          401,
          "unauthorized",
          key === undefined
            ? "this gateway requires an API key: send Authorization: Bearer <key>, X-API-Key: <key>, or ?key=<key>"
            : "the API key is not valid",
          { "WWW-Authenticate": 'Bearer realm="econet-gm3-gateway"' },
        );
        return;
      }
    }
    try {
      request.liveFilter = parseFilter(query);
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      sendApiError(reply, 400, "bad-filter", error.message);
      return;
    }
    done();
  };

  app.route({
    method: "GET",
    url: LIVE_STREAM_PATH,
    // The key check above also reads ?key=, which the API's header-only hook does not.
    config: { access: "public" },
    schema: {
      tags: ["live"],
      operationId: "getWsParameters",
      summary: "Live parameter stream (WebSocket; docs/websocket.md)",
      description:
        "Upgrade to a WebSocket (`ws://host:port/ws/parameters`): a `status` message, a `snapshot`, then `changes`, `alarms`, " +
        "`status` and `write` messages as JSON text frames. Optional query filters `names`, `indices`, `encoding`; " +
        "with API keys set, either key in a header or as `?key=`. A plain GET (no upgrade) answers 426.",
      ...(keys.enabled ? { security: [{ bearer: [] }, { apiKey: [] }, { queryKey: [] }] } : {}),
      response: {
        101: { description: "Switching Protocols: the WebSocket stream" },
        ...Object.fromEntries(
          [400, 426, ...(keys.enabled ? [401] : [])].map((status) => [status, ERROR_BODY]),
        ),
      },
    },
    onRequest: admit,
    handler: (_request, reply) =>
      sendApiError(
        reply,
        426,
        "upgrade-required",
        `${LIVE_STREAM_PATH} is a WebSocket endpoint: connect with a WebSocket client (ws://…${LIVE_STREAM_PATH})`,
        { Upgrade: "websocket" },
      ),
    wsHandler: (socket, request) => {
      const detach = hub.attach(socket, request.liveFilter, request.ip);
      socket.on("close", detach);
      // One-way stream: client messages are ignored.
      socket.on("message", () => {});
    },
  });
  return hub;
}
