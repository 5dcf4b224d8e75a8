import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Command, TypeCode } from "../../src/protocol/index.js";
import { FIELD_GATEWAY_ADDRESS, type FieldGateway, startFieldGateway } from "../helpers/field-gateway.js";

/** At the field cadence (grant every ~10 s, POLL_INTERVAL 10 s) on simulated time: see field-gateway.ts. */
describe("gateway core against the simulator: discovery and polling", () => {
  let g: FieldGateway;
  beforeAll(async () => {
    g = await startFieldGateway();
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

  it("sees a simulator-side change within one poll interval and the grant after it", async () => {
    const before = g.core.store.get(702)!.value as number;
    const target = before === 25 ? 26 : 25;
    g.sim.controller.setValue(702, target);
    // The next poll starts at most POLL_INTERVAL after the last one ended, and runs at the first
    // grant after that; one grant interval more covers a poll that had just passed index 702.
    const budgetMs = g.config.pollIntervalMs + 2 * g.sim.options.tokenGrantIntervalMs;
    await g.runUntil(() => g.core.store.get(702)!.value === target, "the new value in the store", budgetMs);
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

/**
 * The same, with a poller that keeps sweeping while the gateway holds the token (a stress option of
 * the simulator; real pollers stay quiet then): the controller's replies to 0xFFFF — the same command,
 * the same block starts — arrive amid the gateway's own exchanges. Values do not move
 * (`liveValues: false`), so after a poll the store must equal the controller, index by index.
 * Frames take no time on the wire here (`wireDelay: false`): with their real duration such a poller
 * collides with the gateway's frames (half-duplex), which garbles both and is not what this checks;
 * the token cadence and every gateway timeout stay the field's.
 */
describe("gateway core against a poller that talks during the gateway's grants", () => {
  let g: FieldGateway;
  beforeAll(async () => {
    g = await startFieldGateway({
      sim: { pollerIgnoresToken: true, liveValues: false, wireDelay: false },
    });
  });
  afterAll(async () => {
    await g?.stop();
  });

  it("the poller did talk while the gateway held the token", () => {
    const poller = g.sim.poller!;
    expect(poller.stats.requestsDuringGrants).toBeGreaterThan(15);
    expect(poller.stats.replies).toBeGreaterThan(15);
    // On the wire: poller requests between a grant to the gateway and the gateway's next frames.
    const entries = g.sim.bus.log.entries;
    const grant = entries.findIndex(
      (e) =>
        e.frame?.command === Command.SERVICE &&
        e.frame.source === 100 &&
        e.frame.destination === FIELD_GATEWAY_ADDRESS,
    );
    expect(grant).toBeGreaterThanOrEqual(0);
    const after = entries.slice(grant + 1, grant + 60);
    expect(after.some((e) => e.sender === "poller")).toBe(true);
    expect(after.some((e) => e.frame?.source === FIELD_GATEWAY_ADDRESS)).toBe(true);
  });

  it("after a poll, every value in the store equals the simulated controller's (and panel's) at that index", async () => {
    const cycles = g.core.status().poll.cycles;
    const requestsBefore = g.sim.poller!.stats.requestsDuringGrants;
    await g.runUntil(() => g.core.status().poll.cycles >= cycles + 2, "two more poll cycles", 120_000);
    expect(g.sim.poller!.stats.requestsDuringGrants).toBeGreaterThan(requestsBefore);
    let compared = 0;
    const wrong: string[] = [];
    for (const entry of g.core.store.all()) {
      const index = entry.definition.index;
      const expected = g.sim.getValue(index);
      const same =
        entry.value === expected ||
        (Number.isNaN(entry.value) && Number.isNaN(expected)) ||
        JSON.stringify(entry.value) === JSON.stringify(expected);
      if (!same) wrong.push(`${index}: store ${String(entry.value)} vs simulator ${String(expected)}`);
      compared++;
    }
    expect(compared).toBe(1870);
    expect(wrong).toEqual([]);
  });

  it("took none of the poller's replies as its own", () => {
    const stats = g.core.status().bus.stats;
    expect(stats.failures).toEqual({ timeout: 0, garbled: 0, rejected: 0, "link-down": 0, "no-token": 0 });
    // The poller's replies carry the same values, so a mix-up might not show in the store: but the
    // gateway's own reply would then find nothing waiting (a late reply), or it would retry.
    expect(stats.lateReplies).toBe(0);
    expect(stats.retries).toEqual({ timeout: 0, garbled: 0 });
    const toGateway = g.sim.bus.log.frames(
      (f) => f.destination === FIELD_GATEWAY_ADDRESS && f.source === 1 && f.command !== Command.SERVICE,
    );
    expect(toGateway.length).toBeGreaterThan(0);
  });
});
