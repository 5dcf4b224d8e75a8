/** Insights on scripted series with known answers. */
import { describe, expect, it } from "vitest";
import {
  compressorCycling,
  counterIncrease,
  dailyEnergy,
  liveCop,
  type Point,
} from "../../src/history/index.js";

const MIN = 60_000;
const DAY = 86_400_000;

/** A frequency series from [minute, Hz] steps. */
const steps = (pairs: [number, number][]): Point[] => pairs.map(([m, v]) => ({ t: m * MIN, v }));

describe("compressorCycling", () => {
  it("counts starts, run and pause lengths and short cycles of a scripted pattern", () => {
    // Runs: 0–30 (30 min), 40–45 (5), 50–52 (2), 60–90 (30), then running from 100 to the end (120).
    const series = steps([
      [0, 40],
      [30, 0],
      [40, 35],
      [45, 0],
      [50, 50],
      [52, 0],
      [60, 32],
      [90, 0],
      [100, 45],
    ]);
    const result = compressorCycling(series, 0, 120 * MIN, 10 * MIN);
    expect(result.starts).toBe(5);
    expect(result.runs.map((r) => [(r.end - r.start) / MIN, r.complete])).toEqual([
      [30, true],
      [5, true],
      [2, true],
      [30, true],
      [20, false],
    ]);
    expect(result.shortCycles).toBe(2);
    expect(result.pausesMs.map((ms) => ms / MIN)).toEqual([10, 5, 8, 10]);
    expect(result.meanRunMs! / MIN).toBe(16.75);
    expect(result.meanPauseMs! / MIN).toBe(8.25);
  });

  it("does not count a run begun before the range as a start nor as a short cycle", () => {
    const series = steps([
      [0, 40],
      [62, 0],
      [70, 30],
      [75, 0],
    ]);
    const result = compressorCycling(series, 60 * MIN, 120 * MIN, 10 * MIN);
    expect(result.starts).toBe(1);
    expect(result.runs[0]).toEqual({ start: 60 * MIN, end: 62 * MIN, complete: false });
    expect(result.shortCycles).toBe(1);
  });
});

describe("energy", () => {
  it("sums a counter's increases, a reset adding nothing", () => {
    expect(
      counterIncrease(
        steps([
          [0, 100],
          [1, 101.5],
          [2, 3],
          [3, 4],
        ]),
      ),
    ).toBeCloseTo(2.5, 9);
  });

  it("gives energy and COP per day from the counters, no energy lost between days", () => {
    const hourly = (perHour: number, start: number): Point[] =>
      Array.from({ length: 49 }, (_, h) => ({ t: h * 3_600_000, v: start + perHour * h }));
    // Day 1: 1 kWh/h electric, 3.5 kWh/h heat; the counters keep their pace into day 2.
    const days = dailyEnergy(hourly(1, 1000), hourly(3.5, 5000));
    expect(days.map((d) => d.day)).toEqual([0, DAY]);
    expect(days[0]!.electricKwh).toBeCloseTo(24, 9);
    expect(days[0]!.heatKwh).toBeCloseTo(84, 9);
    expect(days[0]!.cop).toBeCloseTo(3.5, 9);
    expect(days[1]!.electricKwh).toBeCloseTo(24, 9);
    expect(days[1]!.cop).toBeCloseTo(3.5, 9);
    expect(days.reduce((sum, d) => sum + d.electricKwh, 0)).toBeCloseTo(48, 9);
  });
});

describe("liveCop", () => {
  it("is shown only when the compressor runs and the figures are physical", () => {
    expect(liveCop(7, 2, true)).toBe(3.5);
    expect(liveCop(7, 2, false)).toBeNull();
    expect(liveCop(-0.02, 0.5, true)).toBeNull();
    expect(liveCop(0.02, 0, true)).toBeNull();
    expect(liveCop(30, 1, true)).toBeNull();
  });
});
