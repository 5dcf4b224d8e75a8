/** Why a write was refused or failed: a closed set (the HTTP bridge maps each to a status: bridges/http/write-status.ts). */

export type WriteFailure =
  /** READ_ONLY is on: no write reaches the bus. */
  | "read-only-mode"
  | "not-found"
  | "read-only-parameter"
  /** Panel parameters (10000+) are unverified on hardware; refused unless ALLOW_PANEL_WRITES. */
  | "panel-write-disabled"
  /** A service parameter (reset, flash, clock, test; src/catalog/expert-parameters.json); refused unless EXPERT_WRITES. */
  | "expert-only"
  | "wrong-type"
  /** A fraction for an integer type: refused rather than truncated. */
  | "not-a-whole-number"
  | "out-of-range"
  /** The wire type cannot hold the value without changing it (binary32 underflow or overflow, a lone surrogate). */
  | "not-representable"
  /** A string longer than one frame (or the descriptor's maximum) allows. */
  | "too-long"
  /** The link is down: refused at acceptance, or it went down before a job could be settled. */
  | "link-down"
  /** The link is up but there is no data to check a write against yet (discovery running). */
  | "not-ready"
  /** More than API_WRITE_RATE_LIMIT writes in the last minute, from every path together. */
  | "rate-limited"
  /** Too many jobs are waiting for the bus already. */
  | "queue-full"
  /** WRITE_DEADLINE passed before a token grant: the job was never sent. */
  | "expired"
  /** The gateway stopped before the job was sent. */
  | "shutdown"
  /** Sent, but neither acknowledged nor visible in a read-back. */
  | "not-confirmed"
  /** The controller refused it (ERROR), or acknowledged but holds another value. */
  | "rejected";

export class WriteError extends Error {
  override readonly name = "WriteError";
  constructor(
    readonly failure: WriteFailure,
    message: string,
    /** Whether a frame went out on the bus for this write. */
    readonly sent = false,
    /** For `rate-limited`: seconds until one more write is allowed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
