/**
 * Rollups against a brute-force reading of the same step function: every whole second of a bucket
 * looks up the value that holds then (the last sample at or before it, if no older than the hold
 * limit) and min/max/avg are taken over those seconds. Samples fall on whole seconds, so the
 * second-by-second sum is exact.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RollupBuilder, type RollupRow } from "../../src/history/rollup.js";

const S = 1000;

function bruteForce(samples: readonly [number, number][], widthMs: number, maxHoldMs: number): RollupRow[] {
  const rows: RollupRow[] = [];
  const buckets = [...new Set(samples.map(([t]) => Math.floor(t / widthMs) * widthMs))].sort((a, b) => a - b);
  for (const start of buckets) {
    const held: number[] = [];
    for (let s = start; s < start + widthMs; s += S) {
      let value: number | undefined;
      for (const [t, v] of samples) {
        if (t <= s && s - t < maxHoldMs) value = v;
        if (t > s) break;
      }
      if (value !== undefined) held.push(value);
    }
    rows.push({
      t: start,
      min: Math.min(...held),
      max: Math.max(...held),
      avg: held.reduce((a, b) => a + b, 0) / held.length,
      count: samples.filter(([t]) => t >= start && t < start + widthMs).length,
    });
  }
  return rows;
}

function rolled(samples: readonly [number, number][], widthMs: number, maxHoldMs: number): RollupRow[] {
  const builder = new RollupBuilder(widthMs, maxHoldMs);
  const rows: RollupRow[] = [];
  for (const [t, v] of samples) {
    const closed = builder.add(t, v);
    if (closed) rows.push(closed);
  }
  const open = builder.peek();
  if (open) rows.push(open);
  return rows;
}

/** Sorted, distinct whole-second times over a few buckets, values with two decimals. */
const series = (spanS: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: spanS }), { minLength: 1, maxLength: 60 })
    .chain((seconds) =>
      fc.tuple(
        fc.constant(seconds.sort((a, b) => a - b)),
        fc.array(fc.integer({ min: -2000, max: 6000 }), {
          minLength: seconds.length,
          maxLength: seconds.length,
        }),
      ),
    )
    .map(([seconds, values]) => seconds.map((s, i) => [s * S, values[i]! / 100] as [number, number]));

function expectSameRows(actual: RollupRow[], expected: RollupRow[]): void {
  expect(actual.map((r) => [r.t, r.min, r.max, r.count])).toEqual(
    expected.map((r) => [r.t, r.min, r.max, r.count]),
  );
  for (const [i, row] of actual.entries()) expect(row.avg).toBeCloseTo(expected[i]!.avg, 9);
}

describe("RollupBuilder", () => {
  it("minute rollups equal the brute-force reading of random series (seeded)", () => {
    fc.assert(
      fc.property(series(600), fc.integer({ min: 5, max: 200 }), (samples, holdS) => {
        expectSameRows(rolled(samples, 60 * S, holdS * S), bruteForce(samples, 60 * S, holdS * S));
      }),
      { seed: 19, numRuns: 300 },
    );
  });

  it("hourly rollups equal the brute-force reading of random series (seeded)", () => {
    fc.assert(
      fc.property(series(4 * 3600), (samples) => {
        expectSameRows(rolled(samples, 3600 * S, 1800 * S), bruteForce(samples, 3600 * S, 1800 * S));
      }),
      { seed: 1919, numRuns: 40 },
    );
  });

  it("carries the value held at a bucket's start into its min, max and average", () => {
    const rows = rolled(
      [
        [0, 10],
        [90 * S, 20],
      ],
      60 * S,
      600 * S,
    );
    // Minute 1: 10 from 60 s to 90 s, 20 from 90 s to 120 s.
    expect(rows[1]).toEqual({ t: 60 * S, min: 10, max: 20, avg: 15, count: 1 });
  });

  it("ignores a sample older than the last one", () => {
    const builder = new RollupBuilder(60 * S, 600 * S);
    builder.add(10 * S, 1);
    expect(builder.add(5 * S, 100)).toBeUndefined();
    expect(builder.peek()).toMatchObject({ min: 1, max: 1, count: 1 });
  });
});
