/** Why a write was refused or failed: a closed set, each with the HTTP status clients get. */

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

export const WRITE_FAILURE_STATUS: Readonly<Record<WriteFailure, number>> = {
  "read-only-mode": 403,
  "not-found": 404,
  "read-only-parameter": 400,
  "panel-write-disabled": 400,
  "expert-only": 403,
  "wrong-type": 400,
  "not-a-whole-number": 400,
  "out-of-range": 400,
  "not-representable": 400,
  "too-long": 400,
  "link-down": 503,
  "not-ready": 503,
  "rate-limited": 429,
  "queue-full": 503,
  expired: 503,
  shutdown: 503,
  "not-confirmed": 503,
  rejected: 502,
};

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

  get httpStatus(): number {
    return WRITE_FAILURE_STATUS[this.failure];
  }
}
