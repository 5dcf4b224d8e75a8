/** The closed set of reasons a bus request can fail, as they reach the caller. */

export type BusFailureReason =
  /** No matching reply within the timeout, after every allowed attempt. */
  | "timeout"
  /** Replies arrived corrupted (CRC errors, malformed payload). */
  | "garbled"
  /** The device answered with ERROR / an unexpected NO_DATA: it refused the request. */
  | "rejected"
  /** The link is down or went down (also during shutdown). */
  | "link-down"
  /** The token (or a bus address) did not come in time. */
  | "no-token"
  /**
   * The request cannot be put on the wire (it does not encode as a frame, e.g. over 1,024 bytes),
   * or sending it raised an error: a caller's bug, answered instead of crashing; nothing was sent.
   */
  | "unsendable";

export const BUS_FAILURE_REASONS: readonly BusFailureReason[] = [
  "timeout",
  "garbled",
  "rejected",
  "link-down",
  "no-token",
  "unsendable",
];

export class BusError extends Error {
  override readonly name = "BusError";
  constructor(
    readonly reason: BusFailureReason,
    message: string,
    /** What was asked, e.g. "GET_PARAMS 100@200 → 1". */
    readonly request: string,
    /** Transmissions made (0 when it never went out). */
    readonly attempts: number,
    /** Raw bytes of the last bad reply, when there was one. */
    readonly raw?: Buffer,
    /**
     * A CRC-valid reply came whose payload did not parse (e.g. not with the known parameter
     * types) — unlike line noise or a broken CRC, which make a request `garbled` too.
     */
    readonly undecodable = false,
  ) {
    super(message);
  }

  /** True when the request may have reached the device (a write then may or may not be applied). */
  get maybeDelivered(): boolean {
    return this.attempts > 0 && this.reason !== "rejected";
  }
}
