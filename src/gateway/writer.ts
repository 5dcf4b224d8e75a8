/**
 * The safe write path (the safety core): resolve → validate against the controller's declared
 * type, writable bit and range → MODIFY_PARAM once → wait for the acknowledgement → read the
 * parameter back and report what the controller now holds. Nothing reaches the bus for a write
 * that fails validation; an ambiguous failure is resolved by a read-back, never by resending.
 *
 * It checks a write when it is accepted (`accept`) and carries out one job at a time for the write
 * queue (`execute`), checking it again as late as possible: when the wire and the token are ours,
 * right before the frame goes out.
 */
import type { Gm3Bus } from "../bus/bus.js";
import { BusError } from "../bus/errors.js";
import type { BusRequest } from "../bus/request.js";
import { Priority } from "../bus/request.js";
import { modifyParameterRequest, readValuesRequest } from "../bus/requests.js";
import { expertRuleOf } from "../catalog/expert-parameters.js";
import type { ParameterValue } from "../protocol/index.js";
import type { ParameterEntry, ParameterStore } from "../store/parameter-store.js";
import { type Clock, systemClock } from "../util/clock.js";
import { WriteError } from "./write-errors.js";
import type { AcceptedWrite, Confirmation, WriteJob, WriteOutcome, WriteRequest } from "./write-job.js";
import { type PreparedWrite, prepareWrite, readBackMatches } from "./write-value.js";

export type { WriteOutcome, WriteRequest } from "./write-job.js";

/**
 * Once a job was sent, its read-back may wait at least this long (about three grants at the field
 * cadence) — longer while the job's own deadline allows — for the token, or for a lost link to
 * come back: an answer lost with the link is settled by reading, never by resending.
 */
export const READ_BACK_WINDOW_MS = 30_000;

export interface WriterOptions {
  controllerAddress: number;
  panelAddress: number;
  readOnly: boolean;
  allowPanelWrites: boolean;
  /**
   * Since when the stored values are the live controller's: when the link last came up (values
   * read before that — or restored from a snapshot — are not trusted); undefined while it is down.
   */
  liveSince: () => number | undefined;
  /** Resolves true once the link is up (at once if it is), false when `until` passes or the core stops. */
  whenLinkUp: (until: number) => Promise<boolean>;
  /** EXPERT_WRITES: allow writes to the service parameters of src/catalog/expert-parameters.json. */
  expertWrites: boolean;
  /** Times the deadlines and stamps the outcomes (default: the system clock). */
  clock?: Clock;
}

/** What the write queue tells the writer about a job when its frame could go out. */
export interface JobControl {
  /** Undefined when the job may be sent now; else why not (the queue has ended the job). */
  mayTransmit(job: WriteJob): Error | undefined;
  /** The job's frame goes on the wire now, over `held` (the value stored before it). */
  sending(job: WriteJob, held: ParameterValue | undefined): void;
}

/** How carrying out one job ended. */
export type Execution =
  | { kind: "confirmed"; outcome: WriteOutcome }
  | { kind: "failed"; error: WriteError }
  /** The queue ended the job (superseded, expired, stopping) before it was sent. */
  | { kind: "withdrawn" }
  /** The link went down before the frame went out: nothing was sent, the job may still go. */
  | { kind: "not-sent" };

/** The queue withdrew the job before its frame went out. */
export class Withdrawn extends Error {}
/** The controller holds the value already (read since the link came up): nothing to send. */
class AlreadyHeld extends Error {}

interface Checked {
  entry: ParameterEntry;
  prepared: PreparedWrite;
}

export class SafeWriter {
  private readonly clock: Clock;
  /** The job whose MODIFY_PARAM waits in the bus's queue, not yet on its way to the wire. */
  private queued: { job: WriteJob; request: BusRequest<number> } | undefined;

  constructor(
    private readonly bus: Gm3Bus,
    private readonly store: ParameterStore,
    private readonly options: WriterOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Resolves the target as the API does; throws not-found. */
  resolve(target: string | number): ParameterEntry {
    const entry = typeof target === "number" ? this.store.get(target) : this.store.resolve(target);
    if (!entry?.definition.exposed) throw new WriteError("not-found", `Parameter not found: ${target}`);
    return entry;
  }

  /** The named parameter and its value now, if it exists (for a refusal's log line). */
  describeTarget(
    target: string | number,
  ): { index: number; name: string; oldValue: ParameterValue | undefined } | undefined {
    const entry = typeof target === "number" ? this.store.get(target) : this.store.resolve(target);
    if (!entry?.definition.exposed) return undefined;
    return { index: entry.definition.index, name: entry.definition.name, oldValue: entry.value };
  }

  /** Throws read-only-mode under READ_ONLY: checked before anything else about a write. */
  checkMode(): void {
    if (this.options.readOnly) {
      throw new WriteError(
        "read-only-mode",
        "the gateway runs in read-only mode (READ_ONLY=true): writes are disabled",
      );
    }
  }

  /** Checks a new write; throws a WriteError (nothing queued, nothing sent) or says what it will write. */
  accept(request: WriteRequest): AcceptedWrite {
    this.checkMode();
    const entry = this.resolve(request.target);
    const prepared = this.prepare(entry, request.value);
    const { definition } = entry;
    return {
      index: definition.index,
      name: definition.name,
      type: definition.type,
      value: prepared.value,
      oldValue: entry.value,
    };
  }

  /**
   * The job's outcome when the controller holds its value already, by a reading since the link came
   * up (a value from a snapshot or from before a link loss does not count): nothing needs sending.
   */
  alreadyHeld(job: WriteJob): WriteOutcome | undefined {
    const entry = this.store.get(job.index);
    return entry && this.holdsLive(entry, job.accepted.value) ? this.unchanged(job, entry) : undefined;
  }

  /**
   * Carries out one job: checks it again, sends its MODIFY_PARAM at most once (the bus sends it at
   * the next grant, before polls), confirms it by the acknowledgement and a read-back. The frame is
   * queued before this returns, so a job withdrawn right after is found in the bus's queue.
   */
  execute(job: WriteJob, control: JobControl): Promise<Execution> {
    let checked: Checked;
    try {
      checked = this.recheck(job);
    } catch (error) {
      // A refusal found when checking again: failed, nothing sent.
      if (error instanceof WriteError) return Promise.resolve({ kind: "failed", error });
      return Promise.reject(error);
    }
    if (this.holdsLive(checked.entry, checked.prepared.value)) {
      return Promise.resolve({ kind: "confirmed", outcome: this.unchanged(job, checked.entry) });
    }
    const request = modifyParameterRequest({
      // The reference gateway sends every write to the controller with the stored index (PROTOCOL.md §9).
      destination: this.options.controllerAddress,
      index: checked.entry.definition.index,
      valueBytes: checked.prepared.bytes,
      beforeTransmit: () => this.lastCheck(job, control),
    });
    const answer = this.bus.request(request);
    this.queued = { job, request };
    return this.confirm(job, checked.entry, checked.prepared.value, answer).finally(() => {
      if (this.queued?.job === job) this.queued = undefined;
    });
  }

  /** Takes the job's frame out of the bus's queue if it is still there; false when it is not. */
  withdraw(job: WriteJob): boolean {
    if (this.queued?.job !== job) return false;
    const { request } = this.queued;
    this.queued = undefined;
    return this.bus.withdraw(request, new Withdrawn(`write job ${job.id} withdrawn`));
  }

  /** Validates a write against the current definition and limits; throws a WriteError (nothing sent). */
  private prepare(entry: ParameterEntry, value: unknown): PreparedWrite {
    const { definition } = entry;
    if (definition.space === "panel" && !this.options.allowPanelWrites) {
      throw new WriteError(
        "panel-write-disabled",
        `${definition.name} is a panel parameter (${definition.index}); writing panel parameters is unverified on real hardware and disabled (ALLOW_PANEL_WRITES=false)`,
      );
    }
    const expert = expertRuleOf(definition);
    if (expert?.gated && !this.options.expertWrites) {
      throw new WriteError(
        "expert-only",
        `${definition.name} (${definition.index}) is a service parameter (${expert.entry.kind}): ${expert.entry.consequence} Writes to it are refused unless EXPERT_WRITES=true`,
      );
    }
    if (!definition.writable) throw new WriteError("read-only-parameter", `${definition.name} is read-only`);
    const limits = this.store.writeLimitsOf(entry);
    if (!limits.ok) {
      throw new WriteError(
        "out-of-range",
        `${definition.name} cannot be range-checked, so it is not written: ${limits.reason}`,
      );
    }
    return prepareWrite(definition.name, definition.type, value, limits.limits);
  }

  /** The job checked against the definitions and limits as they are now; throws a WriteError. */
  private recheck(job: WriteJob): Checked {
    const entry = this.resolve(job.request.target);
    const { definition } = entry;
    if (definition.index !== job.index || definition.type !== job.accepted.type) {
      throw new WriteError(
        "not-found",
        `${String(job.request.target)} is not the parameter it was when the write was accepted (the definitions were re-read); nothing was sent`,
      );
    }
    return { entry, prepared: this.prepare(entry, job.request.value) };
  }

  /** Right before the frame goes out: the queue's word, the limits as they are now, the value held. */
  private lastCheck(job: WriteJob, control: JobControl): Error | undefined {
    const stop = control.mayTransmit(job);
    if (stop) return stop;
    let held: ParameterValue | undefined;
    try {
      const checked = this.recheck(job);
      if (this.holdsLive(checked.entry, checked.prepared.value)) return new AlreadyHeld();
      held = checked.entry.value;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    this.queued = undefined;
    control.sending(job, held);
    return undefined;
  }

  private holdsLive(entry: ParameterEntry, value: ParameterValue): boolean {
    const since = this.options.liveSince();
    const { readAt } = entry;
    return (
      since !== undefined &&
      readAt !== undefined &&
      readAt >= since &&
      !this.store.isStale(entry, this.clock.now()) &&
      readBackMatches(entry.definition.type, value, entry.value)
    );
  }

  /** Settles a sent write: the controller's answer, then a read-back of the value. */
  private async confirm(
    job: WriteJob,
    entry: ParameterEntry,
    value: ParameterValue,
    answer: Promise<number>,
  ): Promise<Execution> {
    const { definition } = entry;
    let resultCode: number;
    try {
      resultCode = await answer;
    } catch (error) {
      return this.settleUnanswered(job, entry, value, error);
    }
    const readBack = await this.readBack(entry, this.readBackUntil(job));
    if (!("value" in readBack)) {
      // Acknowledged, but the read-back failed: trust the acknowledgement (as the reference does).
      this.store.setValue(definition.index, value, undefined, this.clock.now(), "write");
      return { kind: "confirmed", outcome: this.outcome(job, value, "ack", resultCode) };
    }
    if (!readBackMatches(definition.type, value, readBack.value)) {
      return {
        kind: "failed",
        error: new WriteError(
          "rejected",
          `the controller acknowledged the write to ${definition.name} but holds ${String(readBack.value)} instead of ${String(value)}`,
          true,
        ),
      };
    }
    return { kind: "confirmed", outcome: this.outcome(job, readBack.value, "ack+read-back", resultCode) };
  }

  /** A write the controller did not acknowledge: withdrawn, refused, not sent, or settled by a read-back. */
  private async settleUnanswered(
    job: WriteJob,
    entry: ParameterEntry,
    value: ParameterValue,
    error: unknown,
  ): Promise<Execution> {
    const { definition } = entry;
    if (error instanceof Withdrawn) return { kind: "withdrawn" };
    if (error instanceof AlreadyHeld) return { kind: "confirmed", outcome: this.unchanged(job, entry) };
    if (error instanceof WriteError) return { kind: "failed", error };
    if (!(error instanceof BusError)) throw error;
    if (error.reason === "unsendable") {
      // Validation should have caught it; the bus refused it before it was queued: never retried.
      return {
        kind: "failed",
        error: new WriteError(
          "not-representable",
          `${definition.name} was not written: ${error.message}`,
          false,
        ),
      };
    }
    // Not on the wire (the link went down before it could go): the job waits for the link again.
    if (error.attempts === 0) return { kind: "not-sent" };
    if (!error.maybeDelivered) {
      return {
        kind: "failed",
        error: new WriteError(
          "rejected",
          `the controller refused the write to ${definition.name}: ${error.message}`,
          true,
        ),
      };
    }
    // Ambiguous: it may have been applied. Read back before saying anything; never resend.
    const readBack = await this.readBack(entry, this.readBackUntil(job));
    if ("value" in readBack && readBackMatches(definition.type, value, readBack.value)) {
      return { kind: "confirmed", outcome: this.outcome(job, readBack.value, "read-back", -1) };
    }
    return {
      kind: "failed",
      error: new WriteError(
        "not-confirmed",
        `Controller did not acknowledge write to ${definition.name} (${error.reason})` +
          ("value" in readBack
            ? `; it still holds ${String(readBack.value)}`
            : `; the read-back failed too (${readBack.failure}): the write may or may not have been applied`),
        true,
      ),
    };
  }

  private readBackUntil(job: WriteJob): number {
    return Math.max(job.deadline, (job.sentAt ?? this.clock.now()) + READ_BACK_WINDOW_MS);
  }

  /**
   * One-value GET_PARAMS at write priority, over by `until`, waiting for a lost link to come back
   * meanwhile; stores and returns the value, or says why there is none.
   */
  private async readBack(
    entry: ParameterEntry,
    until: number,
  ): Promise<{ value: ParameterValue } | { failure: string }> {
    const { definition } = entry;
    for (;;) {
      if (this.clock.now() >= until) return { failure: "no time was left for a read-back" };
      if (!(await this.options.whenLinkUp(until)))
        return { failure: "the link was not up again in time (or the gateway stopped)" };
      try {
        const reply = await this.bus.request(
          readValuesRequest({
            destination:
              definition.space === "panel" ? this.options.panelAddress : this.options.controllerAddress,
            firstIndex: definition.wireIndex,
            count: 1,
            typeOf: (index) => (index === definition.wireIndex ? definition.type : undefined),
            priority: Priority.WRITE,
            deadline: until,
            finishBy: until,
          }),
        );
        if ("end" in reply) return { failure: "the device answered NO_DATA" };
        const reading = reply.values[0];
        if (!reading) return { failure: "the reply held no value" };
        this.store.setValue(definition.index, reading.value, reading.flag, this.clock.now(), "write");
        return { value: reading.value };
      } catch (error) {
        if (!(error instanceof BusError)) throw error;
        // Lost with the link before it went out: read once the link is back (if in time).
        if (error.reason === "link-down" && error.attempts === 0 && this.options.liveSince() === undefined)
          continue;
        return { failure: error.message };
      }
    }
  }

  private unchanged(job: WriteJob, entry: ParameterEntry): WriteOutcome {
    return this.outcome(job, entry.value ?? job.accepted.value, "unchanged", -1, entry.value);
  }

  private outcome(
    job: WriteJob,
    newValue: ParameterValue,
    confirmation: Confirmation,
    resultCode: number,
    oldValue: ParameterValue | undefined = job.sent ? job.heldBeforeSend : job.accepted.oldValue,
  ): WriteOutcome {
    const now = this.clock.now();
    return {
      index: job.index,
      name: job.accepted.name,
      oldValue,
      newValue,
      requestedValue: job.request.value,
      confirmation,
      resultCode,
      durationMs: now - job.acceptedAt,
      timestamp: now,
    };
  }
}
