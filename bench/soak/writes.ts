/**
 * The soak's writer: a write every ~10 s to one parameter with alternating values, each followed to
 * its end through `GET /api/writes/{id}`; then how many MODIFY frames of each job were on the wire.
 */
import { type Answer, call, sleep } from "./http.js";
import { type ModifyOnWire, modifyValue, type WireTruth } from "./wire-truth.js";

/** The end of a job as `GET /api/writes/{id}` gives it (the fields the soak reads). */
export interface JobView {
  write_id: string;
  state: string;
  value: unknown;
  confirmation: string | null;
  error: string | null;
  sent: boolean;
  sent_at: string | null;
  ended_at: string | null;
  accepted_at: string;
}

export interface WriteRecord {
  value: number;
  postedAtMs: number;
  post: Answer;
  /** Undefined when the POST was refused before becoming a job. */
  id: string | undefined;
  /** Last state seen; `ended` once it is confirmed, failed, superseded or expired. */
  job: JobView | undefined;
  ended: boolean;
}

const ENDED = new Set(["confirmed", "failed", "superseded", "expired"]);
/** Error codes of a POST that are a job's end (docs/writes.md), not a refusal before queueing. */
const JOB_ENDS = new Set(["rejected", "not-confirmed", "expired"]);

export class Writer {
  readonly records: WriteRecord[] = [];
  private readonly following = new Set<Promise<void>>();

  constructor(
    private readonly base: string,
    private readonly name: string,
    private readonly values: readonly [number, number],
  ) {}

  /** Writes every `everyMs` until `stop` is set. */
  async run(everyMs: number, stopped: () => boolean): Promise<void> {
    let n = 0;
    while (!stopped()) {
      const started = Date.now();
      this.write(this.values[n++ % 2]!);
      await sleep(Math.max(0, everyMs - (Date.now() - started)));
    }
  }

  /** Waits (at most `limitMs`) for every job to end. */
  async settle(limitMs: number): Promise<void> {
    const until = Date.now() + limitMs;
    while (this.following.size > 0 && Date.now() < until) await sleep(500);
  }

  get pending(): number {
    return this.records.filter((r) => r.id !== undefined && !r.ended).length;
  }

  private write(value: number): void {
    const task = (async () => {
      const postedAtMs = Date.now();
      const post = await call(this.base, `/api/parameters/${this.name}`, {
        method: "POST",
        body: { value },
      });
      const body = post.body as Record<string, unknown> | undefined;
      const id = typeof body?.write_id === "string" ? body.write_id : undefined;
      const record: WriteRecord = { value, postedAtMs, post, id, job: undefined, ended: id === undefined };
      this.records.push(record);
      while (id !== undefined && !record.ended) {
        const answer = await call(this.base, `/api/writes/${id}`);
        if (answer.status === 200) {
          record.job = answer.body as JobView;
          record.ended = ENDED.has(record.job.state);
        }
        if (!record.ended) await sleep(1_000);
      }
    })();
    this.following.add(task);
    void task.finally(() => this.following.delete(task));
  }
}

/** One line of the outcome table: `confirmed (ack+read-back)`, `failed (not-confirmed)`, `refused 503 link-down`… */
export function outcomeOf(record: WriteRecord): string {
  if (record.id === undefined) {
    const body = record.post.body as Record<string, unknown> | undefined;
    const code = typeof body?.error === "string" ? body.error : (record.post.error ?? "no answer");
    // A job that ended within WRITE_WAIT answers with its end's error, without a write_id.
    if (JOB_ENDS.has(code))
      return `${code === "expired" ? "expired" : `failed (${code})`}, answered by the POST`;
    return `refused before queueing: ${record.post.status} ${code}`;
  }
  const job = record.job;
  if (!record.ended || !job) return "did not end within the run";
  if (job.state === "confirmed") return `confirmed (${job.confirmation})`;
  if (job.state === "failed") return `failed (${job.error})`;
  return job.state;
}

export interface SentTwice {
  /** Jobs the gateway says it sent. */
  sentJobs: number;
  /** MODIFY frames of the written parameter the gateway put on the wire. */
  frames: number;
  /** Sent jobs by how many of those frames were theirs: { 1: n, 2: n… }. */
  framesPerJob: Map<number, number>;
  /** Frames that match no sent job (value or time). */
  unattributed: ModifyOnWire[];
  /** MODIFY frames to other parameters (the soak writes only one). */
  otherFrames: number;
}

/**
 * Each MODIFY frame of `index` belongs to the sent job with the same value whose `sent_at` is
 * nearest (within `slackMs`); a job with more than one frame was sent twice.
 */
export function countSentTwice(
  records: readonly WriteRecord[],
  truth: WireTruth,
  index: number,
  slackMs = 2_000,
): SentTwice {
  const sent = records.filter((r) => r.job?.sent && r.job.sent_at);
  const frames = truth.modifies.filter((m) => m.index === index);
  const perJob = new Map<WriteRecord, number>(sent.map((r) => [r, 0]));
  const unattributed: ModifyOnWire[] = [];
  for (const frame of frames) {
    const wall = truth.wallOf(frame.timeMs);
    const value = modifyValue(frame);
    let best: WriteRecord | undefined;
    let bestGap = slackMs;
    for (const record of sent) {
      if (record.value !== value) continue;
      const gap = Math.abs(Date.parse(record.job!.sent_at!) - wall);
      if (gap <= bestGap) {
        best = record;
        bestGap = gap;
      }
    }
    if (best) perJob.set(best, perJob.get(best)! + 1);
    else unattributed.push(frame);
  }
  const framesPerJob = new Map<number, number>();
  for (const count of perJob.values()) framesPerJob.set(count, (framesPerJob.get(count) ?? 0) + 1);
  return {
    sentJobs: sent.length,
    frames: frames.length,
    framesPerJob,
    unattributed,
    otherFrames: truth.modifies.length - frames.length,
  };
}
