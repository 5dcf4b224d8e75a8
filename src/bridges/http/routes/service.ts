/** GET /, GET /health, GET /api/status: the gateway itself. */

import { assessHealth } from "../../../views/health.js";
import { ageSeconds, naiveLocalIso } from "../../../views/timestamps.js";
import { type ApiContext, sendJson, type TypedApp } from "../context.js";
import { errorResponses, HealthBodySchema, RootBodySchema, StatusBodySchema } from "../schemas.js";
import { simulatorWarning, statusBody } from "../status-view.js";

/** The product name served by GET / (the reference serves its own name there). */
export const GATEWAY_NAME = "econet-gm3-gateway";

export function registerServiceRoutes(app: TypedApp, ctx: ApiContext): void {
  const { core, config, version } = ctx;

  app.get(
    "/",
    {
      config: { access: "public" },
      schema: {
        tags: ["gateway"],
        summary: "Name, version and status",
        response: { 200: RootBodySchema },
      },
    },
    (_request, reply) => sendJson(reply, 200, { name: GATEWAY_NAME, version, status: "running" }),
  );

  app.get(
    "/health",
    {
      config: { access: "public" },
      schema: {
        tags: ["gateway"],
        summary: "healthy / degraded / unhealthy, with the reason",
        description:
          "200 when healthy, 503 otherwise. unhealthy: the data cannot be served (nothing complete yet, another controller, " +
          "or the last values older than STALE_DATA_MAX_AGE). degraded: stale values served (link down, reconnecting, " +
          "values from the snapshot not yet confirmed), the last poll incomplete, or no complete poll for more than " +
          "3 × (POLL_INTERVAL + the last poll's duration).",
        response: { 200: HealthBodySchema, 503: HealthBodySchema },
      },
    },
    (_request, reply) => {
      const now = core.clock.now();
      const status = core.status();
      const health = assessHealth(status, config.pollIntervalMs, now);
      // The age of what is served: the last complete poll, else the snapshot's values.
      const lastPoll = status.poll.lastCompletedAt ?? status.data.asOf;
      return sendJson(reply, health.state === "healthy" ? 200 : 503, {
        status: health.state,
        reason: health.reason,
        controller_connected: status.link.state === "up",
        parameters_count: status.parameters.exposed,
        last_update: lastPoll === undefined ? null : naiveLocalIso(lastPoll),
        last_poll_age_seconds: ageSeconds(lastPoll, now),
        data_state: status.data.state,
        uptime_seconds: Math.round((now - status.startedAt) / 100) / 10,
        simulator: status.simulator,
        ...(status.simulator ? { warning: simulatorWarning(config.simTiming) } : {}),
        read_only: status.readOnly,
        expert_writes: status.expertWrites,
        version,
      });
    },
  );

  app.get(
    "/api/status",
    {
      schema: {
        tags: ["gateway"],
        summary: "Link, bus address, token, discovery, polling and bus statistics",
        response: { 200: StatusBodySchema, ...errorResponses(401) },
      },
    },
    (_request, reply) =>
      sendJson(
        reply,
        200,
        statusBody(
          core.status(),
          { version, pollIntervalMs: config.pollIntervalMs, simTiming: config.simTiming },
          core.clock.now(),
        ),
      ),
  );
}
