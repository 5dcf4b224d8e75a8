/**
 * One parameter's history over a range, at a resolution chosen by the range: raw samples when
 * there are few enough, else minute rollups, else hourly ones, and at most `MAX_POINTS` points —
 * rows are merged into wider steps when even the hourly ones are too many (or a coarser `step` is
 * asked for). What the recorder holds in memory (samples not yet written, the open bucket) is
 * included, so the answer reaches to the last poll.
 */
import type { HistoryStore } from "./history-store.js";
import { HOUR_MS, MINUTE_MS } from "./options.js";
import type { HistoryRecorder } from "./recorder.js";
import type { RollupRow } from "./rollup.js";

export const MAX_POINTS = 2000;

export type Resolution = "raw" | "minute" | "hour";

export interface HistoryPoint {
  /** ms since epoch (a rollup: the start of its step). */
  t: number;
  /** The sample, or the step's time-weighted average. */
  value: number;
  min: number;
  max: number;
}

export interface HistorySeries {
  index: number;
  from: number;
  to: number;
  resolution: Resolution;
  /** Width of one point's step in ms; 0 for raw samples. */
  stepMs: number;
  points: HistoryPoint[];
}

export interface SeriesRequest {
  index: number;
  from: number;
  to: number;
  /** Smallest step wanted (ms); the answer may use a wider one to keep within MAX_POINTS. */
  stepMs?: number;
}

const WIDTH: Record<"minute" | "hour", number> = { minute: MINUTE_MS, hour: HOUR_MS };

export function querySeries(
  store: HistoryStore,
  recorder: HistoryRecorder | undefined,
  request: SeriesRequest,
): HistorySeries {
  const { index, from, to } = request;
  const asked = request.stepMs ?? 0;
  if (asked < MINUTE_MS) {
    const samples = store.samples(index, from, to);
    for (const pending of recorder?.pendingSamples(index) ?? []) {
      if (pending.t >= from && pending.t <= to && pending.t > (samples.at(-1)?.t ?? -1))
        samples.push(pending);
    }
    if (samples.length <= MAX_POINTS && (samples.length > 0 || to - from <= MAX_POINTS * MINUTE_MS)) {
      return {
        index,
        from,
        to,
        resolution: "raw",
        stepMs: 0,
        points: samples.map((s) => ({ t: s.t, value: s.v, min: s.v, max: s.v })),
      };
    }
  }
  const span = Math.max(1, to - from);
  const tier: "minute" | "hour" = asked < HOUR_MS && span / MINUTE_MS <= MAX_POINTS ? "minute" : "hour";
  const width = WIDTH[tier];
  const stepMs = Math.max(width, Math.ceil(Math.max(asked, span / MAX_POINTS) / width) * width);
  const bucketFrom = Math.floor(from / width) * width;
  const rows = store.rollups(tier, index, bucketFrom, to);
  const open = recorder?.openBucket(index, tier);
  if (open && open.t >= bucketFrom && open.t <= to && open.t > (rows.at(-1)?.t ?? -1)) rows.push(open);
  return { index, from, to, resolution: tier, stepMs, points: merge(rows, stepMs) };
}

/** Rows merged into steps of `stepMs` (min of mins, max of maxes, mean of averages). */
function merge(rows: readonly RollupRow[], stepMs: number): HistoryPoint[] {
  const points: HistoryPoint[] = [];
  let sum = 0;
  let n = 0;
  for (const row of rows) {
    const t = Math.floor(row.t / stepMs) * stepMs;
    const last = points.at(-1);
    if (last && last.t === t) {
      last.min = Math.min(last.min, row.min);
      last.max = Math.max(last.max, row.max);
      sum += row.avg;
      n += 1;
      last.value = sum / n;
    } else {
      points.push({ t, value: row.avg, min: row.min, max: row.max });
      sum = row.avg;
      n = 1;
    }
  }
  return points;
}
