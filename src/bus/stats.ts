/** Counters of what happened on the bus, for /health, /api/status and metrics. */
import type { BusFailureReason } from "./errors.js";

export interface BusStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  crcErrors: number;
  discardedBytes: number;
  requests: number;
  responses: number;
  /** Frames addressed to us while nothing was waiting (replies after their timeout). */
  lateReplies: number;
  timeouts: number;
  /** Re-transmissions by the reason of the failed attempt. */
  retries: Record<"timeout" | "garbled", number>;
  /** Requests that finally failed, by reason. */
  failures: Record<BusFailureReason, number>;
  identifyAnswers: number;
  tokenGrants: number;
  tokenReturns: number;
  /** Sum and last of the time requests waited for a token grant. */
  tokenWaitMsTotal: number;
  lastTokenWaitMs: number;
  /** Sum and last of how long the gateway held the token. */
  tokenHoldMsTotal: number;
  lastTokenHoldMs: number;
  lastFrameAt: number | undefined;
}

export function createBusStats(): BusStats {
  return {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    crcErrors: 0,
    discardedBytes: 0,
    requests: 0,
    responses: 0,
    lateReplies: 0,
    timeouts: 0,
    retries: { timeout: 0, garbled: 0 },
    failures: { timeout: 0, garbled: 0, rejected: 0, "link-down": 0, "no-token": 0, unsendable: 0 },
    identifyAnswers: 0,
    tokenGrants: 0,
    tokenReturns: 0,
    tokenWaitMsTotal: 0,
    lastTokenWaitMs: 0,
    tokenHoldMsTotal: 0,
    lastTokenHoldMs: 0,
    lastFrameAt: undefined,
  };
}
