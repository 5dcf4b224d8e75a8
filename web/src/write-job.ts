/**
 * A write job as the page tells it: waiting for the bus (and about how long, from the grants the
 * gateway has seen), being sent, and how it ended. Pure, unit-tested.
 */
import type { WriteJob } from "./types.js";

const FINAL = new Set(["confirmed", "failed", "superseded", "expired"]);

export function isFinal(job: Pick<WriteJob, "state">): boolean {
  return FINAL.has(job.state);
}

/** What a job that has not ended yet is doing, e.g. "Queued: waiting for the bus, ~7 s." */
export function pendingText(job: Pick<WriteJob, "state" | "waiting_for" | "expected_send_in_ms">): string {
  if (job.state === "sending")
    return "Sent to the controller; waiting for its acknowledgement and read-back…";
  switch (job.waiting_for) {
    case "link":
      return "Queued: waiting for the bus link to come back…";
    case "first-poll":
      return "Queued: waiting for the first poll since the link came up…";
    default: {
      const ms = job.expected_send_in_ms;
      if (ms === null) return "Queued: waiting for the bus (the next token grant)…";
      const seconds = Math.ceil(ms / 1000);
      return seconds <= 0
        ? "Queued: waiting for the bus, any moment now…"
        : `Queued: waiting for the bus, ~${seconds} s…`;
    }
  }
}

/** How a job ended that was not confirmed (the confirmed case shows the value the controller holds). */
export function unconfirmedText(job: Pick<WriteJob, "state" | "error" | "detail" | "superseded_by">): string {
  switch (job.state) {
    case "superseded":
      return `Superseded: a newer write to this parameter (job ${job.superseded_by ?? "?"}) came before it was sent; this value was not sent.`;
    case "expired":
      return `Expired: ${job.detail ?? "no token grant came in time; nothing was sent"}`;
    default:
      return `Failed (${job.error ?? "unknown"}): ${job.detail ?? "no reason given"}`;
  }
}
