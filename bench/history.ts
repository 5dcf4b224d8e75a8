/**
 * The history store's figures: insert throughput (values/s, in the recorder's batches), query time
 * of 30 days of minute rollups of one parameter (and the API's merged answer for it), and disk
 * bytes per parameter-day at the worst case (a value changing at every 10-s poll, so every sample
 * kept) and at a typical one (a sample a minute). Prints figures; asserts nothing.
 * Run: npx tsx bench/history.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HistoryStore, querySeries, type RollupSample, type Sample } from "../src/history/index.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const dir = mkdtempSync(join(tmpdir(), "gm3-bench-history-"));

function fill(store: HistoryStore, params: number, days: number, sampleEveryMs: number): number {
  let values = 0;
  for (let day = days; day > 0; day--) {
    const start = NOW - day * DAY;
    const samples: Sample[] = [];
    const minutes: RollupSample[] = [];
    const hours: RollupSample[] = [];
    for (let p = 1; p <= params; p++) {
      for (let t = start; t < start + DAY; t += sampleEveryMs)
        samples.push({ p, t, v: Math.round((40 + 5 * Math.sin(t / 3e6 + p)) * 10) / 10 });
      for (let t = start; t < start + DAY; t += 60_000)
        minutes.push({ p, t, min: 39.5, max: 40.5, avg: 40.012345, count: 6 });
      for (let t = start; t < start + DAY; t += 3_600_000)
        hours.push({ p, t, min: 35, max: 45, avg: 40.2, count: 360 });
    }
    // In the recorder's batches: what 5 s of polling queues for `params` parameters.
    for (let i = 0; i < samples.length; i += params)
      store.write({ samples: samples.slice(i, i + params), minutes: [], hours: [] });
    store.write({ samples: [], minutes, hours });
    values += samples.length;
  }
  return values;
}

function bytesPerParameterDay(label: string, sampleEveryMs: number): void {
  const store = HistoryStore.open(join(dir, `${label}.sqlite`));
  store.describe(Array.from({ length: 20 }, (_, i) => ({ index: i + 1, name: `P${i + 1}`, unit: "°C" })));
  fill(store, 20, 3, sampleEveryMs);
  const perDay = store.usedBytes() / (20 * 3);
  console.log(
    `disk per parameter-day, ${label}: ${(perDay / 1024).toFixed(1)} KiB (raw every ${sampleEveryMs / 1000} s + 1,440 minute + 24 hour rows)`,
  );
  console.log(
    `  → HISTORY_MAX_MB=200 holds ${Math.floor((200 * 1024 * 1024) / perDay)} parameter-days at this rate`,
  );
  store.close();
}

// Insert throughput.
{
  const store = HistoryStore.open(join(dir, "insert.sqlite"));
  store.describe(Array.from({ length: 60 }, (_, i) => ({ index: i + 1, name: `P${i + 1}`, unit: "°C" })));
  const started = performance.now();
  const values = fill(store, 60, 1, 10_000);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `insert: ${values} samples (60 parameters × 1 day every 10 s, batches of 60) + rollups in ${seconds.toFixed(2)} s → ${Math.round(values / seconds)} values/s`,
  );
  // One recorder flush: 5 s of 60 parameters.
  const batch = Array.from({ length: 60 }, (_, p) => ({ p: p + 1, t: NOW + 1, v: 1 }));
  const runs = 200;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++)
    store.write({ samples: batch.map((s) => ({ ...s, t: NOW + i + 1 })), minutes: [], hours: [] });
  console.log(
    `one flush of 60 samples (one transaction): ${((performance.now() - t0) / runs).toFixed(3)} ms`,
  );
  store.close();
}

// Query of 30 days of minute rollups of one parameter.
{
  const store = HistoryStore.open(join(dir, "query.sqlite"));
  store.describe(Array.from({ length: 20 }, (_, i) => ({ index: i + 1, name: `P${i + 1}`, unit: "°C" })));
  fill(store, 20, 30, 600_000);
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    rows = store.rollups("minute", 7, NOW - 30 * DAY, NOW).length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `query 30 days of minute rollups, one parameter (${rows} rows of 20 parameters' ${20 * rows}): median ${times[10]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
  );
  const a0 = performance.now();
  const answer = querySeries(store, undefined, { index: 7, from: NOW - 30 * DAY, to: NOW, stepMs: 60_000 });
  console.log(
    `API answer for the same range: ${answer.points.length} points (${answer.resolution}, step ${answer.stepMs / 60_000} min) in ${(performance.now() - a0).toFixed(1)} ms`,
  );
  store.close();
}

bytesPerParameterDay("worst case", 10_000);
bytesPerParameterDay("a sample a minute", 60_000);
rmSync(dir, { recursive: true, force: true });
