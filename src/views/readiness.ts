/**
 * Why the data cannot be served yet (HA-COMPAT.md §2, §3: 503 until discovery and one full poll
 * are complete, and whenever the bus link is down — never a partial map with 200).
 */
import type { GatewayStatus } from "../gateway/status.js";

export interface NotReady {
  /** `not-connected` while the link is down, `not-ready` while discovering or before the first poll. */
  code: "not-connected" | "not-ready";
  detail: string;
}

/** The reference gateway's wording, kept for operators who grep for it. */
export const NOT_CONNECTED = "Controller not connected";

export function notReadyReason(status: GatewayStatus): NotReady {
  const { link, discovery, poll } = status;
  if (link.state !== "up") {
    const why = link.lastError
      ? `: ${link.lastError.message}`
      : link.state === "connecting"
        ? ": connecting"
        : "";
    return { code: "not-connected", detail: `${NOT_CONNECTED} (link to ${link.target} ${link.state}${why})` };
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
  const lastError = poll.lastError ? ` (the last poll was incomplete: ${poll.lastError})` : "";
  return {
    code: "not-ready",
    detail: `Controller connected; waiting for the first complete poll${lastError}`,
  };
}
