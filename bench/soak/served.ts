/**
 * Wrong values stored: every value the gateway serves as fresh is compared with the simulator's
 * truth on the wire ({@link WireTruth}).
 *
 * - The full list (`GET /api/parameters` answered with `X-Data-State: fresh`): each value must be
 *   one the device reported for that index within the `windowMs` before the answer (values that do
 *   not move — most of them — are checked exactly; a moving one may be any value it took in the
 *   window, since the gateway read it some time in there).
 * - The written parameter (`GET /api/parameters/{name}`, fresh and not stale): its value must be
 *   what the device reported within ±`nearMs` of the parameter's own `last_read`; and when the last
 *   write sent before `last_read` was confirmed before it, it must be that write's value.
 *
 * Answers are checked `lagMs` after they arrive, once the simulator's log has caught up.
 */
import type { Answer } from "./http.js";
import { dataState } from "./http.js";
import { sameValue, type WireTruth } from "./wire-truth.js";
import type { WriteRecord } from "./writes.js";

interface Served {
  index: number;
  name: string;
  value: unknown;
}

export interface WrongValue {
  atMs: number;
  index: number;
  name: string;
  served: unknown;
  truth: unknown[];
  check: string;
}

interface SingleSample {
  atMs: number;
  lastReadMs: number;
  value: unknown;
}

export class ServedValueCheck {
  private readonly queue: { answer: Answer; kind: "list" | "single" }[] = [];
  readonly singles: SingleSample[] = [];
  readonly wrong: WrongValue[] = [];
  readonly counts = {
    freshLists: 0,
    staleOrUnavailableLists: 0,
    valuesChecked: 0,
    /** Served parameters the simulator never reported in a valid frame (cannot be checked). */
    valuesWithoutTruth: 0,
    singleChecked: 0,
    /** The same full lists checked against the next index's truth: a checker that works flags most. */
    shiftedMismatches: 0,
    shiftedChecked: 0,
    lastWriteChecked: 0,
  };

  constructor(
    private readonly truth: WireTruth,
    private readonly index: number,
    private readonly windowMs = 120_000,
    private readonly nearMs = 1_500,
    private readonly lagMs = 5_000,
  ) {}

  add(answer: Answer, kind: "list" | "single"): void {
    this.queue.push({ answer, kind });
  }

  /** Checks the answers old enough; `all` at the end of the run. */
  drain(all = false): void {
    this.truth.poll();
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (!all && Date.now() - next.answer.atMs < this.lagMs) break;
      this.queue.shift();
      if (next.kind === "list") this.checkList(next.answer);
      else this.checkSingle(next.answer);
    }
  }

  private checkList(answer: Answer): void {
    const { state } = dataState(answer);
    if (answer.status !== 200 || state !== "fresh") {
      this.counts.staleOrUnavailableLists++;
      return;
    }
    this.counts.freshLists++;
    const t = this.truth.simOf(answer.atMs);
    const parameters = (answer.body as { parameters: Record<string, Served> }).parameters;
    const shifted = this.counts.freshLists % 10 === 1;
    for (const p of Object.values(parameters)) {
      if (!this.truth.knows(p.index)) {
        this.counts.valuesWithoutTruth++;
        continue;
      }
      this.counts.valuesChecked++;
      const values = this.truth.valuesBetween(p.index, t - this.windowMs, t);
      if (!values.some((v) => sameValue(p.value, v))) {
        this.wrong.push({
          atMs: answer.atMs,
          index: p.index,
          name: p.name,
          served: p.value,
          truth: values.slice(-5),
          check: "full list vs wire",
        });
      }
      if (shifted && this.truth.knows(p.index + 1)) {
        this.counts.shiftedChecked++;
        const other = this.truth.valuesBetween(p.index + 1, t - this.windowMs, t);
        if (!other.some((v) => sameValue(p.value, v))) this.counts.shiftedMismatches++;
      }
    }
  }

  private checkSingle(answer: Answer): void {
    const { state } = dataState(answer);
    const body = answer.body as (Served & { last_read?: string; stale?: boolean }) | undefined;
    if (answer.status !== 200 || state !== "fresh" || !body || body.stale || !body.last_read) return;
    // last_read is the gateway's local time without a zone; the soak runs the gateway with TZ=UTC.
    const lastReadMs = Date.parse(`${body.last_read}Z`);
    this.counts.singleChecked++;
    this.singles.push({ atMs: answer.atMs, lastReadMs, value: body.value });
    const t = this.truth.simOf(lastReadMs);
    const values = this.truth.valuesBetween(this.index, t - this.nearMs, t + this.nearMs);
    if (!values.some((v) => sameValue(body.value, v))) {
      this.wrong.push({
        atMs: answer.atMs,
        index: body.index,
        name: body.name,
        served: body.value,
        truth: values,
        check: "written parameter vs wire at last_read",
      });
    }
  }

  /** At the end: each fresh read of the written parameter against the last write confirmed before it. */
  checkAgainstWrites(records: readonly WriteRecord[], name: string): void {
    const sent = records
      .filter((r) => r.job?.sent_at)
      .map((r) => ({ record: r, sentMs: Date.parse(r.job!.sent_at!) }))
      .sort((a, b) => a.sentMs - b.sentMs);
    for (const sample of this.singles) {
      let last: (typeof sent)[number] | undefined;
      for (const s of sent) if (s.sentMs <= sample.lastReadMs) last = s;
      const job = last?.record.job;
      if (job?.state !== "confirmed" || !job.ended_at) continue;
      if (Date.parse(job.ended_at) > sample.lastReadMs) continue;
      this.counts.lastWriteChecked++;
      if (!sameValue(sample.value, last!.record.value)) {
        this.wrong.push({
          atMs: sample.atMs,
          index: this.index,
          name,
          served: sample.value,
          truth: [last!.record.value],
          check: "written parameter vs last confirmed write",
        });
      }
    }
  }
}
