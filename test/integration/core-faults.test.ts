/**
 * The gateway core on a faulty bus at the field cadence (grant every ~10 s, the gateway's real
 * timeouts, reconnect back-off and cache TTL) on simulated time.
 */
import { describe, expect, it } from "vitest";
import { WriteError } from "../../src/gateway/write-errors.js";
import { Command, encodeValue, type ParameterValue } from "../../src/protocol/index.js";
import type { Simulation } from "../../src/sim/index.js";
import { type FieldGateway, startFieldGateway } from "../helpers/field-gateway.js";

const PANEL_INDEX_OFFSET = 10_000;

/**
 * Values legitimately change while the gateway polls (live drift, the panel's copies of the
 * thermostat, writes), so a stored value is compared with what the simulated device held when it
 * answered: every reply a device builds is recorded with the values it held at that moment. A value
 * the gateway holds, read at simulated time t, must be one the device served for that index within
 * `windowMs` before t (the attempts and reply waits of one request), or one the controller accepted
 * from a write then (an acknowledged write whose read-back was lost is stored as written).
 */
class ServedValues {
  private readonly served = new Map<number, { at: number; value: ParameterValue }[]>();

  constructor(
    private readonly sim: Simulation,
    private readonly windowMs: number,
  ) {
    this.spy(sim.controller.space, 0);
    this.spy(sim.panel.space, PANEL_INDEX_OFFSET);
  }

  private spy(space: Simulation["controller"]["space"], offset: number): void {
    const original = space.valuesResponse.bind(space);
    space.valuesResponse = (first, count, cap) => {
      const at = this.sim.clock.now();
      for (let i = first; i < Math.min(first + count, space.count); i++) {
        const list = this.served.get(offset + i) ?? [];
        if (list.length === 0) this.served.set(offset + i, list);
        list.push({ at, value: space.getValue(i) });
      }
      return original(first, count, cap);
    };
  }

  /** Why `value`, read at simulated time `atMs`, is not what the simulator held; undefined when it is. */
  check(index: number, type: number, value: ParameterValue | undefined, atMs: number): string | undefined {
    if (value === undefined) return `${index}: no value`;
    // Compared as the wire carries them: float32 rounding, NaN and 64-bit integers compare exactly.
    const wire = (v: ParameterValue) => {
      const encoded = encodeValue(type, v);
      return encoded.ok ? encoded.value.toString("hex") : `unencodable ${String(v)}`;
    };
    const since = atMs - this.windowMs;
    // The gateway's clock reads whole milliseconds: its read times may be up to 1 ms early.
    const until = atMs + 1;
    const candidates = (this.served.get(index) ?? [])
      .filter((s) => s.at >= since && s.at <= until)
      .map((s) => s.value);
    for (const w of this.sim.controller.writes)
      if (w.index === index && w.accepted && w.timeMs >= since && w.timeMs <= until && w.value !== undefined)
        candidates.push(w.value);
    if (candidates.some((candidate) => wire(candidate) === wire(value))) return undefined;
    return `${index}: stored ${String(value)}, the simulator held ${
      candidates.length === 0 ? "— (served nothing then)" : candidates.map(String).join(" / ")
    }`;
  }
}

/** Writes at a moment `offsetMs` into the panel's cycle; resolves to how the job ended. */
async function writeAt(g: FieldGateway, value: number, offsetMs: number): Promise<string> {
  await g.runFor(offsetMs);
  try {
    const job = await g.settle(g.core.write({ target: "SummerOn", value, origin: "test" }), "write", 90_000);
    if (job.state === "confirmed") expect(job.outcome!.newValue).toBe(value);
    return job.state === "failed" ? `failed: ${job.error!.failure}` : job.state;
  } catch (error) {
    expect(error).toBeInstanceOf(WriteError);
    return `refused: ${(error as WriteError).failure}`;
  }
}

describe("gateway core against a faulty bus", () => {
  it("keeps polling through CRC errors, drops, truncation and noise, and never stores a value the simulator did not hold", async () => {
    const g = await startFieldGateway({ sim: { seed: 7 }, waitForData: false });
    try {
      // Three attempts of one request, each a reply wait, and the back-off between them.
      const served = new ServedValues(g.sim, g.config.retryAttempts * (g.config.serialTimeoutMs + 500));
      const problems: string[] = [];
      let checked = 0;
      // Every value the store takes, at the moment it takes it.
      g.core.store.on("change", (change) => {
        const type = g.core.store.get(change.index)!.definition.type;
        const problem = served.check(change.index, type, change.value, g.sim.clock.now());
        if (problem) problems.push(`${problem} (${change.origin})`);
        checked++;
      });
      // Every move of the bus's token and wire states, retries and lost replies included, is in its table.
      const moves: string[] = [];
      const disallowed: string[] = [];
      g.core.bus.on("state", (c) => {
        moves.push(`${c.machine}:${c.to}`);
        if (!c.allowed) disallowed.push(`${c.machine} ${c.from} → ${c.to} (${c.why})`);
      });
      await g.runUntil(() => g.core.dataReady(), "data", 120_000);
      g.sim.faults.set({ crcErrorRate: 0.05, dropResponseRate: 0.05, truncateRate: 0.03, noiseRate: 0.1 });
      const start = g.core.status().poll.cycles;
      const checkedBefore = checked;
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) outcomes.push(await writeAt(g, 22 + i, 3_700 * i));
      await g.runUntil(() => g.core.status().poll.cycles >= start + 5, "five more poll cycles", 300_000);
      // Still under faults.
      const counts = g.sim.faults.counts;
      expect(counts.crcErrors + counts.droppedResponses + counts.truncatedFrames).toBeGreaterThan(5);
      const stats = g.core.status().bus.stats;
      expect(stats.crcErrors + stats.discardedBytes).toBeGreaterThan(0);
      expect(checked - checkedBefore).toBeGreaterThan(100);
      expect(problems).toEqual([]);
      // And every value the store holds now (re-read unchanged values emit no change): each is what
      // the simulator held at its read time.
      const epochAtZero = g.clock.date().getTime() - Math.floor(g.clock.now());
      let held = 0;
      for (const entry of g.core.store.all()) {
        if (entry.readAt === undefined) continue;
        const { index, type } = entry.definition;
        const problem = served.check(index, type, entry.value, entry.readAt - epochAtZero);
        if (problem) problems.push(problem);
        held++;
      }
      expect(held).toBeGreaterThan(1_800);
      expect(problems).toEqual([]);
      // Every write ended with a clear outcome (a 60 s deadline outlasts the faults' lost grants); none
      // was sent or applied twice.
      expect(outcomes).toHaveLength(4);
      for (const outcome of outcomes)
        expect(outcome).toMatch(/^(confirmed|failed: (not-confirmed|rejected))$/);
      const sent = g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM);
      expect(sent.length).toBeLessThanOrEqual(4);
      expect(disallowed).toEqual([]);
      expect(moves).toContain("wire:backoff");
      expect(moves).toContain("token:returning");
      const applied = g.sim.controller.writes.filter((w) => w.index === 702 && w.accepted);
      const values = applied.map((w) => w.value);
      expect(new Set(values).size).toBe(values.length);
    } finally {
      await g.stop();
    }
  });

  it("reopens the link when the controller stays silent, and polls again without a rediscovery once it answers", async () => {
    const g = await startFieldGateway();
    try {
      const discoveries = g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE ?? 0;
      // Longer than the unresponsive cycles it takes (3 polls, each a grant and a poll interval apart).
      g.sim.faults.silenceController(120_000);
      await g.runUntil(() => g.core.status().link.reconnects >= 1, "link reopened", 150_000);
      expect(g.sim.faults.controllerSilenced()).toBe(true);
      // The check after the reopen gets no answer either: the last values stay served, marked stale.
      expect(g.core.dataState()).toBe("stale");
      await g.runUntil(() => !g.sim.faults.controllerSilenced(), "the controller answers again", 150_000);
      await g.runUntil(() => g.core.dataState() === "fresh", "fresh data again", 120_000);
      expect(g.core.status().check.state).toBe("passed");
      // The same controller: its descriptors were not read again.
      expect(g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE ?? 0).toBe(discoveries);
    } finally {
      await g.stop();
    }
  });

  it("keeps the last values, marked stale, while the adapter is unplugged, and recovers when it is back", async () => {
    const g = await startFieldGateway();
    try {
      const uid = g.core.store.get(10)!.value;
      // Longer than CACHE_TTL_SECONDS (60 s), so the values go stale while it is out.
      g.sim.faults.unplug(90_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
      // Still served (90 s < STALE_DATA_MAX_AGE), as stale.
      expect(g.core.dataReady()).toBe(true);
      expect(g.core.dataState()).toBe("stale");
      expect(g.core.status().link.lastError?.message).toBeTruthy();
      expect(g.core.store.get(10)!.value).toBe(uid);
      await g.runUntil(() => g.core.store.isStale(g.core.store.get(10)!), "the UID stale", 90_000);
      expect(g.core.status().link.state).not.toBe("up");
      expect(g.core.store.get(10)!.value).toBe(uid);
      await g.runUntil(
        () => g.core.dataState() === "fresh" && g.core.status().link.reconnects >= 1,
        "reconnected with fresh data",
        300_000,
      );
      expect(g.core.store.isStale(g.core.store.get(10)!)).toBe(false);
      await g.nextGrant();
      const write = await g.settle(
        g.core.write({ target: "SummerOn", value: 27, origin: "test" }),
        "write",
        30_000,
      );
      expect(write.outcome?.newValue).toBe(27);
    } finally {
      await g.stop();
    }
  });
});
