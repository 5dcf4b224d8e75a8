/** GET /api/parameters, GET and POST /api/parameters/{name} (HA-COMPAT.md §3, §4, §6). */
import type { FastifyReply } from "fastify";
import { sendApiError } from "../../../http/errors.js";
import { ingressPrefix } from "../../../http/ingress.js";
import type { ParameterEntry, WriteJob } from "../../../port/index.js";
import { WriteError } from "../../../port/index.js";
import { typeName } from "../../../protocol/index.js";
import { parameterFieldsJson } from "../../../views/parameters-view.js";
import { dataHeaders } from "../../../views/readiness.js";
import { naiveLocalIso } from "../../../views/timestamps.js";
import { valueJson } from "../../../views/values.js";
import { writeJobJson } from "../../../views/write-job-json.js";
import { type ApiContext, sendJson, sendNotReady, type TypedApp } from "../context.js";
import { acceptsGzip } from "../encoding.js";
import {
  errorResponses,
  NameParamsSchema,
  ParameterDetailSchema,
  ParametersBodySchema,
  WriteBodySchema,
  WriteJobSchema,
  WriteResultSchema,
} from "../schemas.js";
import { httpStatusOf } from "../write-status.js";
import { prefersAsync, waitOf, writeLocation } from "./writes.js";

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

/** Longest a request waits for the gzip copy being made (~200 KB compress in a few ms). */
const GZIP_WAIT_MS = 100;

export function registerParameterRoutes(app: TypedApp, ctx: ApiContext): void {
  const { core, view } = ctx;

  app.get(
    "/api/parameters",
    {
      schema: {
        tags: [TAG],
        summary: "All parameters, keyed by index",
        description:
          "Answered from memory. 503 until discovery and the first complete poll are done. While the controller " +
          "cannot be read (link down, reconnecting, just restarted from the snapshot) the last complete values are " +
          "served, marked by the headers X-Data-State: stale and X-Data-Age (seconds), until they are " +
          "STALE_DATA_MAX_AGE old; then 503. The body is the reference gateway's; its timestamp is when the values were read.",
        response: { 200: ParametersBodySchema, ...errorResponses(401, 503) },
      },
    },
    async (request, reply) => {
      const now = core.clock.now();
      const data = core.dataStatus(now);
      if (data.state === "unavailable") return sendNotReady(reply, core);
      reply.headers(dataHeaders(data, now));
      reply.header("vary", "accept-encoding");
      if (acceptsGzip(request.headers["accept-encoding"])) {
        // A compression under way (the body just changed) ends within milliseconds: worth waiting for.
        const compressed = await view.gzipSoon(GZIP_WAIT_MS);
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
      const now = core.clock.now();
      const data = core.dataStatus(now);
      if (data.state === "unavailable") return sendNotReady(reply, core);
      reply.headers(dataHeaders(data, now));
      const entry = core.store.resolve(request.params.name);
      if (!entry) return sendNotFound(reply, request.params.name);
      return sendJson(reply, 200, detailJson(ctx, entry, core.clock.now()));
    },
  );

  app.post(
    "/api/parameters/:name",
    {
      config: { access: "write" },
      schema: {
        tags: [TAG],
        summary: "Write a parameter",
        description:
          "Validated against the controller's type, writable bit and limits before anything is sent, then queued as a write job " +
          "that goes out at the next token grant, before polls, and is confirmed by the acknowledgement and a read-back. " +
          "The answer waits up to WRITE_WAIT (8 s): 200 when confirmed; 200 with `confirmation: queued`, the `write_id` and a " +
          "`Location` of `/api/writes/{write_id}` when the job is still waiting for the bus (it goes on by itself, up to WRITE_DEADLINE); " +
          "200 with `confirmation: superseded` when a newer write to the parameter replaced it before it was sent. " +
          "With `Prefer: respond-async`: 202 at once with the job. " +
          "400 read-only/out of range (or a range that cannot be resolved)/wrong type/a fraction for an integer " +
          "type (`not-a-whole-number`)/a float binary32 would change/a string over one frame (`too-long`), " +
          "403 read-only mode or a service parameter without EXPERT_WRITES (`expert-only`), " +
          "404 unknown, 422 no `value`, 429 too many writes (all paths together), 502 refused by the controller, " +
          "503 link down, data not ready, not confirmed, queue full or expired (the token did not come, or the controller was not yet verified after a reconnect or a restart from the snapshot, within WRITE_DEADLINE).",
        params: NameParamsSchema,
        body: WriteBodySchema,
        response: {
          200: WriteResultSchema,
          202: WriteJobSchema,
          ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 502, 503),
        },
      },
    },
    async (request, reply) => {
      // Read-only mode refuses every write (403), whether the data is ready or not.
      if (!core.dataReady() && !core.status().readOnly) return sendNotReady(reply, core);
      const name = request.params.name;
      let job: WriteJob;
      try {
        job = core.writes.submit({
          target: name,
          value: (request.body as { value: unknown }).value,
          origin: `http ${request.ip}`,
        });
      } catch (error) {
        if (!(error instanceof WriteError)) throw error;
        return sendWriteError(reply, error, name);
      }
      // Under Home Assistant Ingress the path the browser follows starts with the ingress prefix.
      const location = ingressPrefix(request, ctx.config.ingressTrustedAddress) + writeLocation(job);
      if (prefersAsync(request.headers.prefer) && !job.final) {
        reply.header("location", location).header("preference-applied", "respond-async");
        return sendJson(reply, 202, writeJobJson(job, waitOf(core.writes, job)));
      }
      await core.writes.waitForEnd(job, ctx.config.writeWaitMs);
      if (job.state === "failed" || job.state === "expired") return sendWriteError(reply, job.error!, name);
      if (!job.final) reply.header("location", location);
      return sendJson(reply, 200, writeAnswerJson(job, name, core.clock.now()));
    },
  );
}

/** An error answer for a write, with Retry-After when the budget is spent. */
function sendWriteError(reply: FastifyReply, error: WriteError, name: string): void {
  const detail = error.failure === "not-found" ? `Parameter not found: ${echo(name)}` : error.message;
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { "Retry-After": String(error.retryAfterSeconds) };
  sendApiError(reply, httpStatusOf(error), error.failure, detail, headers);
}

/**
 * The 200 answer (HA-COMPAT.md §6: `success`, `name`, `old_value`, `new_value`, `timestamp`, plus
 * the gateway's own fields): confirmed, still queued (or being sent), or superseded.
 */
function writeAnswerJson(job: WriteJob, name: string, now: number): string {
  const { accepted, outcome } = job;
  const type = accepted.type;
  const confirmation = outcome?.confirmation ?? (job.state === "superseded" ? "superseded" : "queued");
  return (
    `{"success":true,"name":${JSON.stringify(name)},"parameter":${JSON.stringify(accepted.name)},` +
    `"index":${accepted.index},"old_value":${valueJson(type, outcome ? outcome.oldValue : accepted.oldValue)},` +
    `"new_value":${valueJson(type, outcome ? outcome.newValue : accepted.value)},"confirmation":"${confirmation}",` +
    `"state":"${job.state}","write_id":${JSON.stringify(job.id)},` +
    (job.supersededBy ? `"superseded_by":${JSON.stringify(job.supersededBy)},` : "") +
    `"duration_ms":${Math.round((job.endedAt ?? now) - job.acceptedAt)},` +
    `"timestamp":"${naiveLocalIso(outcome?.timestamp ?? now)}"}`
  );
}
