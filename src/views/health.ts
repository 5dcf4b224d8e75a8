/**
 * /health: one word an operator or a container runtime can act on, and why.
 *
 * - `unhealthy` — the data cannot be served: the same condition that makes GET /api/parameters
 *   answer 503 (nothing complete yet, values known to be another controller's, or the last values
 *   older than STALE_DATA_MAX_AGE while the link is down).
 * - `degraded` — data is served but may be old: the last values, marked stale, while the link is
 *   down or the controller is being checked after a reconnect; values restored from the snapshot
 *   and not yet confirmed by a poll; the last poll cycle was incomplete; or no poll completed for
 *   more than 3 × (POLL_INTERVAL + the last poll's duration).
 * - `degraded` also when the virtual room thermostat's temperature is stale (THERMOSTAT_ENABLED and
 *   no reading for THERMOSTAT_MAX_AGE): the controller regulates on an old or substituted value.
 * - `healthy` — otherwise (also on the simulator, which is flagged separately).
 *
 * The issue overrides HA-COMPAT.md §9 (always 200): 200 only when healthy, 503 otherwise.
 */
import type { GatewayStatus } from "../port/index.js";
import { notReadyReason } from "./readiness.js";

export type HealthState = "healthy" | "degraded" | "unhealthy";

/** Polls missed before the data counts as old. */
export const STALE_POLL_FACTOR = 3;

export interface HealthAssessment {
  state: HealthState;
  /** Why it is not healthy; null when healthy. */
  reason: string | null;
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/** Why stale values are served, with their age and how much longer they will be. */
function staleReason(status: GatewayStatus, now: number): string {
  const { data, link } = status;
  const age = data.asOf === undefined ? "" : `, ${seconds(now - data.asOf)} s old`;
  const until = data.servedUntil === undefined ? "" : ` for ${seconds(data.servedUntil - now)} s more`;
  if (status.parameters.servingSnapshot) {
    const link =
      status.link.state === "up"
        ? ""
        : ` (the bus link is not up yet${status.link.lastError ? `: ${status.link.lastError.message}` : ""})`;
    return `serving values restored from the snapshot${age}; the first poll has not confirmed them yet${link}`;
  }
  if (link.state !== "up") {
    const why = link.lastError ? `: ${link.lastError.message}` : "";
    return `the bus link is down${why}; serving the last values${age}, marked stale,${until}`;
  }
  return `reconnected; checking the controller before the values are fresh again (the last values${age})`;
}

export function assessHealth(status: GatewayStatus, pollIntervalMs: number, now: number): HealthAssessment {
  const bus = assessBus(status, pollIntervalMs, now);
  const stale = status.thermostat?.staleReason;
  if (stale === undefined) return bus;
  if (bus.state === "healthy") return { state: "degraded", reason: stale };
  return { state: bus.state, reason: `${bus.reason}; ${stale}` };
}

function assessBus(status: GatewayStatus, pollIntervalMs: number, now: number): HealthAssessment {
  if (!status.dataReady) return { state: "unhealthy", reason: notReadyReason(status).detail };
  if (status.data.state === "stale") return { state: "degraded", reason: staleReason(status, now) };
  const { poll } = status;
  if (poll.consecutiveFailures > 0) {
    return {
      state: "degraded",
      reason: `the last poll was incomplete: ${poll.lastError ?? "unknown reason"}`,
    };
  }
  const lastPoll = poll.lastCompletedAt;
  const allowedMs = STALE_POLL_FACTOR * (pollIntervalMs + (poll.lastDurationMs ?? 0));
  if (lastPoll === undefined || now - lastPoll > allowedMs) {
    const age = lastPoll === undefined ? "ever" : `for ${Math.round((now - lastPoll) / 1000)} s`;
    return {
      state: "degraded",
      reason: `no complete poll ${age} (expected one every ${Math.round(pollIntervalMs / 100) / 10} s plus its duration)`,
    };
  }
  return { state: "healthy", reason: null };
}
