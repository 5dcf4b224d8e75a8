/**
 * Issue 16 acceptance through the gateway as `gm3 serve` builds it: THERMOSTAT_ENABLED in the
 * configuration, the core opening the virtual thermostat on its bus folder and putting it on the
 * bus, the HTTP API answering through it — against the simulator at the field cadence on the
 * VirtualClock (field-gateway.ts), so simulated minutes run in seconds.
 */
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { coreOptionsFromConfig } from "../../src/app/core-options.js";
import { createApiServer } from "../../src/bridges/http/index.js";
import { GatewayCore } from "../../src/gateway/core.js";
import { THERMOSTAT_ADDRESS_RANGE } from "../../src/protocol/index.js";
import { type FieldApi, startFieldApi } from "../helpers/field-api.js";
import { valueOtherThanHeld } from "../helpers/field-gateway.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";
import { captureLines } from "../logging/capture.js";

const ENABLED = { THERMOSTAT_ENABLED: "true" };
/** The controller's parameter the panel copies circuit 2's thermostat reading into (PROTOCOL §17.1). */
const CIRCUIT2_ROOM_TEMPERATURE = 327;

let running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.reverse()) await r.stop();
  running = [];
});

async function start(options: Parameters<typeof startFieldApi>[0] = {}): Promise<FieldApi> {
  const g = await startFieldApi({ ...options, env: { ...ENABLED, ...options.env } });
  running.push(g);
  return g;
}

const json = { "content-type": "application/json" };
const postTemperature = (app: FastifyInstance, body: unknown) =>
  app.inject({
    method: "POST",
    url: "/api/thermostat/temperature",
    headers: json,
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
/** As Home Assistant's client (aiohttp) posts it: no body, `Content-Type: application/octet-stream`. */
const pair = (app: FastifyInstance) =>
  app.inject({
    method: "POST",
    url: "/api/thermostat/pair",
    headers: { "content-type": "application/octet-stream", "content-length": "0" },
  });
const status = async (app: FastifyInstance) =>
  (await app.inject({ method: "GET", url: "/api/thermostat/status" })).json();

/** Panel polls of `address`, answered or failed, from now on. */
function countPolls(g: FieldApi, address: () => number | undefined) {
  const polls = { answered: 0, failed: 0 };
  g.sim.panel.on("thermostat-polled", (polled, answered) => {
    if (polled === address()) polls[answered ? "answered" : "failed"]++;
  });
  return polls;
}

/** Pairs by beacon: POST /pair (HA's switch), then the panel's pairing mode. */
async function pairByBeacon(g: FieldApi): Promise<number> {
  const res = await pair(g.app);
  expect(res.statusCode).toBe(200);
  g.sim.panel.startPairing(60_000);
  await g.runUntil(
    () => g.core.thermostat?.status().pairing_state === "paired" && g.sim.panel.thermostats.length === 1,
    "pairing by beacon",
    60_000,
  );
  return g.core.thermostat!.status().bus_address!;
}

describe("the virtual thermostat through the gateway (THERMOSTAT_ENABLED, field cadence)", () => {
  it("pairs by beacon after POST /pair; a second call answers with the state it is in; an HTTP temperature reaches parameter 327 within two panel polls", async () => {
    const g = await start();
    expect(g.sim.controllerIndexOf("Circuit2thermostatTemp")).toBe(CIRCUIT2_ROOM_TEMPERATURE);
    expect(await status(g.app)).toMatchObject({
      enabled: true,
      pairing_state: "unpaired",
      bus_address: null,
      effective_source: "fallback",
      effective_temperature: 19,
      is_stale: true,
    });

    const first = await pair(g.app);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      success: true,
      message: "Pairing requested, put panel in pairing mode within 60s",
      pairing_state: "pairing_requested",
      pairing_window_seconds: 60,
    });
    await g.runFor(5_000);
    const second = await pair(g.app);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ success: true, pairing_state: "pairing_requested" });
    expect(second.json().message).toMatch(/^Pairing already in progress \(pairing_requested, 55 s left\)/);

    g.sim.panel.startPairing(60_000);
    await g.runUntil(() => g.sim.panel.thermostats.length === 1, "the panel pairs it", 60_000);
    const address = g.sim.panel.thermostats[0]!;
    expect(await status(g.app)).toMatchObject({ pairing_state: "paired", bus_address: address });
    expect(g.sim.panel.stats.identityRejections).toBe(0);

    const polls = countPolls(g, () => address);
    const posted = await postTemperature(g.app, { temperature: 22.75, humidity: 48.2 });
    expect(posted.statusCode).toBe(200);
    expect(posted.json()).toMatchObject({
      success: true,
      temperature: 22.75,
      humidity: 48.2,
      forwarded_to_bus: true,
    });
    await g.runUntil(
      () => g.sim.controller.getValue(CIRCUIT2_ROOM_TEMPERATURE) === 22.75,
      "the controller's circuit 2 room temperature",
      40_000,
    );
    expect(polls.answered).toBeLessThanOrEqual(2);
    expect(polls.failed).toBe(0);
    expect(await status(g.app)).toMatchObject({
      temperature: 22.75,
      humidity: 48.2,
      effective_temperature: 22.75,
      effective_source: "ha",
      is_stale: false,
    });
    // The gateway's own poll reads it back from the controller.
    await g.runUntil(
      () => g.core.store.get(CIRCUIT2_ROOM_TEMPERATURE)?.value === 22.75,
      "polled back",
      60_000,
    );
  }, 120_000);

  it("pairs by the tentative IDENTIFY claim when nobody pressed pair in Home Assistant", async () => {
    const g = await start();
    await g.runFor(35_000); // a device table has been broadcast
    g.sim.panel.startPairing(120_000);
    await g.runUntil(
      () => g.core.thermostat?.status().pairing_state === "tentative",
      "the tentative claim",
      60_000,
    );
    await g.runUntil(() => g.core.thermostat?.status().pairing_state === "paired", "confirmed", 120_000);
    const address = (await status(g.app)).bus_address as number;
    expect(address).toBeGreaterThanOrEqual(THERMOSTAT_ADDRESS_RANGE.first);
    expect(address).toBeLessThanOrEqual(THERMOSTAT_ADDRESS_RANGE.last);
    expect(g.sim.panel.thermostats).toEqual([address]);
    expect(g.sim.panel.stats.identityRejections).toBe(0);
  }, 120_000);

  it("a restart keeps the pairing and the value: the panel's next poll is answered, never with 0.0", async () => {
    const g = await start({ useStateDir: true });
    const address = await pairByBeacon(g);
    expect((await postTemperature(g.app, { temperature: 21.3 })).statusCode).toBe(200);
    const seen: number[] = [];
    g.sim.panel.on("thermostat-polled", (polled, answered) => {
      if (polled === address && answered) seen.push(g.sim.panel.thermostatValues(address).get(0) as number);
    });
    await g.runFor(30_000);

    // The gateway restarts (the panel keeps its pairing): a new core on the same STATE_DIR.
    await g.settle(g.core.stop(), "the first core's stop", 30_000);
    const options = coreOptionsFromConfig(g.config, {
      logger: pino({ level: "silent" }),
      attachSimulator: () => g.sim.attach("gateway"),
    });
    const core = new GatewayCore({ ...options, stateDir: g.stateDir, clock: gatewayClockOn(g.clock) });
    running.push({ stop: () => g.settle(core.stop(), "the second core's stop", 30_000) });
    await core.prepare();
    expect(core.thermostat!.status()).toMatchObject({
      pairing_state: "paired",
      bus_address: address,
      temperature: 21.3,
      effective_temperature: 21.3,
      effective_source: "persisted",
      is_stale: false,
    });
    const app = await createApiServer({
      core,
      config: g.config,
      logger: pino({ level: "silent" }),
      version: "0.0.0-test",
    });
    running.push({ stop: () => app.close() });
    await core.start();
    const after = { answered: 0, failed: 0 };
    const restartedAt = g.clock.now();
    g.sim.panel.on("thermostat-polled", (polled, answered) => {
      if (polled === address && g.clock.now() > restartedAt + 15_000)
        after[answered ? "answered" : "failed"]++;
    });
    await g.runFor(120_000);
    expect(after.failed).toBe(0);
    expect(after.answered).toBeGreaterThanOrEqual(8);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.every((value) => value === 21.3)).toBe(true);
    expect(g.sim.controller.getValue(CIRCUIT2_ROOM_TEMPERATURE)).toBe(21.3);
    expect(await status(app)).toMatchObject({ bus_address: address, effective_source: "persisted" });
    // Home Assistant's next post takes over.
    expect((await postTemperature(app, { temperature: 21.6 })).statusCode).toBe(200);
    await g.runUntil(
      () => g.sim.controller.getValue(CIRCUIT2_ROOM_TEMPERATURE) === 21.6,
      "new value",
      40_000,
    );
  }, 180_000);

  it("a link loss and reconnect keep the same thermostat, paired, with its value: the panel's polls after it are answered, never with 0.0", async () => {
    const g = await start();
    const address = await pairByBeacon(g);
    const thermostat = g.core.thermostat;
    expect((await postTemperature(g.app, { temperature: 20.8 })).statusCode).toBe(200);
    await g.runUntil(() => g.sim.panel.thermostatValues(address).get(0) === 20.8, "the value", 40_000);
    const seen: number[] = [];
    g.sim.panel.on("thermostat-polled", (polled, answered) => {
      if (polled === address && answered) seen.push(g.sim.panel.thermostatValues(address).get(0) as number);
    });
    const reconnects = g.core.status().link.reconnects;
    g.sim.faults.unplug(15_000);
    await g.runUntil(() => g.core.status().link.reconnects > reconnects, "the reconnect", 60_000);
    const after = countPolls(g, () => address);
    await g.runFor(60_000);
    expect(g.core.thermostat).toBe(thermostat);
    expect(await status(g.app)).toMatchObject({
      pairing_state: "paired",
      bus_address: address,
      temperature: 20.8,
    });
    expect(after.failed).toBe(0);
    expect(after.answered).toBeGreaterThanOrEqual(5);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.every((value) => value === 20.8)).toBe(true);
    expect(g.sim.controller.getValue(CIRCUIT2_ROOM_TEMPERATURE)).toBe(20.8);
  }, 120_000);

  it("a stale feed: the real ecoSTER beside it takes over, /health and the log say so once, and Home Assistant's feed is given back", async () => {
    const log = captureLines();
    const g = await start({ logger: pino({ level: "info" }, log.destination) });
    const address = await pairByBeacon(g);
    expect((await postTemperature(g.app, { temperature: 23.5 })).statusCode).toBe(200);
    await g.runUntil(
      () => g.sim.controller.getValue(CIRCUIT2_ROOM_TEMPERATURE) === 23.5,
      "HA's value",
      40_000,
    );
    expect((await g.get("/health")).json()).toMatchObject({ status: "healthy", reason: null });

    // Before the first reading the feed was stale too ("no reading received yet"): one episode, ended.
    const before = log.json();
    expect(before.filter((line) => line.event === "thermostat.stale")).toHaveLength(1);
    expect(before.find((line) => line.event === "thermostat.stale")!.reason).toMatch(
      /no reading received yet/,
    );
    expect(before.filter((line) => line.event === "thermostat.fresh")).toHaveLength(1);
    // Home Assistant goes quiet for longer than THERMOSTAT_MAX_AGE (300 s).
    await g.runFor(310_000);
    const wired = g.sim.panel.thermostatValues(165).get(0) as number;
    expect(wired).toBeTypeOf("number");
    expect(wired).not.toBe(23.5);
    const near = (value: unknown) => typeof value === "number" && Math.abs(value - wired) < 0.5;
    const stale = await status(g.app);
    expect(stale).toMatchObject({ is_stale: true, effective_source: "backup:165", temperature: 23.5 });
    expect(near(stale.effective_temperature)).toBe(true);
    // The virtual thermostat now answers the panel with the ecoSTER's reading, and the circuit gets it.
    await g.runUntil(
      () =>
        near(g.sim.panel.thermostatValues(address).get(0)) &&
        near(g.sim.controller.getValue(CIRCUIT2_ROOM_TEMPERATURE)),
      "the backup's reading in the circuit",
      40_000,
    );
    const health = await g.get("/health");
    expect(health.statusCode).toBe(503);
    expect(health.json().status).toBe("degraded");
    expect(health.json().reason).toMatch(
      /^room temperature stale: no reading for 3\d\d s \(THERMOSTAT_MAX_AGE 300 s\), the controller is told .* °C from the real ecoSTER at address 165 \(backup\)$/,
    );
    await g.runFor(120_000); // still stale: no second warning
    const warnings = log
      .json()
      .slice(before.length)
      .filter((line) => line.event === "thermostat.stale");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, source: "backup:165" });

    expect((await postTemperature(g.app, { temperature: 22.0 })).statusCode).toBe(200);
    expect(await status(g.app)).toMatchObject({ is_stale: false, effective_source: "ha" });
    await g.runUntil(
      () => g.sim.controller.getValue(CIRCUIT2_ROOM_TEMPERATURE) === 22,
      "HA's feed again",
      40_000,
    );
    await g.runFor(10_000);
    expect((await g.get("/health")).json()).toMatchObject({ status: "healthy", reason: null });
    const fresh = log
      .json()
      .slice(before.length)
      .filter((line) => line.event === "thermostat.fresh");
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatchObject({ level: 30, temperature: 22 });
  }, 180_000);

  it("every panel poll answered over 30 simulated minutes while Home Assistant posts every 10 s and the gateway polls and writes", async () => {
    const g = await start();
    const address = await pairByBeacon(g);
    const polls = countPolls(g, () => address);
    const pollCycles = g.core.status().poll.cycles;
    let confirmedWrites = 0;
    let late = 0;
    const start0 = g.clock.now();
    for (let cycle = 0; cycle < 180; cycle++) {
      const temperature = 20 + (cycle % 30) / 10;
      // HA's update cycle: parameters, alarms, temperature, status.
      expect((await g.get("/api/parameters")).statusCode).toBe(200);
      expect((await postTemperature(g.app, { temperature })).statusCode).toBe(200);
      expect((await status(g.app)).effective_temperature).toBe(temperature);
      if (cycle % 30 === 0) {
        const value = valueOtherThanHeld(g, 702);
        const res = await g.settle(g.post("SummerOn", value), "a write", 60_000);
        expect(res.statusCode).toBe(200);
        // Confirmed within WRITE_WAIT, or queued (200 + write_id) and confirmed later.
        const id = res.json().write_id as string | undefined;
        if (id !== undefined) {
          await g.runUntil(
            () => g.core.writes.get(id)?.state !== "queued" && g.core.writes.get(id)?.state !== "sending",
            "the queued write",
            60_000,
          );
          if (g.core.writes.get(id)?.state === "confirmed") confirmedWrites++;
        } else if (res.json().confirmation !== "queued") confirmedWrites++;
      }
      await g.runFor(Math.max(0, start0 + 10_000 * (cycle + 1) - g.clock.now()));
      if (cycle % 6 === 5) {
        // Two panel polls at most behind HA's value.
        await g.runFor(0);
        if (Math.abs((g.sim.controller.getValue(CIRCUIT2_ROOM_TEMPERATURE) as number) - temperature) > 0.31)
          late++;
      }
    }
    expect(polls.failed).toBe(0);
    expect(polls.answered).toBeGreaterThanOrEqual(150);
    expect(g.sim.panel.stats.thermostatPollsFailed).toBe(0);
    expect(late).toBe(0);
    expect(confirmedWrites).toBe(6);
    expect(g.core.status().poll.cycles - pollCycles).toBeGreaterThanOrEqual(80);
  }, 300_000);
});

describe("bad input: nothing stored, nothing sent", () => {
  it.each([
    ["missing", "{}"],
    ["non-numeric", '{"temperature": "21.5"}'],
    ["null", '{"temperature": null}'],
    ["Infinity (1e400)", '{"temperature": 1e400}'],
    ["NaN", '{"temperature": NaN}'],
    ["too cold", '{"temperature": -30.5}'],
    ["too warm", '{"temperature": 60.01}'],
    ["bad humidity", '{"temperature": 21, "humidity": 140}'],
  ])(
    "temperature %s → 4xx, the panel's polls keep the last good value, the thermostat sends only its poll answers",
    async (_name, body) => {
      const g = await start();
      const address = await pairByBeacon(g);
      expect((await postTemperature(g.app, { temperature: 20.5 })).statusCode).toBe(200);
      await g.runUntil(() => g.sim.panel.thermostatValues(address).get(0) === 20.5, "the good value", 40_000);
      const from = g.clock.now();
      const res = await postTemperature(g.app, body);
      expect(res.statusCode, body).toBe(body.includes("NaN") ? 400 : 422);
      expect(await status(g.app)).toMatchObject({ temperature: 20.5, humidity: null });
      const values: number[] = [];
      g.sim.panel.on("thermostat-polled", (polled) => {
        if (polled === address) values.push(g.sim.panel.thermostatValues(address).get(0) as number);
      });
      await g.runFor(30_000);
      expect(values.length).toBeGreaterThanOrEqual(2);
      expect(values.every((v) => v === 20.5)).toBe(true);
      // Every frame from the thermostat's address answers a panel request to it: one each, nothing more.
      const since = (f: { timeMs: number }) => f.timeMs >= from;
      const sent = g.sim.bus.log.frames((f) => f.source === address).filter(since);
      const asked = g.sim.bus.log.frames((f) => f.source === 100 && f.destination === address).filter(since);
      expect(sent.length).toBeGreaterThan(0);
      expect(Math.abs(sent.length - asked.length)).toBeLessThanOrEqual(1); // one may be in flight at the cut
    },
    60_000,
  );

  it("disabled (the default): pair answers 409 and the thermostat never appears on the wire", async () => {
    const g = await start({ env: { THERMOSTAT_ENABLED: "false" } });
    expect(g.core.thermostat).toBeUndefined();
    const res = await pair(g.app);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/THERMOSTAT_ENABLED/);
    expect((await postTemperature(g.app, { temperature: 21 })).json()).toMatchObject({
      forwarded_to_bus: false,
    });
    g.sim.panel.startPairing(60_000);
    await g.runFor(90_000);
    const thermostatFrames = g.sim.bus.log.frames(
      (f, entry) =>
        entry.sender === "gateway" &&
        (f.source === 163 ||
          (f.source >= THERMOSTAT_ADDRESS_RANGE.first && f.source <= THERMOSTAT_ADDRESS_RANGE.last)),
    );
    expect(thermostatFrames).toEqual([]);
    expect(g.sim.panel.thermostats).toEqual([]);
  }, 60_000);
});
