/** What a service asks the bus to do: one request/response exchange with a device. */
import type { Frame } from "../protocol/index.js";

/** Lower runs first: writes, then alarm reads, then polls and discovery. */
export const Priority = {
  WRITE: 0,
  ALARM: 1,
  POLL: 2,
} as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

/** A reply judged by the request that asked for it. */
export type ReplyVerdict<T> =
  | { kind: "ok"; value: T }
  /** The device refused (ERROR, unexpected NO_DATA): fail without retrying. */
  | { kind: "rejected"; reason: string }
  /** It is the reply, but its payload is corrupt: counts as a garbled attempt. */
  | { kind: "garbled"; reason: string };

export interface BusRequest<T> {
  destination: number;
  command: number;
  payload: Buffer;
  priority: Priority;
  /** For logs and errors, e.g. "GET_PARAMS 100@200". */
  label: string;
  /**
   * Judges a frame from the destination addressed to us; undefined = not the reply to this
   * request (e.g. another first index), keep waiting.
   */
  judge(frame: Frame): ReplyVerdict<T> | undefined;
  /** Transmissions allowed; writes use 1 (never resent blindly). Default: the bus's retry setting. */
  maxAttempts?: number;
  /** Per-attempt reply timeout; default: the bus's response timeout. */
  timeoutMs?: number;
  /** Absolute time (ms since epoch) after which a request still waiting for the token fails with no-token. */
  deadline?: number;
  /**
   * Absolute time (ms since epoch) by which the whole request must be over: each attempt's reply
   * wait is cut to the time left, and a retry is made only when a whole reply wait still fits.
   */
  finishBy?: number;
  /**
   * Asked right before the first transmission, when the wire and the token are ours: an Error
   * withdraws the request (nothing is sent; the caller's promise rejects with that error, not a
   * BusError), undefined lets it go. A write job re-checks itself here, as late as possible.
   */
  beforeTransmit?: () => Error | undefined;
}
