/**
 * The recorder on a parameter store driven by a virtual clock: what it keeps (on change, beyond
 * the deadband, after the minimum interval, a heartbeat when unchanged), that writes go in
 * batches on its timer, and that a restart (store closed and opened again) keeps the history and
 * the rollups come out as if nothing had stopped.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HistoryRecorder, HistoryStore, HOUR_MS, MINUTE_MS } from "../../src/history/index.js";
import { scratchDir, storeOnVirtualTime } from "./fixture.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup() {
  const { dir, cleanup } = scratchDir();
  cleanups.push(cleanup);
  const path = join(dir, "history.sqlite");
  const world = storeOnVirtualTime();
  const history = HistoryStore.open(path);
  cleanups.unshift(() => history.close());
  const recorder = new HistoryRecorder(history, world.store, { selection: { mode: "default" } });
  return { ...world, path, history, recorder };
}

describe("HistoryRecorder", () => {
  it("records on change beyond the unit's deadband, not a flickering value", () => {
    const { sim, poll, history, recorder } = setup();
    recorder.start();
    // °C: deadband 0.2, minimum interval 10 s; polls every 10 s.
    const temperatures = [5.0, 5.1, 5.0, 5.1, 5.0, 5.1, 5.3, 5.3, 5.2, 5.6];
    for (const value of temperatures) {
      poll({ 68: value });
      sim.advance(10_000);
    }
    recorder.flush();
    const kept = history.samples(68, 0, Number.MAX_SAFE_INTEGER).map((s) => s.v);
    expect(kept).toEqual([5.0, 5.3, 5.6]);
    recorder.stop();
  });

  it("waits the unit's minimum interval and keeps a heartbeat of an unchanged value", () => {
    const { sim, clock, poll, history, recorder } = setup();
    recorder.start();
    const t0 = clock.now();
    // kW: deadband 0.05, minimum interval 10 s. Polls every 2 s for a minute, changing each time.
    for (let i = 0; i < 30; i++) {
      poll({ 1047: 1 + i * 0.1 });
      sim.advance(2_000);
    }
    recorder.flush();
    const times = history.samples(1047, 0, Number.MAX_SAFE_INTEGER).map((s) => s.t - t0);
    expect(times).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    // Then 25 minutes unchanged: a heartbeat sample every 10 minutes.
    for (let i = 0; i < 150; i++) {
      poll({ 1047: 9 });
      sim.advance(10_000);
    }
    recorder.flush();
    const later = history.samples(1047, t0 + 60_000, Number.MAX_SAFE_INTEGER).map((s) => s.t - t0);
    expect(later).toEqual([60_000, 660_000, 1_260_000]);
    recorder.stop();
  });

  it("writes in batches on its timer, not on each poll", () => {
    const { sim, poll, history, recorder } = setup();
    recorder.start();
    poll({ 68: 1 });
    expect(history.rowCounts().raw).toBe(0);
    sim.advance(recorder.options.flushIntervalMs);
    expect(history.rowCounts().raw).toBe(1);
    expect(recorder.stats.flushes).toBe(1);
    recorder.stop();
  });

  it("does not record what the selection leaves out, nor non-numbers", () => {
    const { dir, cleanup } = scratchDir();
    cleanups.push(cleanup);
    const world = storeOnVirtualTime();
    const history = HistoryStore.open(join(dir, "h.sqlite"));
    cleanups.unshift(() => history.close());
    const recorder = new HistoryRecorder(history, world.store, {
      selection: { mode: "list", names: ["TempWthr"], indices: [] },
    });
    recorder.start();
    expect(recorder.recorded).toEqual([68]);
    world.poll({ 68: 3, 1047: 2 });
    recorder.flush();
    expect(history.rowCounts().raw).toBe(1);
    expect(recorder.observe(68, world.clock.now() + HOUR_MS, Number.NaN)).toBe(false);
    recorder.stop();
  });

  it("keeps the history over a restart and finishes the open rollups as if it had not stopped", () => {
    const run = (restartAfterPolls: number | undefined) => {
      const { dir, cleanup } = scratchDir();
      cleanups.push(cleanup);
      const path = join(dir, "history.sqlite");
      const world = storeOnVirtualTime();
      let history = HistoryStore.open(path);
      let recorder = new HistoryRecorder(history, world.store, { selection: { mode: "default" } });
      recorder.start();
      // Two hours of a power value stepping every 30 s.
      for (let i = 0; i < 240; i++) {
        if (i === restartAfterPolls) {
          recorder.stop();
          history.close();
          history = HistoryStore.open(path);
          recorder = new HistoryRecorder(history, world.store, { selection: { mode: "default" } });
          recorder.start();
        }
        world.poll({ 1048: Math.round(((i * 37) % 50) * 10) / 100 });
        world.sim.advance(30_000);
      }
      recorder.stop();
      const all = [0, Number.MAX_SAFE_INTEGER] as const;
      const result = {
        raw: history.samples(1048, ...all),
        minutes: history.rollups("minute", 1048, ...all),
        hours: history.rollups("hour", 1048, ...all),
      };
      history.close();
      return result;
    };
    const straight = run(undefined);
    // Restarted at 40 min 30 s: mid-minute, mid-hour.
    const restarted = run(81);
    expect(straight.raw.length).toBeGreaterThan(100);
    expect(straight.minutes.length).toBeGreaterThan(60);
    expect(straight.hours.length).toBe(1);
    expect(restarted).toEqual(straight);
    expect(straight.minutes[0]!.t % MINUTE_MS).toBe(0);
  });
});
