/** THERMOSTAT_MQTT_TOPIC: empty by default, one topic without wildcards, and no effect without MQTT. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";

const load = (env: Record<string, string>) => loadConfig({ env, cwd: "/", pathExists: () => false });

describe("THERMOSTAT_MQTT_TOPIC", () => {
  it("is empty (none) by default and takes one topic", () => {
    expect(load({}).config.thermostatMqttTopic).toBe("");
    const topic = "homeassistant-statestream/sensor/living_room/state";
    expect(
      load({ MQTT_URL: "mqtt://127.0.0.1", THERMOSTAT_MQTT_TOPIC: topic }).config.thermostatMqttTopic,
    ).toBe(topic);
  });

  it("refuses wildcards and empty levels, naming the setting", () => {
    for (const topic of ["sensors/+/state", "sensors/#", "sensors//state", "/sensors"]) {
      let error: unknown;
      try {
        load({ MQTT_URL: "mqtt://127.0.0.1", THERMOSTAT_MQTT_TOPIC: topic });
      } catch (caught) {
        error = caught;
      }
      expect(error, topic).toBeInstanceOf(ConfigError);
      expect((error as Error).message, topic).toMatch(/THERMOSTAT_MQTT_TOPIC/);
    }
  });

  it("warns that it has no effect while MQTT is off", () => {
    const { warnings } = load({ THERMOSTAT_MQTT_TOPIC: "sensors/room" });
    expect(warnings.join("\n")).toMatch(/THERMOSTAT_MQTT_TOPIC has no effect: MQTT_URL is empty/);
  });
});
