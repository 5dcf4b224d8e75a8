import { describe, expect, it } from "vitest";
import { WriteError } from "../../src/gateway/write-errors.js";
import { eventually, startSimGateway } from "../helpers/sim-gateway.js";

describe("gateway core against a faulty bus", () => {
  it("keeps polling through CRC errors, drops, truncation and noise, and never stores a corrupt value", async () => {
    const g = await startSimGateway({ sim: { liveValues: false, seed: 7 } });
    try {
      g.sim.faults.set({ crcErrorRate: 0.05, dropResponseRate: 0.05, truncateRate: 0.03, noiseRate: 0.1 });
      const start = g.core.status().poll.cycles;
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const value = 20 + i;
        try {
          const outcome = await g.core.write({ target: "SummerOn", value, origin: "test" });
          expect(outcome.newValue).toBe(value);
          outcomes.push("confirmed");
        } catch (error) {
          expect(error).toBeInstanceOf(WriteError);
          outcomes.push((error as WriteError).failure);
        }
      }
      await eventually(() => g.core.status().poll.cycles >= start + 5, "five more poll cycles", 40_000);
      const counts = g.sim.faults.counts;
      expect(counts.crcErrors + counts.droppedResponses + counts.truncatedFrames).toBeGreaterThan(5);
      expect(g.core.status().bus.stats.crcErrors + g.core.status().bus.stats.discardedBytes).toBeGreaterThan(
        0,
      );
      // Every write ended with a clear outcome; none was applied twice.
      expect(outcomes).toHaveLength(4);
      const applied = g.sim.controller.writes.filter((w) => w.index === 702 && w.accepted);
      const values = applied.map((w) => w.value);
      expect(new Set(values).size).toBe(values.length);
      // Clean bus again: after one clean cycle every stored value is exactly what the devices hold.
      g.sim.faults.set({ crcErrorRate: 0, dropResponseRate: 0, truncateRate: 0, noiseRate: 0 });
      const clean = g.core.status().poll.cycles;
      await eventually(
        () => g.core.status().poll.cycles >= clean + 2 && g.core.status().poll.consecutiveFailures === 0,
        "clean polls",
        10_000,
      );
      let compared = 0;
      for (const entry of g.core.store.all()) {
        const expected = g.sim.getValue(entry.definition.index);
        if (typeof expected === "number" && !Number.isInteger(expected)) {
          if (Number.isNaN(expected)) expect(entry.value).toBeNaN();
          else expect(entry.value as number).toBeCloseTo(expected, 1);
        } else {
          expect(entry.value, `index ${entry.definition.index}`).toEqual(expected);
        }
        compared++;
      }
      expect(compared).toBe(1870);
    } finally {
      await g.stop();
    }
  }, 60_000);

  it("reopens the link and rediscovers when the controller stays silent", async () => {
    const g = await startSimGateway({ core: { unresponsiveCycles: 2 } });
    try {
      const discoveries = g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE ?? 0;
      g.sim.faults.silenceController(6_000);
      await eventually(() => g.core.status().link.reconnects >= 1, "link reopened", 15_000);
      await eventually(
        () => g.core.dataReady() && g.core.status().discovery.state === "complete",
        "data again",
        15_000,
      );
      expect(g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE ?? 0).toBeGreaterThan(discoveries);
    } finally {
      await g.stop();
    }
  });

  it("keeps the last values, marked stale, while the adapter is unplugged, and recovers when it is back", async () => {
    const g = await startSimGateway({ core: { cacheTtlMs: 500 } });
    try {
      const uid = g.core.store.get(10)!.value;
      g.sim.faults.unplug(1_500);
      await eventually(() => g.core.status().link.state !== "up", "link down", 5_000);
      expect(g.core.dataReady()).toBe(false);
      expect(g.core.status().link.lastError?.message).toBeTruthy();
      expect(g.core.store.get(10)!.value).toBe(uid);
      await new Promise((r) => setTimeout(r, 600));
      expect(g.core.store.isStale(g.core.store.get(10)!)).toBe(true);
      await eventually(
        () => g.core.dataReady() && g.core.status().link.reconnects >= 1,
        "reconnected with data",
        15_000,
      );
      expect(g.core.store.isStale(g.core.store.get(10)!)).toBe(false);
      const write = await g.core.write({ target: "SummerOn", value: 27, origin: "test" });
      expect(write.newValue).toBe(27);
    } finally {
      await g.stop();
    }
  });
});
