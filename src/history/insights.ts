/**
 * Insights computed from recorded series (pure functions; the series come from the history):
 * compressor cycling (starts, run and pause lengths, short cycles), energy per day from the
 * controller's counters with the day's COP, and the live COP with a physical sanity rule.
 */

export interface Point {
  t: number;
  v: number;
}

export interface Run {
  start: number;
  end: number;
  /** false when the run began before the range or was still going at its end. */
  complete: boolean;
}

export interface Cycling {
  starts: number;
  runs: Run[];
  /** Complete runs shorter than the short-cycle limit. */
  shortCycles: number;
  /** Pauses between two runs, in ms. */
  pausesMs: number[];
  meanRunMs: number | null;
  meanPauseMs: number | null;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Runs of the compressor in [from, to] from its frequency (or state) series: it runs while the
 * value is above 0. A start is a change from 0 to running inside the range.
 */
export function compressorCycling(
  series: readonly Point[],
  from: number,
  to: number,
  shortCycleMs: number,
): Cycling {
  const runs: Run[] = [];
  let runningSince: number | undefined;
  let startedInside = false;
  for (const { t, v } of series) {
    if (t > to) break;
    const running = v > 0;
    if (running && runningSince === undefined) {
      runningSince = Math.max(t, from);
      startedInside = t >= from;
    } else if (!running && runningSince !== undefined) {
      if (t >= from) runs.push({ start: runningSince, end: t, complete: startedInside });
      runningSince = undefined;
    }
  }
  if (runningSince !== undefined) runs.push({ start: runningSince, end: to, complete: false });
  const starts = runs.filter((run) => run.complete || run.start > from).length;
  const complete = runs.filter((run) => run.complete);
  const pausesMs = runs.slice(1).map((run, i) => run.start - runs[i]!.end);
  return {
    starts,
    runs,
    shortCycles: complete.filter((run) => run.end - run.start < shortCycleMs).length,
    pausesMs,
    meanRunMs: mean(complete.map((run) => run.end - run.start)),
    meanPauseMs: mean(pausesMs),
  };
}

/**
 * What a counter added over a series: the sum of its increases (a drop — a counter reset or a
 * replaced controller — adds nothing).
 */
export function counterIncrease(series: readonly Point[]): number {
  let sum = 0;
  for (let i = 1; i < series.length; i++) {
    const step = series[i]!.v - series[i - 1]!.v;
    if (step > 0) sum += step;
  }
  return sum;
}

export interface DayEnergy {
  /** Start of the day (ms, UTC midnight shifted by `offsetMs`). */
  day: number;
  electricKwh: number;
  heatKwh: number;
  /** heat / electric; null when no electricity was used. */
  cop: number | null;
}

const DAY_MS = 86_400_000;

/**
 * Energy per day from the electric and heat counters (kWh, already scaled), days of local time
 * `offsetMs` from UTC. The last reading of the day before is each day's start, so no energy falls
 * between two days.
 */
export function dailyEnergy(electric: readonly Point[], heat: readonly Point[], offsetMs = 0): DayEnergy[] {
  const dayOf = (t: number) => Math.floor((t + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
  const byDay = (series: readonly Point[]) => {
    const days = new Map<number, number>();
    for (let i = 1; i < series.length; i++) {
      const step = series[i]!.v - series[i - 1]!.v;
      // What a reading adds happened before it: one at midnight closes the day before.
      const day = dayOf(series[i]!.t - 1);
      days.set(day, (days.get(day) ?? 0) + Math.max(0, step));
    }
    return days;
  };
  const e = byDay(electric);
  const h = byDay(heat);
  const days = [...new Set([...e.keys(), ...h.keys()])].sort((a, b) => a - b);
  return days.map((day) => {
    const electricKwh = e.get(day) ?? 0;
    const heatKwh = h.get(day) ?? 0;
    return { day, electricKwh, heatKwh, cop: electricKwh > 0 ? heatKwh / electricKwh : null };
  });
}

/** Above this a COP is a measuring error, not a heat pump. */
export const MAX_PLAUSIBLE_COP = 10;

/**
 * The live COP, shown only when it can be true: the compressor runs, electric power is drawn,
 * heat output is not negative and the ratio is at most MAX_PLAUSIBLE_COP; else null.
 */
export function liveCop(heatKw: number, electricKw: number, compressorRunning: boolean): number | null {
  if (!compressorRunning || !(electricKw > 0) || !(heatKw >= 0)) return null;
  const cop = heatKw / electricKw;
  return cop <= MAX_PLAUSIBLE_COP ? cop : null;
}
