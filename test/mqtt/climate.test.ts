/**
 * Climate per active circuit and the water heater over a real mosquitto and the simulated heat
 * pump: the discovery configs pass Home Assistant's rules for those platforms (ha-native-rules.ts)
 * and their templates, rendered with Jinja2 on the published state, give values HA accepts; commands
 * on the mode, preset and temperature topics become confirmed writes on the simulator and the state
 * follows; an out-of-range target is refused with a result message and no frame on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { Command } from "../../src/protocol/index.js";
import { renderTemplates } from "../helpers/jinja.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { eventually, type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { CLIMATE_ACTIONS, nativeRuleProblems } from "./ha-native-rules.js";
import { BASE, startBridge, UID } from "./harness.js";

const NODE = `econet_gm3_${UID}`;
const CLIMATE_CONFIG = `homeassistant/climate/${NODE}/circuit_2/config`;
const HEATER_CONFIG = `homeassistant/water_heater/${NODE}/dhw/config`;
const CLIMATE_STATE = `${BASE}/climate_2`;
const HEATER_STATE = `${BASE}/water_heater`;
/** Circuit 2 (the profile's active circuit): work state, settings word, comfort, eco, room setpoint. */
const C2 = { workState: 286, settings: 281, comfort: 288, eco: 289, roomSetpoint: 92, boost: 1433 };

describe("climate and water_heater over MQTT", () => {
  let broker: Mosquitto;
  let g: SimGateway;
  let observer: MqttObserver;
  let bridge: MqttBridge;
  const modifyFrames = () => g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM);
  const config = (topic: string) => JSON.parse(observer.latest(topic) ?? "{}") as Record<string, unknown>;
  const state = (topic: string) => JSON.parse(observer.latest(topic) ?? "{}") as Record<string, unknown>;

  /** Publishes a command and returns every result published for it until `count` arrived. */
  async function command(topic: string, payload: string, count = 1) {
    const since = observer.mark();
    await observer.publish(topic, payload);
    await observer.waitFor(
      () => observer.on(`${topic}/result`).filter((m) => m.seq >= since).length >= count,
      `${count} result(s) on ${topic}/result`,
      15_000,
    );
    return observer
      .on(`${topic}/result`)
      .filter((m) => m.seq >= since)
      .map((m) => JSON.parse(m.payload) as Record<string, unknown>);
  }

  async function stateBecomes(topic: string, expected: Record<string, unknown>) {
    await observer.waitFor(
      () => {
        const now = state(topic);
        return Object.entries(expected).every(([k, v]) => now[k] === v);
      },
      `${topic} ⊇ ${JSON.stringify(expected)}`,
    );
  }

  beforeAll(async () => {
    broker = await Mosquitto.start();
    // No wired-thermostat copies into circuit 2 (286/288/289/290): they would overwrite the writes under test.
    g = await startSimGateway({ sim: { liveValues: false, thermostatCopies: [] } });
    observer = await MqttObserver.connect(broker.url, [`${BASE}/#`, "homeassistant/#"]);
    bridge = startBridge(g, broker.url);
    await observer.waitForMessage(`${BASE}/availability`, { payload: "online" });
    await observer.waitForMessage(CLIMATE_CONFIG);
    await observer.waitForMessage(CLIMATE_STATE);
  });

  afterAll(async () => {
    await bridge?.stop();
    await observer?.close();
    await g?.stop();
    await broker?.stop();
  });

  it("publishes a climate for each active circuit only, and one water heater", () => {
    const climates = observer.messages.filter(
      (m) => m.topic.startsWith(`homeassistant/climate/${NODE}/`) && m.payload !== "",
    );
    expect(new Set(climates.map((m) => m.topic))).toEqual(new Set([CLIMATE_CONFIG]));
    expect(observer.latest(HEATER_CONFIG)).toBeDefined();
  });

  it("passes Home Assistant's rules for climate and water_heater configs", () => {
    const climate = config(CLIMATE_CONFIG);
    const heater = config(HEATER_CONFIG);
    expect(nativeRuleProblems("climate", climate)).toEqual([]);
    expect(nativeRuleProblems("water_heater", heater)).toEqual([]);
    expect(climate).toMatchObject({
      modes: ["off", "heat", "auto", "cool"],
      preset_modes: ["comfort", "eco", "schedule", "boost"],
      min_temp: 10,
      max_temp: 35,
      temp_step: 0.1,
      mode_command_topic: `${BASE}/climate_2_mode/set`,
      availability_topic: `${BASE}/availability`,
    });
    expect(heater).toMatchObject({ modes: ["off", "heat_pump", "eco"], min_temp: 35, max_temp: 65 });
  });

  it("renders the templates on the published states into values HA accepts", () => {
    const climate = config(CLIMATE_CONFIG);
    const heater = config(HEATER_CONFIG);
    const climateState = observer.latest(CLIMATE_STATE)!;
    const heaterState = observer.latest(HEATER_STATE)!;
    const keys = [
      "mode_state_template",
      "preset_mode_value_template",
      "temperature_state_template",
      "current_temperature_template",
      "action_template",
    ];
    const [mode, preset, target, current, action] = renderTemplates(
      keys.map((key) => ({ template: climate[key] as string, value: climateState })),
    );
    expect(climate.modes).toContain(mode);
    expect(climate.preset_modes).toContain(preset);
    // The gateway's view of the active preset's setpoint (the simulated panel may move the controller's meanwhile).
    const comfort = g.core.store.get(C2.comfort)?.value as number;
    expect(g.core.store.get(C2.roomSetpoint)?.value).toBe(comfort);
    expect(Number(target)).toBeCloseTo(comfort, 2);
    expect(Number.isFinite(Number(current))).toBe(true);
    expect(CLIMATE_ACTIONS).toContain(action);
    const [heaterMode, heaterTarget, heaterCurrent] = renderTemplates(
      ["mode_state_template", "temperature_state_template", "current_temperature_template"].map((key) => ({
        template: heater[key] as string,
        value: heaterState,
      })),
    );
    expect(heater.modes).toContain(heaterMode);
    expect(Number(heaterTarget)).toBe(g.core.store.get(103)?.value);
    expect(Number.isFinite(Number(heaterCurrent))).toBe(true);
    // No value yet renders as None (HA's unknown), not as "null".
    const [none] = renderTemplates([
      { template: climate.current_temperature_template as string, value: '{"current": null}' },
    ]);
    expect(none).toBe("None");
  });

  it("preset eco: work state 2 confirmed, then the target is the eco setpoint", async () => {
    const [result] = await command(`${BASE}/climate_2_preset/set`, "eco");
    expect(result).toMatchObject({ success: true, index: C2.workState, new_value: 2, state: "confirmed" });
    expect(g.sim.controller.getValue(C2.workState)).toBe(2);
    await stateBecomes(CLIMATE_STATE, { preset: "eco", target: g.sim.controller.getValue(C2.eco) });
  });

  it("target temperature in eco goes to the eco setpoint (0.1 steps)", async () => {
    const [result] = await command(`${BASE}/climate_2_temperature/set`, "18.4");
    expect(result).toMatchObject({ success: true, index: C2.eco, state: "confirmed" });
    expect(g.sim.controller.getValue(C2.eco)).toBeCloseTo(18.4, 2);
    await stateBecomes(CLIMATE_STATE, { target: 18.4 });
  });

  it("refuses an out-of-range target with a result message and sends no frame", async () => {
    const before = modifyFrames().length;
    const [result] = await command(`${BASE}/climate_2_temperature/set`, "50");
    expect(result).toMatchObject({ success: false, index: C2.eco, sent: false });
    expect(String(result!.detail)).toMatch(/35/);
    const [heater] = await command(`${BASE}/water_heater_temperature/set`, "80");
    expect(heater).toMatchObject({ success: false, index: 103, sent: false });
    expect(modifyFrames()).toHaveLength(before);
  });

  it("mode off writes work state 0; heat writes the settings word and turns the circuit back on", async () => {
    const [off] = await command(`${BASE}/climate_2_mode/set`, "off");
    expect(off).toMatchObject({ success: true, index: C2.workState, new_value: 0 });
    await stateBecomes(CLIMATE_STATE, { mode: "off", action: "off" });
    const settingsBefore = Number(g.sim.controller.getValue(C2.settings));
    const results = await command(`${BASE}/climate_2_mode/set`, "heat", 2);
    const expectedWord = (settingsBefore & ~(1 << 20) & ~(1 << 17)) >>> 0;
    expect(results).toMatchObject([
      { success: true, index: C2.settings, new_value: expectedWord },
      { success: true, index: C2.workState, new_value: 1 },
    ]);
    expect(g.sim.controller.getValue(C2.settings)).toBe(expectedWord);
    await stateBecomes(CLIMATE_STATE, { mode: "heat", preset: "comfort" });
  });

  it("refuses an unknown mode and preset with a message, without writing", async () => {
    const before = modifyFrames().length;
    const [mode] = await command(`${BASE}/climate_2_mode/set`, "dry");
    expect(mode).toMatchObject({ success: false, error: "invalid-value", sent: false });
    const [preset] = await command(`${BASE}/climate_2_preset/set`, "away");
    expect(preset).toMatchObject({ success: false, error: "invalid-value", sent: false });
    expect(modifyFrames()).toHaveLength(before);
  });

  it("boost writes 60 minutes; schedule cancels it first", async () => {
    const [boost] = await command(`${BASE}/climate_2_preset/set`, "boost");
    expect(boost).toMatchObject({ success: true, index: C2.boost, new_value: 60 });
    await stateBecomes(CLIMATE_STATE, { preset: "boost" });
    const results = await command(`${BASE}/climate_2_preset/set`, "schedule", 2);
    expect(results).toMatchObject([
      { success: true, index: C2.boost, new_value: 0 },
      { success: true, index: C2.workState, new_value: 3 },
    ]);
    await stateBecomes(CLIMATE_STATE, { preset: "schedule" });
  });

  it("water heater: mode eco writes DHW mode 2, a target writes 103, and the state follows", async () => {
    const [mode] = await command(`${BASE}/water_heater_mode/set`, "eco");
    expect(mode).toMatchObject({ success: true, index: 119, new_value: 2 });
    const [target] = await command(`${BASE}/water_heater_temperature/set`, "52");
    expect(target).toMatchObject({ success: true, index: 103, new_value: 52 });
    await eventually(() => g.sim.controller.getValue(103) === 52, "103 = 52 on the simulator");
    await stateBecomes(HEATER_STATE, { mode: "eco", target: 52 });
    const [on] = await command(`${BASE}/water_heater_mode/set`, "heat_pump");
    expect(on).toMatchObject({ success: true, index: 119, new_value: 1 });
    await stateBecomes(HEATER_STATE, { mode: "heat_pump" });
  });
});
