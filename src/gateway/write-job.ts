/**
 * A write job: one accepted write, from acceptance to exactly one end.
 *
 *   queued ──▶ sending ──▶ confirmed | failed
 *     │
 *     ├──▶ confirmed   the controller already holds the value (read since the link came up): no frame
 *     ├──▶ failed      refused when checked again just before sending, or the gateway stopped: no frame
 *     ├──▶ superseded  a newer write to the same parameter came before this one was sent: no frame
 *     └──▶ expired     WRITE_DEADLINE passed before a grant let it out: no frame
 *
 * `sending` is entered at most once, at the moment the MODIFY_PARAM goes on the wire: a job is never
 * sent twice, and one that was sent is settled by its acknowledgement and a read-back, never by
 * sending it again.
 */
import type { ParameterValue } from "../protocol/index.js";
import type { WriteError } from "./write-errors.js";

export type WriteJobState = "queued" | "sending" | "confirmed" | "failed" | "superseded" | "expired";
export type FinalWriteJobState = Exclude<WriteJobState, "queued" | "sending">;

export const FINAL_WRITE_JOB_STATES: readonly FinalWriteJobState[] = [
  "confirmed",
  "failed",
  "superseded",
  "expired",
];

/** The state machine, as data: the states each state may move to. */
const TRANSITIONS: Readonly<Record<WriteJobState, readonly WriteJobState[]>> = {
  queued: ["sending", "confirmed", "failed", "superseded", "expired"],
  sending: ["confirmed", "failed"],
  confirmed: [],
  failed: [],
  superseded: [],
  expired: [],
};

export interface WriteRequest {
  /** API name (lowest index wins) or an index. */
  target: string | number;
  value: unknown;
  /** Who asked, for the log: "http 192.168.1.20", "mqtt", "cli". */
  origin: string;
}

/** How a write was confirmed. `unchanged`: the controller already held the value, nothing was sent. */
export type Confirmation = "ack+read-back" | "ack" | "read-back" | "unchanged";

export interface WriteOutcome {
  index: number;
  name: string;
  oldValue: ParameterValue | undefined;
  /** The value the controller holds after the write (read back), else the value written. */
  newValue: ParameterValue;
  requestedValue: unknown;
  confirmation: Confirmation;
  /** MODIFY_PARAM result byte (0xE5 on the controller), -1 if not seen. */
  resultCode: number;
  /** From acceptance to confirmation. */
  durationMs: number;
  timestamp: number;
}

/** What the validation at acceptance found: the parameter and the value that will be written. */
export interface AcceptedWrite {
  index: number;
  name: string;
  type: number;
  value: ParameterValue;
  oldValue: ParameterValue | undefined;
}

export class WriteJob {
  private _state: WriteJobState = "queued";
  sentAt: number | undefined;
  /** The value stored for the parameter when the job was sent (the old value of the write). */
  heldBeforeSend: ParameterValue | undefined;
  endedAt: number | undefined;
  /** When confirmed. */
  outcome: WriteOutcome | undefined;
  /** When failed or expired: why. */
  error: WriteError | undefined;
  /** When superseded: the job that replaced it. */
  supersededBy: string | undefined;
  /** Resolves once the job has ended, whichever way. */
  readonly ended: Promise<WriteJob>;
  private resolveEnded!: (job: WriteJob) => void;

  constructor(
    readonly id: string,
    readonly request: WriteRequest,
    readonly accepted: AcceptedWrite,
    readonly acceptedAt: number,
    /** The last moment the job may be sent. */
    readonly deadline: number,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  get state(): WriteJobState {
    return this._state;
  }

  get final(): boolean {
    return TRANSITIONS[this._state].length === 0;
  }

  /** Whether a frame went out for this job. */
  get sent(): boolean {
    return this.sentAt !== undefined;
  }

  get index(): number {
    return this.accepted.index;
  }

  markSending(at: number, held: ParameterValue | undefined): void {
    this.move("sending");
    this.sentAt = at;
    this.heldBeforeSend = held;
  }

  confirm(outcome: WriteOutcome): void {
    this.outcome = outcome;
    this.end("confirmed", outcome.timestamp);
  }

  fail(error: WriteError, at: number): void {
    this.error = error;
    this.end("failed", at);
  }

  supersede(by: string, at: number): void {
    this.supersededBy = by;
    this.end("superseded", at);
  }

  expire(error: WriteError, at: number): void {
    this.error = error;
    this.end("expired", at);
  }

  private end(state: FinalWriteJobState, at: number): void {
    this.move(state);
    this.endedAt = at;
    this.resolveEnded(this);
  }

  private move(to: WriteJobState): void {
    if (!TRANSITIONS[this._state].includes(to)) {
      throw new Error(`write job ${this.id}: no transition from ${this._state} to ${to}`);
    }
    this._state = to;
  }
}
