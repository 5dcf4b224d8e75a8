import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TypeCode } from "../../src/protocol/index.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";

describe("gateway core against the simulator: discovery and polling", () => {
  let g: SimGateway;
  beforeAll(async () => {
    g = await startSimGateway();
  });
  afterAll(async () => {
    await g?.stop();
  });

  it("discovers 1,447 regulator and 423 panel parameters", () => {
    const status = g.core.status();
    expect(status.discovery).toMatchObject({
      state: "complete",
      source: "bus",
      regulatorCount: 1447,
      panelCount: 423,
    });
    expect(g.core.store.size).toBe(1870);
    expect(g.core.store.get(1446)?.definition.space).toBe("regulator");
    expect(g.core.store.get(10422)?.definition.space).toBe("panel");
    expect(g.core.store.get(1447)).toBeUndefined();
  });

  it("needs as many descriptor batches as the real devices (≈39 + ≈43)", () => {
    expect(g.core.status().discovery.batches).toBe(
      g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE! -
        1 +
        g.sim.panel.requestCounts.GET_PARAMS_STRUCT! -
        1,
    );
    expect(g.core.status().discovery.batches).toBeGreaterThanOrEqual(75);
  });

  it("learns types, writable bits and ranges, with references resolved through current values", () => {
    const { store } = g.core;
    const setpoint = store.get(103)!;
    expect(setpoint.definition).toMatchObject({ name: "HDWTSetPoint", type: TypeCode.UINT8, writable: true });
    expect(setpoint.definition.min).toEqual({ kind: "reference", index: 107 });
    expect(setpoint.definition.max).toEqual({ kind: "reference", index: 108 });
    const min = g.sim.controller.getValue(107);
    const max = g.sim.controller.getValue(108);
    expect(store.limitsOf(setpoint)).toEqual({ min, max });
    expect(store.get(61)!.definition).toMatchObject({
      name: "TempCWU",
      type: TypeCode.FLOAT,
      writable: false,
    });
    expect(store.get(10)!.definition).toMatchObject({ name: "UID", type: TypeCode.STRING });
  });

  it("keeps nameless parameters internally but does not expose them", () => {
    let nameless = 0;
    for (const entry of g.core.store.all()) if (!entry.definition.exposed) nameless++;
    expect(nameless).toBe(96);
  });

  it("stores every value the simulated devices hold", () => {
    const { store } = g.core;
    for (const index of [0, 1, 9, 10, 103, 107, 108, 374, 1133, 10010]) {
      expect(store.get(index)?.value, `index ${index}`).toEqual(g.sim.getValue(index));
    }
    expect(store.firstPollComplete).toBe(true);
  });

  it("sees a simulator-side change within one poll", async () => {
    const before = g.core.store.get(702)!.value as number;
    const target = before === 25 ? 26 : 25;
    g.sim.controller.setValue(702, target);
    const polled = g.core.status().poll.cycles;
    const deadline = Date.now() + 5_000;
    while (g.core.status().poll.cycles < polled + 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(g.core.store.get(702)!.value).toBe(target);
  });

  it("reads the alarm history newest first, an active alarm without end date", () => {
    const alarms = g.core.alarms;
    expect(alarms.length).toBe(g.sim.panel.alarms.length);
    const dates = alarms.map((a) => a.fromDate);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(alarms.some((a) => a.toDate === null)).toBe(true);
  });

  it("never took the poller's replies as its own (no garbled or rejected requests)", () => {
    const stats = g.core.status().bus.stats;
    expect(g.sim.poller!.stats.replies).toBeGreaterThan(0);
    expect(stats.failures).toEqual({ timeout: 0, garbled: 0, rejected: 0, "link-down": 0, "no-token": 0 });
  });
});
