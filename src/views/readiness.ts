/**
 * Why the data cannot be served, and how served data is marked. HA-COMPAT.md §2, §3: 503 until
 * discovery and one full poll are complete, never a partial map with 200; the reference gateway also
 * answers 503 whenever the bus link is down. This gateway serves the last complete values, marked
 * stale, for a bounded time while the link is down (STALE_DATA_MAX_AGE, `gateway/data-state.ts`),
 * so a short outage does not turn every Home Assistant entity unavailable; after that, 503 again.
 */
import type { DataStatus, GatewayStatus } from "../port/index.js";

export interface NotReady {
  /** `not-connected` while the link is down, `not-ready` while discovering or before the first poll. */
  code: "not-connected" | "not-ready";
  detail: string;
}

/** The reference gateway's wording, kept for operators who grep for it. */
export const NOT_CONNECTED = "Controller not connected";

/** Why old values are no longer served, if that is why; "" otherwise. */
function tooOld(status: GatewayStatus): string {
  const { data } = status;
  return data.withheld === "too-old"
    ? `; the last values are older than STALE_DATA_MAX_AGE (${Math.round(data.staleMaxAgeMs / 1000)} s) and no longer served`
    : "";
}

export function notReadyReason(status: GatewayStatus): NotReady {
  const { link, discovery, poll, check } = status;
  if (link.state !== "up") {
    const why = link.lastError
      ? `: ${link.lastError.message}`
      : link.state === "connecting"
        ? ": connecting"
        : "";
    return {
      code: "not-connected",
      detail: `${NOT_CONNECTED} (link to ${link.target} ${link.state}${why})${tooOld(status)}`,
    };
  }
  if (discovery.state === "running") {
    const progress = discovery.progress
      ? ` (${discovery.progress.discovered} ${discovery.progress.space} parameters so far)`
      : "";
    return { code: "not-ready", detail: `Controller connected; discovering parameters${progress}` };
  }
  if (discovery.state === "failed") {
    return {
      code: "not-ready",
      detail: `Controller connected; discovery failed (${discovery.lastError ?? "unknown reason"}) and is retried`,
    };
  }
  if (check.state === "changed") {
    return {
      code: "not-ready",
      detail: `Controller connected; ${check.lastResult ?? "the controller changed"}: reading its parameters again`,
    };
  }
  const lastError = poll.lastError ? ` (the last poll was incomplete: ${poll.lastError})` : "";
  return {
    code: "not-ready",
    detail: `Controller connected; waiting for the first complete poll${lastError}${tooOld(status)}`,
  };
}

/**
 * How served data is marked on HTTP responses: `X-Data-State` (`fresh` or `stale`) and
 * `X-Data-Age` (whole seconds since the values were last read completely). Headers, because the
 * bodies must stay byte-compatible with the reference gateway's (HA-COMPAT.md); the body's
 * `timestamp` is the same moment.
 */
export function dataHeaders(data: DataStatus, now: number): Record<string, string> {
  const headers: Record<string, string> = { "x-data-state": data.state };
  if (data.asOf !== undefined)
    headers["x-data-age"] = String(Math.max(0, Math.floor((now - data.asOf) / 1000)));
  return headers;
}
