/** GET /api/parameters, GET and POST /api/parameters/{name} (HA-COMPAT.md §3, §4, §6). */
import type { FastifyReply } from "fastify";
import { WriteError } from "../../gateway/write-errors.js";
import { sendApiError } from "../../http/errors.js";
import { typeName } from "../../protocol/index.js";
import type { ParameterEntry } from "../../store/parameter-store.js";
import { parameterFieldsJson } from "../../views/parameters-view.js";
import { naiveLocalIso } from "../../views/timestamps.js";
import { valueJson } from "../../views/values.js";
import { type ApiContext, sendJson, sendNotReady, type TypedApp } from "../context.js";
import { acceptsGzip } from "../encoding.js";
import { createWriteRateLimitHook } from "../rate-limit.js";
import {
  errorResponses,
  NameParamsSchema,
  ParameterDetailSchema,
  ParametersBodySchema,
  WriteBodySchema,
  WriteResultSchema,
} from "../schemas.js";

const TAG = "parameters";
/** Names in error messages are cut here: a client's 500-character path is not worth echoing. */
const MAX_ECHOED_NAME = 80;

const echo = (name: string) => (name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name);

function sendNotFound(reply: FastifyReply, name: string): void {
  sendApiError(reply, 404, "not-found", `Parameter not found: ${echo(name)}`);
}

function detailJson(ctx: ApiContext, entry: ParameterEntry, now: number): string {
  const { store } = ctx.core;
  const { definition } = entry;
  const readAt = entry.readAt;
  return (
    `{${parameterFieldsJson(store, entry)},"type_name":${JSON.stringify(typeName(definition.type))},` +
    `"unit_symbol":${JSON.stringify(definition.unit.symbol)},` +
    `"last_read":${readAt === undefined ? "null" : `"${naiveLocalIso(readAt)}"`},` +
    `"age_seconds":${readAt === undefined ? "null" : Math.round((now - readAt) / 100) / 10},` +
    `"stale":${store.isStale(entry, now) ? "true" : "false"}}`
  );
}

export function registerParameterRoutes(app: TypedApp, ctx: ApiContext): void {
  const { core, view } = ctx;

  app.get(
    "/api/parameters",
    {
      schema: {
        tags: [TAG],
        summary: "All parameters, keyed by index",
        description:
          "Answered from memory. 503 until discovery and the first complete poll are done, and while the bus link is down.",
        response: { 200: ParametersBodySchema, ...errorResponses(401, 503) },
      },
    },
    (request, reply) => {
      if (!core.dataReady()) return sendNotReady(reply, core);
      reply.header("vary", "accept-encoding");
      if (acceptsGzip(request.headers["accept-encoding"])) {
        const compressed = view.gzip(core.clock.now());
        if (compressed) {
          reply.header("content-encoding", "gzip");
          return sendJson(reply, 200, compressed);
        }
      }
      return sendJson(reply, 200, view.json(core.clock.now()));
    },
  );

  app.get(
    "/api/parameters/:name",
    {
      schema: {
        tags: [TAG],
        summary: "One parameter, with its last read time and staleness",
        params: NameParamsSchema,
        response: { 200: ParameterDetailSchema, ...errorResponses(401, 404, 503) },
      },
    },
    (request, reply) => {
      if (!core.dataReady()) return sendNotReady(reply, core);
      const entry = core.store.resolve(request.params.name);
      if (!entry) return sendNotFound(reply, request.params.name);
      return sendJson(reply, 200, detailJson(ctx, entry, core.clock.now()));
    },
  );

  app.post(
    "/api/parameters/:name",
    {
      onRequest: createWriteRateLimitHook(ctx.limiter),
      config: { access: "write" },
      schema: {
        tags: [TAG],
        summary: "Write a parameter",
        description:
          "Validated against the controller's type, writable bit and limits before anything is sent; " +
          "200 only when the controller confirmed it (acknowledgement and read-back). " +
          "400 read-only/out of range (or a range that cannot be resolved)/wrong type, 403 read-only mode, " +
          "404 unknown, 422 no `value`, 429 too many writes, 502 refused by the controller, " +
          "503 link down, data not ready, waiting for the first poll after a restart, or not confirmed.",
        params: NameParamsSchema,
        body: WriteBodySchema,
        response: {
          200: WriteResultSchema,
          ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 502, 503),
        },
      },
    },
    async (request, reply) => {
      // Read-only mode refuses every write (403), whether the data is ready or not.
      if (!core.dataReady() && !core.status().readOnly) return sendNotReady(reply, core);
      const name = request.params.name;
      try {
        const outcome = await core.write({
          target: name,
          value: (request.body as { value: unknown }).value,
          origin: `http ${request.ip}`,
        });
        const type = core.store.get(outcome.index)?.definition.type ?? 0;
        return sendJson(
          reply,
          200,
          `{"success":true,"name":${JSON.stringify(name)},"parameter":${JSON.stringify(outcome.name)},` +
            `"index":${outcome.index},"old_value":${valueJson(type, outcome.oldValue)},` +
            `"new_value":${valueJson(type, outcome.newValue)},"confirmation":"${outcome.confirmation}",` +
            `"duration_ms":${Math.round(outcome.durationMs)},"timestamp":"${naiveLocalIso(outcome.timestamp)}"}`,
        );
      } catch (error) {
        if (!(error instanceof WriteError)) throw error;
        const detail = error.failure === "not-found" ? `Parameter not found: ${echo(name)}` : error.message;
        return sendApiError(reply, error.httpStatus, error.failure, detail);
      }
    },
  );
}
