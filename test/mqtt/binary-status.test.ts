/**
 * The 0/1 statuses of the default set (circuit pumps ×7, circuits active ×7, DHW heating) are
 * binary sensors: pumps and DHW heating with device class `running`, and their template — rendered
 * with Jinja2 as Home Assistant does — turns 0 into OFF, anything above into ON, no value into None.
 */
import { describe, expect, it } from "vitest";
import { renderTemplates } from "../helpers/jinja.js";
import { profilePlan, profileStore } from "./profile-plan.js";

const PUMPS = [1353, 1354, 1355, 1356, 1357, 1358, 1359];
const ACTIVE = [279, 329, 901, 987, 1038, 781, 831];
const DHW_HEATING = 1361;

function configs(): Map<string, Record<string, unknown>> {
  const plan = profilePlan({ mode: "default" }, profileStore());
  return new Map([...plan.configs].map(([topic, payload]) => [topic, JSON.parse(payload)]));
}

describe("0/1 statuses as binary sensors", () => {
  const all = configs();
  const config = (component: string, index: number) =>
    all.get(`homeassistant/${component}/econet_gm3_2L7SDPN6KQ38CIH2401K01U/${index}/config`);

  it("publishes every one as binary_sensor, none as sensor", () => {
    for (const index of [...PUMPS, ...ACTIVE, DHW_HEATING]) {
      expect(config("binary_sensor", index), `binary_sensor ${index}`).toBeDefined();
      expect(config("sensor", index), `sensor ${index}`).toBeUndefined();
    }
  });

  it("classes pumps and DHW heating as running, and keeps them diagnostic", () => {
    for (const index of [...PUMPS, DHW_HEATING]) {
      expect(config("binary_sensor", index)).toMatchObject({
        device_class: "running",
        entity_category: "diagnostic",
        payload_on: "ON",
        payload_off: "OFF",
      });
    }
    expect(config("binary_sensor", 329)!.device_class).toBeUndefined();
  });

  it("renders 0 as OFF, above 0 as ON, no value as None", () => {
    const template = config("binary_sensor", 1354)!.value_template as string;
    const values = ["0", "1", "2", "None"];
    expect(renderTemplates(values.map((value) => ({ template, value })))).toEqual([
      "OFF",
      "ON",
      "ON",
      "None",
    ]);
  });
});
