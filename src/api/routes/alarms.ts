/** GET /api/alarms (HA-COMPAT.md §7): the panel's alarm log from memory, newest first. */

import { sendApiError } from "../../http/errors.js";
import { notReadyReason } from "../../views/readiness.js";
import { type ApiContext, sendJson, type TypedApp } from "../context.js";
import { AlarmsBodySchema, errorResponses } from "../schemas.js";

export function registerAlarmRoutes(app: TypedApp, ctx: ApiContext): void {
  const { core } = ctx;
  app.get(
    "/api/alarms",
    {
      schema: {
        tags: ["alarms"],
        summary: "The alarm log, newest first",
        description:
          "`to_date` is null while an alarm is active. Read after discovery and every ALARM_POLL_CYCLES polls. " +
          "503 while the controller is not connected or before the log was first read.",
        response: { 200: AlarmsBodySchema, ...errorResponses(401, 503) },
      },
    },
    (_request, reply) => {
      const status = core.status();
      if (status.link.state !== "up") {
        const reason = notReadyReason(status);
        return sendApiError(reply, 503, reason.code, reason.detail);
      }
      if (status.alarms.lastReadAt === undefined) {
        return sendApiError(
          reply,
          503,
          "not-ready",
          "Controller connected; the alarm log has not been read yet",
        );
      }
      // core.alarms is kept sorted newest first (gateway/alarms.ts).
      return sendJson(reply, 200, {
        alarms: core.alarms.map((a) => ({
          index: a.index,
          code: a.code,
          from_date: a.fromDate,
          to_date: a.toDate,
        })),
      });
    },
  );
}
