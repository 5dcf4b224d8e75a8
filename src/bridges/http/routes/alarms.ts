/** GET /api/alarms (HA-COMPAT.md §7): the panel's alarm log from memory, newest first. */

import { alarmNames } from "../../../catalog/alarm-names.js";
import { sendApiError } from "../../../http/errors.js";
import { dataHeaders, notReadyReason } from "../../../views/readiness.js";
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
          "Served whenever GET /api/parameters is (also the last log, marked stale like the values, while the link is down " +
          "for up to STALE_DATA_MAX_AGE); 503 otherwise or before the log was first read.",
        response: { 200: AlarmsBodySchema, ...errorResponses(401, 503) },
      },
    },
    (_request, reply) => {
      const status = core.status();
      if (!status.dataReady) {
        const reason = notReadyReason(status);
        return sendApiError(reply, 503, reason.code, reason.detail);
      }
      reply.headers(dataHeaders(status.data, core.clock.now()));
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
          ...alarmNames(a.code),
        })),
      });
    },
  );
}
