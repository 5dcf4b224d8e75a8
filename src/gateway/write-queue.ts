/**
 * The write queue: every write — HTTP, MQTT, the dashboard, the CLI — becomes a job here, owned by
 * the gateway core rather than by the request that asked for it. A job waits (up to WRITE_DEADLINE)
 * for the link, the first poll after it came up, and the token; goes out at the next grant before
 * any poll; and ends in exactly one of confirmed, failed, superseded or expired (see write-job.ts).
 *
 * Jobs run one at a time, in the order they were accepted — a newer write to a parameter takes the
 * place of the older one not yet sent, which ends superseded: only the newest value goes out. The
 * SafeWriter carries out each job. The queue owns the one write budget (API_WRITE_RATE_LIMIT) and
 * bounds what it keeps: MAX_QUEUED_JOBS waiting, MAX_REMEMBERED_JOBS ended ones for `/api/writes`.
 */
import { EventEmitter } from "node:events";
import { type Logger, logEvent } from "../log/index.js";
import type { Clock, ClockTimer } from "../util/clock.js";
import type { WriteBudget } from "./write-budget.js";
import { WriteError } from "./write-errors.js";
import { type FinalWriteJobState, WriteJob, type WriteRequest } from "./write-job.js";
import { loggableClientValue } from "./write-value.js";
import { type Execution, type JobControl, type SafeWriter, Withdrawn } from "./writer.js";

/** Jobs waiting for the bus at most (a newer write to the same parameter replaces, it does not add). */
export const MAX_QUEUED_JOBS = 100;
/** Ended jobs kept for `GET /api/writes` (the oldest are forgotten first). */
export const MAX_REMEMBERED_JOBS = 200;

/** What a queued job is waiting for. */
export type WaitingFor = "link" | "first-poll" | "token";

export interface WriteQueueOptions {
  writer: Pick<
    SafeWriter,
    "checkMode" | "accept" | "alreadyHeld" | "execute" | "withdraw" | "describeTarget"
  >;
  clock: Clock;
  /** WRITE_DEADLINE: from acceptance to the last moment a job may be sent. */
  deadlineMs: number;
  budget: WriteBudget;
  /** Why a write cannot be accepted at all now (link down, no data yet), or undefined. */
  acceptBlocked(): WriteError | undefined;
  /** What keeps jobs from being sent now (the link, the first poll since it came up), or undefined. */
  sendBlocked(): Exclude<WaitingFor, "token"> | undefined;
  /** Milliseconds until the panel's next grant is due, when known. */
  nextGrantInMs(): number | undefined;
  logger: Logger;
  maxQueued?: number;
  maxRemembered?: number;
}

export interface WriteQueueEvents {
  accepted: [job: WriteJob];
  /** The job's frame goes on the wire. */
  sending: [job: WriteJob];
  ended: [job: WriteJob];
  /** A write refused before it became a job (validation, budget, link, queue full). */
  refused: [request: WriteRequest, error: WriteError];
}

const WAITED_FOR: Readonly<Record<WaitingFor, string>> = {
  link: "the bus link to come back",
  "first-poll": "the first poll since the link came up",
  token: "a token grant",
};

export class WriteQueue extends EventEmitter<WriteQueueEvents> {
  /** Every job kept, oldest first: the active ones and the last ended ones. */
  private readonly jobs = new Map<string, WriteJob>();
  /** Queued jobs not yet handed to the writer, in the order they go. */
  private readonly waiting: WriteJob[] = [];
  /** The job the writer carries out now (its frame may be waiting for the token). */
  private running: WriteJob | undefined;
  private readonly deadlineTimers = new Map<WriteJob, ClockTimer>();
  private sequence = 0;
  private stopping = false;
  private readonly idPrefix: string;
  private readonly maxQueued: number;
  private readonly maxRemembered: number;
  readonly counts: Record<FinalWriteJobState, number> & { accepted: number; refused: number } = {
    accepted: 0,
    refused: 0,
    confirmed: 0,
    failed: 0,
    superseded: 0,
    expired: 0,
  };
  private readonly control: JobControl = {
    mayTransmit: (job) => this.mayTransmit(job),
    sending: (job, held) => {
      job.markSending(this.clock.now(), held);
      this.clearDeadline(job);
      this.emit("sending", job);
    },
  };

  constructor(private readonly options: WriteQueueOptions) {
    super();
    this.maxQueued = options.maxQueued ?? MAX_QUEUED_JOBS;
    this.maxRemembered = options.maxRemembered ?? MAX_REMEMBERED_JOBS;
    // Ids differ from one run to the next, so a client never mistakes a job of the last run for one of this.
    this.idPrefix = Math.floor(options.clock.now() / 1000).toString(36);
  }

  private get clock(): Clock {
    return this.options.clock;
  }

  /** Jobs not ended yet. */
  get active(): number {
    return this.waiting.length + (this.running && !this.running.final ? 1 : 0);
  }

  /**
   * Accepts a write as a job (it runs by itself from here), or throws a WriteError saying why not —
   * then nothing is queued and nothing is sent.
   */
  submit(request: WriteRequest): WriteJob {
    try {
      return this.accept(request);
    } catch (error) {
      if (error instanceof WriteError) this.refuse(request, error);
      throw error;
    }
  }

  get(id: string): WriteJob | undefined {
    return this.jobs.get(id);
  }

  /** The jobs kept, newest first. */
  recent(): WriteJob[] {
    return [...this.jobs.values()].reverse();
  }

  /** What a queued job is waiting for; undefined once it is being sent or has ended. */
  waitingFor(job: WriteJob): WaitingFor | undefined {
    if (job.state !== "queued") return undefined;
    return this.options.sendBlocked() ?? "token";
  }

  /** When a queued job should go out, as far as the observed grants tell. */
  expectedSendInMs(job: WriteJob): number | undefined {
    return this.waitingFor(job) === "token" ? this.options.nextGrantInMs() : undefined;
  }

  /** Resolves when the job has ended or `ms` of the core's time have passed, whichever is first. */
  waitForEnd(job: WriteJob, ms: number): Promise<void> {
    if (job.final || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(resolve, ms);
      void job.ended.then(() => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Something that may unblock sending happened (link up, a poll completed). */
  poke(): void {
    this.pump();
  }

  /**
   * Accepts nothing more; jobs not yet sent end failed (`shutdown`, nothing sent); a job being sent
   * is given up to `graceMs` to finish (its acknowledgement and read-back).
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const running = this.running;
    // Waiting for the token in the bus's queue: taken out; already past it, its last check ends it.
    if (running?.state === "queued" && this.options.writer.withdraw(running))
      this.end(running, (j) => j.fail(this.shutdownError(j), this.clock.now()));
    for (const job of this.waiting.splice(0))
      this.end(job, (j) => j.fail(this.shutdownError(j), this.clock.now()));
    if (!running || running.final) return;
    await this.waitForEnd(running, graceMs);
  }

  // --- acceptance ------------------------------------------------------------------------------

  private accept(request: WriteRequest): WriteJob {
    if (this.stopping) throw new WriteError("shutdown", "the gateway is shutting down; nothing was sent");
    const budget = this.options.budget.take();
    if (!budget.allowed) {
      throw new WriteError(
        "rate-limited",
        `more than ${this.options.budget.limitPerMinute} writes in a minute (API_WRITE_RATE_LIMIT, HTTP, MQTT and the dashboard together); retry in ${budget.retryAfterSeconds} s`,
        false,
        budget.retryAfterSeconds,
      );
    }
    // READ_ONLY says no whatever the state of the link and the data (403, not 503).
    this.options.writer.checkMode();
    const blocked = this.options.acceptBlocked();
    if (blocked) throw blocked;
    const accepted = this.options.writer.accept(request);
    const older = this.unsentJobFor(accepted.index);
    if (!older && this.active >= this.maxQueued) {
      throw new WriteError(
        "queue-full",
        `${this.active} writes are already waiting for the bus (at most ${this.maxQueued}); retry once some have gone out`,
      );
    }
    const now = this.clock.now();
    const job = new WriteJob(
      `${this.idPrefix}-${++this.sequence}`,
      request,
      accepted,
      now,
      now + this.options.deadlineMs,
    );
    this.jobs.set(job.id, job);
    this.counts.accepted++;
    this.emit("accepted", job);
    logEvent(this.options.logger, "write.accepted", {
      job: job.id,
      who: request.origin,
      parameter: accepted.name,
      index: accepted.index,
      value: accepted.value,
    });
    if (older) this.supersede(older, job);
    else this.waiting.push(job);
    // Nothing of this parameter on its way and the controller holds the value already: done.
    const held = this.sendingJobFor(job.index) ? undefined : this.options.writer.alreadyHeld(job);
    if (held) {
      this.waiting.splice(this.waiting.indexOf(job), 1);
      this.end(job, (j) => j.confirm(held));
      return job;
    }
    this.armDeadline(job);
    this.pump();
    return job;
  }

  /** The newer job takes the older one's place in line; the older one ends, never sent. */
  private supersede(older: WriteJob, newer: WriteJob): void {
    const at = this.waiting.indexOf(older);
    if (at >= 0) this.waiting.splice(at, 1, newer);
    else {
      // The writer holds it: its frame waits for the token (or its last check will find it ended).
      this.options.writer.withdraw(older);
      this.waiting.unshift(newer);
    }
    this.end(older, (j) => j.supersede(newer.id, this.clock.now()));
  }

  /** The queued job (not sent yet) for a parameter, if any. */
  private unsentJobFor(index: number): WriteJob | undefined {
    if (this.running?.index === index && this.running.state === "queued") return this.running;
    return this.waiting.find((job) => job.index === index);
  }

  private sendingJobFor(index: number): WriteJob | undefined {
    return this.running?.index === index && this.running.state === "sending" ? this.running : undefined;
  }

  private refuse(request: WriteRequest, error: WriteError): void {
    this.counts.refused++;
    this.emit("refused", request, error);
    const parameter = this.options.writer.describeTarget(request.target);
    logEvent(this.options.logger, "write.done", {
      who: request.origin,
      parameter: parameter?.name ?? String(request.target),
      index: parameter?.index ?? -1,
      oldValue: parameter?.oldValue,
      // Refused values come from clients: bounded before any logger serialises them.
      newValue: loggableClientValue(request.value),
      outcome: "refused",
      durationMs: 0,
      reason: `${error.failure}: ${error.message}`,
    });
  }

  // --- running ---------------------------------------------------------------------------------

  private pump(): void {
    if (this.running || this.stopping) return;
    const job = this.waiting[0];
    if (!job || this.options.sendBlocked() !== undefined) return;
    this.waiting.shift();
    this.running = job;
    let execution: Promise<Execution>;
    try {
      execution = this.options.writer.execute(job, this.control);
    } catch (error) {
      execution = Promise.reject(error);
    }
    execution
      .then(
        (result) => this.settle(job, result),
        (error: unknown) => {
          this.options.logger.error({ err: error }, `write job ${job.id} failed unexpectedly`);
          const message = `write failed: ${(error as Error).message}`;
          this.settle(job, { kind: "failed", error: new WriteError("not-confirmed", message, job.sent) });
        },
      )
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private settle(job: WriteJob, result: Execution): void {
    if (job.final) return; // superseded, expired or stopped meanwhile
    switch (result.kind) {
      case "confirmed":
        this.end(job, (j) => j.confirm(result.outcome));
        return;
      case "failed":
        this.end(job, (j) => j.fail(result.error, this.clock.now()));
        return;
      case "not-sent":
        // Lost the link before it went out: back to the head of the line, to go once it is up again.
        if (this.stopping) this.end(job, (j) => j.fail(this.shutdownError(j), this.clock.now()));
        else this.waiting.unshift(job);
        return;
      case "withdrawn":
        // Only the queue withdraws, and it ends the job when it does.
        this.end(job, (j) =>
          j.fail(
            new WriteError("not-confirmed", "withdrawn without a reason; nothing was sent"),
            this.clock.now(),
          ),
        );
        return;
    }
  }

  /** The queue's word when the wire and the token are the job's: may it go? */
  private mayTransmit(job: WriteJob): Error | undefined {
    if (job.state !== "queued") return new Withdrawn(`write job ${job.id} is ${job.state}`);
    const now = this.clock.now();
    if (this.stopping) {
      this.end(job, (j) => j.fail(this.shutdownError(j), now));
      return new Withdrawn(`write job ${job.id}: the gateway is stopping`);
    }
    if (now >= job.deadline) {
      this.end(job, (j) => j.expire(this.expiredError(j, "token"), now));
      return new Withdrawn(`write job ${job.id} expired`);
    }
    return undefined;
  }

  // --- deadlines and ends --------------------------------------------------------------------

  private armDeadline(job: WriteJob): void {
    const timer = this.clock.setTimeout(
      () => this.deadlinePassed(job),
      Math.max(0, job.deadline - this.clock.now()),
    );
    this.deadlineTimers.set(job, timer);
  }

  private clearDeadline(job: WriteJob): void {
    this.clock.clearTimeout(this.deadlineTimers.get(job));
    this.deadlineTimers.delete(job);
  }

  private deadlinePassed(job: WriteJob): void {
    this.deadlineTimers.delete(job);
    if (job.state !== "queued") return;
    const waitedFor = this.waitingFor(job) ?? "token";
    if (job === this.running) {
      // Past the bus's queue already (its frame is about to go): its last check expires it.
      if (!this.options.writer.withdraw(job)) return;
    } else {
      const at = this.waiting.indexOf(job);
      if (at >= 0) this.waiting.splice(at, 1);
    }
    this.end(job, (j) => j.expire(this.expiredError(j, waitedFor), this.clock.now()));
  }

  private expiredError(job: WriteJob, waitedFor: WaitingFor): WriteError {
    return new WriteError(
      "expired",
      `${job.accepted.name} was not written: WRITE_DEADLINE (${this.options.deadlineMs / 1000} s) passed while waiting for ${WAITED_FOR[waitedFor]}; nothing was sent`,
    );
  }

  private shutdownError(job: WriteJob): WriteError {
    return new WriteError(
      "shutdown",
      `${job.accepted.name} was not written: the gateway stopped before the job was sent; nothing was sent`,
    );
  }

  private end(job: WriteJob, finish: (job: WriteJob) => void): void {
    finish(job);
    this.clearDeadline(job);
    this.counts[job.state as FinalWriteJobState]++;
    this.log(job);
    this.emit("ended", job);
    this.forgetOld();
  }

  private log(job: WriteJob): void {
    const { request, accepted, outcome, error } = job;
    logEvent(this.options.logger, "write.done", {
      job: job.id,
      who: request.origin,
      parameter: accepted.name,
      index: accepted.index,
      oldValue: outcome ? outcome.oldValue : accepted.oldValue,
      newValue: outcome ? outcome.newValue : accepted.value,
      outcome: job.state as FinalWriteJobState,
      durationMs: (job.endedAt ?? this.clock.now()) - job.acceptedAt,
      reason: error
        ? `${error.failure}: ${error.message}`
        : job.supersededBy
          ? `replaced by job ${job.supersededBy} before it was sent`
          : outcome?.confirmation,
    });
  }

  /** Keeps at most `maxRemembered` ended jobs (active ones are always kept). */
  private forgetOld(): void {
    let ended = this.jobs.size - this.active;
    if (ended <= this.maxRemembered) return;
    for (const [id, job] of this.jobs) {
      if (ended <= this.maxRemembered) break;
      if (!job.final) continue;
      this.jobs.delete(id);
      ended--;
    }
  }
}
