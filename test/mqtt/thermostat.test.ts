/**
 * Issue 16, the MQTT side of the virtual room thermostat, against a real mosquitto and the
 * simulated heat pump: a room temperature published on the gateway's command topic and on
 * THERMOSTAT_MQTT_TOPIC reaches the thermostat and, through the simulated panel's polls of it, the
 * controller's circuit 2 room temperature (parameter 327 on the profile) within two panel polls;
 * bad payloads are refused, logged at warn with the reason, and nothing is stored; staleness turns
 * the "Room temperature stale" binary sensor ON and a new value turns it OFF; the pair button opens
 * the pairing window. The core's own hook is not used here: the test puts a VirtualThermostat on
 * the gateway's bus itself (`bus.setResponder`), as the core will.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { eventually, type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { captureLines } from "../logging/capture.js";
import { BASE, startBridge, UID } from "./harness.js";

const STATE = `${BASE}/thermostat`;
const STALE = `${BASE}/thermostat/stale`;
const TEMPERATURE_SET = `${BASE}/thermostat/temperature/set`;
const PAIR_SET = `${BASE}/thermostat/pair/set`;
const SOURCE = "homeassistant-statestream/sensor/living_room_temperature/state";
const CONFIG = (component: string, id: string) => `homeassistant/${component}/econet_gm3_${UID}/${id}/config`;
/** Short enough to see staleness come and go in a test, long enough for a loaded machine. */
const MAX_AGE_MS = 3_000;

describe("MQTT and the virtual room thermostat", () => {
  let broker: Mosquitto;
  let g: SimGateway;
  let thermostat: VirtualThermostat;
  let observer: MqttObserver;
  let bridge: MqttBridge;
  let circuitTemp: number;
  const log = captureLines();
  const polls = { answered: 0 };

  async function resultOf(topic: string, payload: string, options: { retain?: boolean } = {}) {
    const since = observer.mark();
    await observer.publish(topic, payload, options);
    const seen = await observer.waitForMessage(`${topic}/result`, { after: since });
    return JSON.parse(seen.payload) as Record<string, unknown>;
  }

  /** Waits until the controller holds `value` in circuit 2's room temperature; returns the panel polls it took. */
  async function reachesController(value: number): Promise<number> {
    const before = polls.answered;
    await eventually(
      () => Math.abs((g.sim.controller.getValue(circuitTemp) as number) - value) < 1e-4,
      `the controller's Circuit2thermostatTemp = ${value}`,
      10_000,
    );
    return polls.answered - before;
  }

  const warnings = () =>
    log.json().filter((line) => line.event === "mqtt.command.refused" && line.level === 40);

  beforeAll(async () => {
    broker = await Mosquitto.start();
    g = await startSimGateway({ sim: { liveValues: false, wiredThermostat: false } });
    thermostat = await VirtualThermostat.open({ clock: g.core.clock, enabled: true, maxAgeMs: MAX_AGE_MS });
    g.core.bus.setResponder(thermostat);
    thermostat.startPairing();
    g.sim.panel.startPairing(60_000);
    await eventually(() => thermostat.status().pairing_state === "paired", "pairing by beacon", 30_000);
    const address = thermostat.status().bus_address!;
    g.sim.panel.on("thermostat-polled", (polled, answered) => {
      if (polled === address && answered) polls.answered++;
    });
    circuitTemp = g.sim.controllerIndexOf("Circuit2thermostatTemp")!;
    observer = await MqttObserver.connect(broker.url, [`${BASE}/#`, "homeassistant/#"]);
    bridge = startBridge(g, broker.url, {
      thermostat,
      thermostatSourceTopic: SOURCE,
      logger: pino({ level: "info" }, log.destination),
    });
    await observer.waitForMessage(`${BASE}/availability`, { payload: "online" });
  }, 60_000);

  afterAll(async () => {
    await bridge?.stop();
    await observer?.close();
    thermostat?.close();
    await g?.stop();
    await broker?.stop();
  });

  it("announces the room temperature, the stale problem sensor, the pairing state and the pair button", async () => {
    const configOf = async (component: string, id: string) =>
      JSON.parse((await observer.waitForMessage(CONFIG(component, id))).payload) as Record<string, unknown>;
    const device = { identifiers: [`econet_gm3_${UID}`] };
    expect(circuitTemp).toBe(327);
    expect(await configOf("sensor", "thermostat_temperature")).toMatchObject({
      unique_id: `econet_gm3_${UID}_thermostat_temperature`,
      state_topic: STATE,
      value_template: "{{ value_json.effective_temperature }}",
      device_class: "temperature",
      unit_of_measurement: "°C",
      state_class: "measurement",
      json_attributes_topic: STATE,
      availability_topic: `${BASE}/availability`,
      device,
    });
    expect(await configOf("binary_sensor", "thermostat_stale")).toMatchObject({
      name: "Room temperature stale",
      state_topic: STALE,
      device_class: "problem",
      payload_on: "ON",
      payload_off: "OFF",
      device,
    });
    expect(await configOf("sensor", "thermostat_pairing")).toMatchObject({
      state_topic: STATE,
      value_template: "{{ value_json.pairing_state }}",
    });
    expect(await configOf("button", "thermostat_pair")).toMatchObject({
      name: "Pair thermostat",
      command_topic: PAIR_SET,
      payload_press: "PAIR",
    });
    const state = JSON.parse((await observer.waitForMessage(STATE)).payload) as Record<string, unknown>;
    expect(state).toMatchObject({ enabled: true, pairing_state: "paired", effective_source: "fallback" });
  });

  it("takes a number on the command topic: answered, stored, and on the controller within two panel polls", async () => {
    const result = await resultOf(TEMPERATURE_SET, "21.5");
    expect(result).toMatchObject({ success: true, temperature: 21.5 });
    expect(thermostat.status()).toMatchObject({ temperature: 21.5, effective_source: "ha", is_stale: false });
    expect(await reachesController(21.5)).toBeLessThanOrEqual(2);
    await observer.waitForMessage(STATE, { payload: (p) => JSON.parse(p).temperature === 21.5 });
  });

  it("takes JSON with a humidity on the command topic", async () => {
    const result = await resultOf(TEMPERATURE_SET, '{"temperature": 22.25, "humidity": 48}');
    expect(result).toMatchObject({ success: true, temperature: 22.25, humidity: 48 });
    expect(thermostat.status()).toMatchObject({ temperature: 22.25, humidity: 48 });
    expect(await reachesController(22.25)).toBeLessThanOrEqual(2);
  });

  it("takes a sensor's state from THERMOSTAT_MQTT_TOPIC, with no answer there", async () => {
    const since = observer.mark();
    await observer.publish(SOURCE, "23.4");
    await eventually(() => thermostat.status().temperature === 23.4, "the source topic's value stored");
    expect(await reachesController(23.4)).toBeLessThanOrEqual(2);
    expect(observer.messages.filter((m) => m.seq >= since && m.topic.startsWith(`${SOURCE}/`))).toEqual([]);
  });

  it("refuses what is not a room temperature on the command topic: answered, warned, nothing stored", async () => {
    const before = thermostat.status().temperature;
    const bad = [
      "warm",
      "NaN",
      "Infinity",
      "1e400",
      "60.5",
      "-31",
      '{"humidity": 40}',
      '{"temperature": "21"}',
    ];
    for (const payload of bad) {
      const warned = warnings().length;
      const result = await resultOf(TEMPERATURE_SET, payload);
      expect(result, payload).toMatchObject({ success: false, error: "bad-temperature" });
      expect(String(result.detail), payload).toMatch(/nothing was stored/);
      expect(warnings().length, payload).toBe(warned + 1);
      expect(String(warnings().at(-1)?.reason)).toBe(result.detail);
      expect(thermostat.status().temperature, payload).toBe(before);
    }
    expect(await resultOf(TEMPERATURE_SET, "20", { retain: true })).toMatchObject({
      success: false,
      error: "retained",
    });
    await observer.publish(TEMPERATURE_SET, "", { retain: true });
    expect(thermostat.status().temperature).toBe(before);
  });

  it("refuses what is not a room temperature on THERMOSTAT_MQTT_TOPIC: warned with the reason, nothing stored", async () => {
    const before = thermostat.status().temperature;
    for (const payload of ["unavailable", "NaN", "75", '{"temperature": 21}']) {
      const warned = warnings().length;
      await observer.publish(SOURCE, payload);
      await eventually(() => warnings().length === warned + 1, `a warning for ${payload}`);
      const warning = warnings().at(-1)!;
      expect(warning.topic).toBe(SOURCE);
      expect(String(warning.reason)).toMatch(/nothing was stored/);
    }
    expect(thermostat.status().temperature).toBe(before);
  });

  it("publishes the stale binary sensor ON when the feed stops and OFF when it resumes", async () => {
    await observer.publish(TEMPERATURE_SET, "20.5");
    await observer.waitFor(() => observer.latest(STALE) === "OFF", "the stale sensor OFF after a value");
    let since = observer.mark();
    // Nothing more is sent: after MAX_AGE_MS the watch (1 s) sees it stale.
    const on = await observer.waitForMessage(STALE, {
      payload: "ON",
      after: since,
      timeoutMs: MAX_AGE_MS + 5_000,
    });
    expect(on.retain).toBe(false);
    const state = JSON.parse(observer.latest(STATE)!) as Record<string, unknown>;
    expect(state).toMatchObject({ is_stale: true, temperature: 20.5, effective_temperature: 20.5 });
    since = observer.mark();
    await observer.publish(SOURCE, "20.75");
    await observer.waitForMessage(STALE, { payload: "OFF", after: since });
    expect(JSON.parse(observer.latest(STATE)!)).toMatchObject({ is_stale: false, effective_source: "ha" });
  });

  it("opens the pairing window from the button, and a second press answers with the state it is in", async () => {
    const first = await resultOf(PAIR_SET, "PAIR");
    expect(first).toMatchObject({ success: true, pairing_state: "pairing_requested" });
    expect(thermostat.status().pairing_state).toBe("pairing_requested");
    const second = await resultOf(PAIR_SET, "PAIR");
    expect(second).toMatchObject({ success: false, error: "window-open" });
    expect(String(second.detail)).toMatch(/pairing_requested|beacon_responded/);
    await observer.waitForMessage(STATE, {
      payload: (p) => JSON.parse(p).pairing_state === "pairing_requested",
    });
  });
});

describe("MQTT without a virtual thermostat", () => {
  it("subscribes to and publishes nothing of it, disabled or absent", async () => {
    const broker = await Mosquitto.start();
    const g = await startSimGateway({ sim: { liveValues: false } });
    const disabled = await VirtualThermostat.open({ clock: g.core.clock, enabled: false });
    const observer = await MqttObserver.connect(broker.url, ["#"]);
    try {
      for (const thermostat of [undefined, disabled]) {
        const since = observer.mark();
        const bridge = startBridge(g, broker.url, { thermostat, thermostatSourceTopic: SOURCE });
        await observer.waitForMessage(`${BASE}/availability`, { payload: "online", after: since });
        await observer.waitForMessage(CONFIG("binary_sensor", "alarm_active"), { after: since });
        await observer.publish(TEMPERATURE_SET, "21");
        await observer.publish(SOURCE, "21");
        await new Promise((resolve) => setTimeout(resolve, 300));
        await bridge.stop();
        const seen = observer.messages.filter((m) => m.seq >= since);
        expect(seen.filter((m) => m.topic.includes("thermostat_") || m.topic.startsWith(STATE))).toEqual(
          seen.filter((m) => m.topic === TEMPERATURE_SET),
        );
        expect(disabled.status().temperature).toBeNull();
      }
    } finally {
      await observer.close();
      await g.stop();
      await broker.stop();
    }
  }, 60_000);
});
