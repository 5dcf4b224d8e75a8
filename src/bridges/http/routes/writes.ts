/** GET /api/writes and GET /api/writes/{id}: the write jobs and how they ended. */

import { sendApiError } from "../../../http/errors.js";
import type { WriteJob } from "../../../port/index.js";
import { type WriteJobWait, writeJobJson } from "../../../views/write-job-json.js";
import { type ApiContext, sendJson, type TypedApp } from "../context.js";
import type { ApiWrites } from "../core.js";
import { errorResponses, WriteIdParamsSchema, WriteJobSchema, WriteJobsBodySchema } from "../schemas.js";

const TAG = "writes";

/** Where a job can be followed. */
export function writeLocation(job: WriteJob): string {
  return `/api/writes/${encodeURIComponent(job.id)}`;
}

/** Whether a `Prefer` header asks for an answer at once (RFC 7240 `respond-async`). */
export function prefersAsync(header: string | string[] | undefined): boolean {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.some((value) =>
    value.split(",").some((preference) => preference.split(";")[0]!.trim().toLowerCase() === "respond-async"),
  );
}

export function waitOf(writes: ApiWrites, job: WriteJob): WriteJobWait {
  return { waitingFor: writes.waitingFor(job), expectedSendInMs: writes.expectedSendInMs(job) };
}

export function registerWriteRoutes(app: TypedApp, ctx: ApiContext): void {
  const { writes } = ctx.core;

  app.get(
    "/api/writes",
    {
      schema: {
        tags: [TAG],
        summary: "Recent write jobs, newest first",
        description:
          "The jobs still running and the last 200 ended ones, from every path (HTTP, MQTT, the CLI).",
        response: { 200: WriteJobsBodySchema, ...errorResponses(401) },
      },
    },
    (_request, reply) =>
      sendJson(
        reply,
        200,
        `{"writes":[${writes
          .recent()
          .map((job) => writeJobJson(job, waitOf(writes, job)))
          .join(",")}]}`,
      ),
  );

  app.get(
    "/api/writes/:id",
    {
      schema: {
        tags: [TAG],
        summary: "One write job: its state and outcome",
        params: WriteIdParamsSchema,
        response: { 200: WriteJobSchema, ...errorResponses(401, 404) },
      },
    },
    (request, reply) => {
      const job = writes.get(request.params.id);
      if (!job) {
        return sendApiError(
          reply,
          404,
          "not-found",
          "no such write job (ids are per run; only the last 200 ended jobs are kept)",
        );
      }
      return sendJson(reply, 200, writeJobJson(job, waitOf(writes, job)));
    },
  );
}
