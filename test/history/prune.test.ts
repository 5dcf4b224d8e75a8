/** Retention per tier and the disk budget: oldest first, finest tier first, the budget kept. */
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_RETENTION, HistoryStore, type RollupSample, type Sample } from "../../src/history/index.js";
import { scratchDir } from "./fixture.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function open() {
  const { dir, cleanup } = scratchDir();
  cleanups.push(cleanup);
  const path = join(dir, "history.sqlite");
  const store = HistoryStore.open(path);
  cleanups.unshift(() => store.close());
  store.describe([1, 2, 3, 4].map((index) => ({ index, name: `P${index}`, unit: "kW" })));
  return { store, path };
}

/** `days` of raw samples every `stepMs`, minute and hour rows, for parameters 1–4, ending at NOW. */
function fill(store: HistoryStore, days: number, stepMs: number): void {
  for (let day = days; day > 0; day--) {
    const samples: Sample[] = [];
    const minutes: RollupSample[] = [];
    const hours: RollupSample[] = [];
    const start = NOW - day * DAY;
    for (let p = 1; p <= 4; p++) {
      for (let t = start; t < start + DAY; t += stepMs) samples.push({ p, t, v: Math.sin(t / 1e6) * 10 });
      for (let t = start; t < start + DAY; t += 60_000)
        minutes.push({ p, t, min: 0, max: 1, avg: 0.5, count: 2 });
      for (let t = start; t < start + DAY; t += 3_600_000)
        hours.push({ p, t, min: 0, max: 1, avg: 0.5, count: 60 });
    }
    store.write({ samples, minutes, hours });
  }
}

const oldest = (store: HistoryStore, tier: "raw" | "minute" | "hour") =>
  tier === "raw" ? store.samples(1, 0, NOW)[0]?.t : store.rollups(tier, 1, 0, NOW)[0]?.t;

describe("HistoryStore.prune", () => {
  it("drops what is past each tier's retention", () => {
    const { store } = open();
    fill(store, 10, 60_000);
    const retention = { rawMs: 7 * DAY, minuteMs: 9 * DAY, hourMs: DEFAULT_RETENTION.hourMs };
    const result = store.prune(NOW, retention, Number.MAX_SAFE_INTEGER);
    expect(oldest(store, "raw")).toBe(NOW - 7 * DAY);
    expect(oldest(store, "minute")).toBe(NOW - 9 * DAY);
    expect(oldest(store, "hour")).toBe(NOW - 10 * DAY);
    expect(result.deleted.raw).toBe(3 * 4 * 1440);
    expect(result.deleted.minute).toBe(1 * 4 * 1440);
    expect(result.deleted.hour).toBe(0);
  });

  it("keeps the disk budget by thinning the oldest raw samples first, and the file shrinks", () => {
    const { store, path } = open();
    fill(store, 7, 10_000);
    const before = store.usedBytes();
    const fileBefore = statSync(path).size;
    const budget = Math.floor(before / 3);
    const result = store.prune(NOW, DEFAULT_RETENTION, budget);
    expect(result.bytesBefore).toBe(before);
    expect(store.usedBytes()).toBeLessThanOrEqual(budget);
    expect(statSync(path).size).toBeLessThan(fileBefore);
    // Raw thinned from the oldest end, the newest day kept whole; rollups untouched so far.
    expect(oldest(store, "raw")!).toBeGreaterThan(NOW - 7 * DAY);
    expect(store.samples(1, NOW - DAY, NOW)).toHaveLength(DAY / 10_000);
    expect(oldest(store, "minute")).toBe(NOW - 7 * DAY);
    expect(result.deleted.minute + result.deleted.hour).toBe(0);
    expect(store.integrity()).toBe("ok");
  });

  it("thins minute rollups once raw is down to its floor, and never the newest data", () => {
    const { store } = open();
    fill(store, 30, 600_000);
    const budget = 2 * 1024 * 1024;
    expect(store.usedBytes()).toBeGreaterThan(2 * budget);
    store.prune(NOW, DEFAULT_RETENTION, budget);
    expect(store.usedBytes()).toBeLessThanOrEqual(budget);
    expect(oldest(store, "raw")!).toBeGreaterThanOrEqual(NOW - DAY);
    expect(oldest(store, "minute")!).toBeGreaterThan(NOW - 30 * DAY);
    expect(store.rollups("minute", 1, NOW - 7 * DAY, NOW)).toHaveLength(7 * 1440);
    expect(oldest(store, "hour")).toBe(NOW - 30 * DAY);
  });

  it("keeps even a budget below the floors, hourly rollups last", () => {
    const { store } = open();
    fill(store, 10, 600_000);
    const budget = 128 * 1024;
    store.prune(NOW, DEFAULT_RETENTION, budget);
    expect(store.usedBytes()).toBeLessThanOrEqual(budget);
    expect(store.rowCounts().raw).toBe(0);
    expect(store.rollups("hour", 1, NOW - DAY, NOW).length).toBeGreaterThan(0);
    expect(store.integrity()).toBe("ok");
  });
});
