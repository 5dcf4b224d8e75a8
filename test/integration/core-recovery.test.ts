/**
 * Recovery without rediscovery (issue 13 point 6), at the field cadence on simulated time: after a
 * link loss the gateway reconnects, checks the controller is the same one (identity, the ends of
 * both spaces, a strict poll with the known types) and polls with the descriptors it has; only a
 * changed controller or catalogue is discovered again. During the outage the last values are
 * served, marked stale, for at most STALE_DATA_MAX_AGE.
 */
import { describe, expect, it } from "vitest";
import { Command } from "../../src/protocol/index.js";
import type { SimParameter } from "../../src/sim/profile/format.js";
import { type FieldGateway, startFieldGateway } from "../helpers/field-gateway.js";

const DISCOVERY_COMMANDS = new Set<number>([Command.GET_PARAMS_STRUCT_WITH_RANGE, Command.GET_PARAMS_STRUCT]);

/** Descriptor requests the gateway put on the wire. */
function discoveryFrames(g: FieldGateway): number {
  return g.gatewayFrames().filter((e) => e.frame && DISCOVERY_COMMANDS.has(e.frame.command)).length;
}

/** Runs until the link is up again with fresh data; returns the simulated ms it took from `fromMs`. */
async function untilFresh(g: FieldGateway, fromMs: number, budgetMs: number): Promise<number> {
  await g.runUntil(
    () => g.core.status().link.state === "up" && g.core.dataState() === "fresh",
    "fresh data",
    budgetMs,
  );
  return g.clock.now() - fromMs;
}

describe("recovery after a link loss", () => {
  // The grant's phase when the link comes back decides the wait for the first grant, and the
  // outage's length against the reopen attempts (every RECONNECT_DELAY_MIN, 0.5 s) the wait to
  // notice it is back: the unplug starts at ten points spread over one grant interval after a
  // grant and lasts 20 s plus up to one reopen interval.
  const cases = Array.from({ length: 10 }, (_, i) => [i * 1_000 + 250 * (i % 2), 20_000 + ((i * 173) % 500)]);
  it.each(cases)(
    "an unplug starting %i ms after a grant, for %i ms: data fresh again within one grant interval + 2 s of the link's return, without a rediscovery",
    async (offsetMs, outageMs) => {
      const g = await startFieldGateway();
      try {
        const grantIntervalMs = g.sim.options.tokenGrantIntervalMs;
        await g.nextGrant();
        await g.runFor(offsetMs);
        const descriptorsBefore = discoveryFrames(g);
        const controllerDescriptorReads = g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE ?? 0;
        const uid = g.core.store.get(10)!.value;
        const asOf = g.core.status().data.asOf!;
        g.sim.faults.unplug(outageMs);
        await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
        // Served all through the outage, marked stale, with the age of the last complete poll.
        const states = new Set<string>();
        const stop = () => g.sim.faults.unplugged;
        while (stop()) {
          const status = g.core.status();
          states.add(status.data.state);
          expect(status.data.asOf).toBe(asOf);
          expect(g.core.dataReady()).toBe(true);
          await g.runFor(1_000);
        }
        expect([...states]).toEqual(["stale"]);
        expect(g.core.store.get(10)!.value).toBe(uid);
        const pluggedAt = g.clock.now();
        const tookMs = await untilFresh(g, pluggedAt, grantIntervalMs + 10_000);
        if (process.env.GM3_FIELD_TIME) {
          console.log(
            `unplug at +${offsetMs} ms after a grant for ${outageMs} ms: fresh ${(tookMs / 1000).toFixed(2)} s after the link returned`,
          );
        }
        expect(tookMs).toBeLessThanOrEqual(grantIntervalMs + 2_000);
        // No rediscovery: not one descriptor request since the unplug.
        expect(discoveryFrames(g)).toBe(descriptorsBefore);
        expect(g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE ?? 0).toBe(
          controllerDescriptorReads,
        );
        expect(g.core.status().check.state).toBe("passed");
        expect(g.core.status().data.asOf).toBeGreaterThan(pluggedAt);
        expect(g.core.status().link.reconnects).toBe(1);
      } finally {
        await g.stop();
      }
    },
  );

  it("rediscovers when the controller on the bus after the outage has another UID, and serves nothing of the old one meanwhile", async () => {
    const g = await startFieldGateway();
    try {
      const descriptorsBefore = discoveryFrames(g);
      g.sim.faults.unplug(20_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
      g.sim.controller.setValue(10, "9ZZZZZZZZZZZZZZZZZZZZZ9"); // another controller on the bus
      await g.runUntil(() => g.core.status().check.state === "changed", "the check sees the change", 60_000);
      expect(g.core.status().check.lastResult).toMatch(
        /UID 2L7SDPN6KQ38CIH2401K01U → 9ZZZZZZZZZZZZZZZZZZZZZ9/,
      );
      // The old controller's values are not served while the new one is read.
      expect(g.core.dataState()).toBe("unavailable");
      await untilFresh(g, g.clock.now(), 120_000);
      expect(discoveryFrames(g)).toBeGreaterThan(descriptorsBefore);
      expect(g.core.store.get(10)!.value).toBe("9ZZZZZZZZZZZZZZZZZZZZZ9");
    } finally {
      await g.stop();
    }
  });

  it("rediscovers when the controller's catalogue grew during the outage (same UID and firmware)", async () => {
    const g = await startFieldGateway();
    try {
      const descriptorsBefore = discoveryFrames(g);
      g.sim.faults.unplug(20_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
      const parameters = g.sim.controller.space.parameters;
      const extra: SimParameter = { ...parameters.at(-1)!, name: "AddedByFirmware" };
      g.sim.controller.reflash([...parameters, extra]);
      await g.runUntil(() => g.core.status().check.state === "changed", "the check sees the change", 60_000);
      expect(g.core.status().check.lastResult).toMatch(/more parameters than the 1447 known/);
      await untilFresh(g, g.clock.now(), 120_000);
      expect(discoveryFrames(g)).toBeGreaterThan(descriptorsBefore);
      expect(g.core.store.definitionsOf("regulator")).toHaveLength(1448);
      expect(g.core.store.resolve("AddedByFirmware")).toBeDefined();
    } finally {
      await g.stop();
    }
  });

  it("rediscovers when a parameter changed its type during the outage: the first poll's values do not parse", async () => {
    const g = await startFieldGateway();
    try {
      const descriptorsBefore = discoveryFrames(g);
      g.sim.faults.unplug(20_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
      // TempCWU (61) becomes a 32-bit integer instead of a float … and a byte shorter per value
      // elsewhere would do too: any retyped index makes the batch unparseable with the known types.
      const parameters = [...g.sim.controller.space.parameters];
      const index = parameters.findIndex((p, i) => i > 10 && p.typeCode === 7);
      parameters[index] = {
        ...parameters[index]!,
        typeCode: 2,
        typeByte: (parameters[index]!.typeByte & ~0x0f) | 2,
        value: 1,
      };
      g.sim.controller.reflash(parameters);
      await g.runUntil(() => discoveryFrames(g) > descriptorsBefore, "a rediscovery", 90_000);
      // The check passed (identity and ends unchanged); the strict poll saw it.
      expect(g.core.status().check.state).toBe("passed");
      await untilFresh(g, g.clock.now(), 120_000);
      expect(g.core.store.get(index)!.definition.type).toBe(2);
    } finally {
      await g.stop();
    }
  });

  it("rediscovers when the catalogue shrank during the outage: known indices answer NO_DATA", async () => {
    const g = await startFieldGateway();
    try {
      const descriptorsBefore = discoveryFrames(g);
      g.sim.faults.unplug(20_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
      g.sim.controller.reflash(g.sim.controller.space.parameters.slice(0, -3));
      await g.runUntil(() => discoveryFrames(g) > descriptorsBefore, "a rediscovery", 90_000);
      await untilFresh(g, g.clock.now(), 120_000);
      expect(g.core.store.definitionsOf("regulator")).toHaveLength(1444);
    } finally {
      await g.stop();
    }
  });

  it("stops serving the stale values once they are STALE_DATA_MAX_AGE old, and serves them again when fresh", async () => {
    const g = await startFieldGateway({ env: { STALE_DATA_MAX_AGE: "120" } });
    try {
      const asOf = g.core.status().data.asOf!;
      g.sim.faults.unplug(300_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
      expect(g.core.dataState()).toBe("stale");
      expect(g.core.status().data.servedUntil).toBe(asOf + 120_000);
      await g.runUntil(() => g.core.dataState() === "unavailable", "the values too old to serve", 150_000);
      // Not a moment before they were 120 s old.
      expect(g.core.clock.now() - asOf).toBeGreaterThan(120_000);
      expect(g.core.clock.now() - asOf).toBeLessThanOrEqual(121_000);
      expect(g.core.dataReady()).toBe(false);
      g.sim.faults.plugIn();
      await untilFresh(g, g.clock.now(), 60_000);
      expect(g.core.dataReady()).toBe(true);
    } finally {
      await g.stop();
    }
  });

  it("with STALE_DATA_MAX_AGE=0 answers 'unavailable' as soon as the link is down (the reference gateway's rule)", async () => {
    const g = await startFieldGateway({ env: { STALE_DATA_MAX_AGE: "0" } });
    try {
      expect(g.core.dataState()).toBe("fresh");
      g.sim.faults.unplug(20_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
      expect(g.core.dataState()).toBe("unavailable");
      await untilFresh(g, g.clock.now(), 60_000);
    } finally {
      await g.stop();
    }
  });
});
