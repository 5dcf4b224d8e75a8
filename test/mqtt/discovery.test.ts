import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { componentOf, type EntityInput } from "../../src/bridges/mqtt/ha/entity.js";
import { dependencyKey } from "../../src/bridges/mqtt/plan.js";
import { stateLevels } from "../../src/bridges/mqtt/topics.js";
import { TypeCode } from "../../src/protocol/index.js";
import type { ParameterDefinition } from "../../src/store/definition.js";
import { GOLDEN_DIR, goldenConfigs, profilePlan, profileStore } from "./profile-plan.js";

const UID = "2L7SDPN6KQ38CIH2401K01U";

function config(plan: ReturnType<typeof profilePlan>, component: string, objectId: string) {
  const payload = plan.configs.get(`homeassistant/${component}/econet_gm3_${UID}/${objectId}/config`);
  return payload === undefined ? undefined : (JSON.parse(payload) as Record<string, unknown>);
}

function definition(overrides: Partial<ParameterDefinition>): ParameterDefinition {
  return {
    index: 5000,
    space: "regulator",
    wireIndex: 5000,
    name: "Test",
    rawName: "Test",
    type: TypeCode.UINT8,
    typeByte: 0x34,
    unit: { raw: "", code: 0, symbol: "" },
    writable: true,
    min: { kind: "none" },
    max: { kind: "none" },
    exposed: true,
    ...overrides,
  };
}

function input(overrides: Partial<ParameterDefinition>, extra: Partial<EntityInput> = {}): EntityInput {
  return {
    definition: definition(overrides),
    limits: { min: null, max: null },
    hint: undefined,
    level: "Test",
    writable: true,
    ...extra,
  };
}

describe("Home Assistant discovery payloads", () => {
  it("match the golden files (regenerate: npx tsx scripts/regenerate-mqtt-golden.ts)", () => {
    const golden = goldenConfigs(profilePlan({ mode: "all" }));
    const files = readdirSync(GOLDEN_DIR).filter((file) => file.endsWith(".json"));
    expect(files.sort()).toEqual([...golden.keys()].sort());
    for (const file of files) {
      const stored = JSON.parse(readFileSync(new URL(file, GOLDEN_DIR), "utf8")) as unknown;
      expect(stored, file).toEqual(golden.get(file));
    }
  });

  it("gives every entity a unique id from the UID and the index that survives a restart", () => {
    const first = profilePlan({ mode: "all" });
    const again = profilePlan({ mode: "all" });
    expect([...again.configs]).toEqual([...first.configs]);
    const ids = [...first.configs.values()].map(
      (payload) => (JSON.parse(payload) as { unique_id: string }).unique_id,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(config(first, "sensor", "68")?.unique_id).toBe(`econet_gm3_${UID}_68`);
  });

  it("chooses platforms by rules: selects for known value sets, switches for 0/1, numbers with ranges", () => {
    const plan = profilePlan();
    for (const index of [119, 1133, 1385, 1386, 162])
      expect(config(plan, "select", String(index)), `${index}`).toBeDefined();
    // A uint32 without declared limits: its other values are shown as `unknown_other` (enum-maps.test.ts).
    expect(config(plan, "select", "1133")).toMatchObject({
      options: ["off", "on", "schedule", "unknown_other"],
      command_template:
        "{% set m = {'off': 0, 'on': 1, 'schedule': 2} %}{{ m[value] if value in m else value }}",
    });
    for (const index of [115, 135, 485])
      expect(config(plan, "switch", String(index)), `${index}`).toBeDefined();
    expect(config(plan, "number", "103")).toMatchObject({
      min: 35,
      max: 65,
      step: 1,
      unit_of_measurement: "°C",
    });
    expect(config(plan, "number", "702")).toMatchObject({ min: 22, max: 30 });
    expect(config(plan, "number", "120")).toMatchObject({
      min: 0,
      max: 4294967295,
      entity_category: "config",
    });
    expect(config(plan, "sensor", "1285")).toMatchObject({
      device_class: "energy",
      state_class: "total_increasing",
    });
    expect(config(plan, "sensor", "1208")).toMatchObject({
      device_class: "pressure",
      unit_of_measurement: "bar",
    });
    expect(config(plan, "sensor", "83")).toMatchObject({
      device_class: "enum",
      options: ["ch", "dhw", "unknown_1", "unknown_2", "unknown_other"],
    });
    expect(config(plan, "button", "1369")).toMatchObject({ payload_press: "1" });
    expect(config(plan, "binary_sensor", "alarm_active")).toMatchObject({ device_class: "problem" });
    // A string the controller calls writable is still shown read-only: strings are not written over MQTT.
    expect(config(plan, "sensor", "377")).toBeDefined();
  });

  it("describes the controller as a device: UID, model from Nazwa, firmware from PS and HV", () => {
    expect(config(profilePlan(), "sensor", "68")?.device).toEqual({
      identifiers: [`econet_gm3_${UID}`],
      name: "ecoMAX360i",
      manufacturer: "Plum",
      model: "ecoMAX360i",
      sw_version: "S024.25",
      hw_version: "H2.3.0",
      serial_number: "1008026009",
    });
  });

  it("publishes the default set: every parameter behind the integration's entities", () => {
    const plan = profilePlan();
    // A sample from each table of HA-COMPAT.md §10–§11 (controller, DHW, heat pump, circuits, schedules).
    for (const index of [
      0, 10, 68, 162, 485, 61, 103, 119, 1431, 1133, 1285, 1369, 279, 288, 327, 42, 926, 1400,
    ]) {
      expect(plan.stateTopics.has(index), `index ${index}`).toBe(true);
    }
    expect(plan.stateTopics.has(1348)).toBe(false);
    expect(plan.stateTopics.size).toBeGreaterThan(350);
    expect(profilePlan({ mode: "all" }).stateTopics.size).toBe(1774);
  });

  it("creates circuit entities only while the circuit is active, as the integration does", () => {
    const store = profileStore();
    const before = profilePlan({ mode: "default" }, store);
    // Circuit 1 is inactive in the profile: its state is published, its entities are not.
    expect(before.stateTopics.has(238)).toBe(true);
    expect(config(before, "number", "238")).toBeUndefined();
    expect(config(before, "number", "288")).toBeDefined();
    const key = dependencyKey(store, before.dependencies);
    store.setValue(279, 1, undefined, 1);
    expect(dependencyKey(store, before.dependencies)).not.toBe(key);
    expect(config(profilePlan({ mode: "default" }, store), "number", "238")).toBeDefined();
  });

  it("makes every entity read-only when writes are impossible (READ_ONLY, panel parameters)", () => {
    expect(componentOf(input({ type: TypeCode.FLOAT }, { writable: false }))).toBe("sensor");
    expect(componentOf(input({ type: TypeCode.BOOL }, { writable: false }))).toBe("binary_sensor");
    expect(componentOf(input({ type: TypeCode.UINT8, writable: false }))).toBe("sensor");
    expect(componentOf(input({ type: TypeCode.UINT8 }, { limits: { min: 0, max: 1 } }))).toBe("switch");
    expect(componentOf(input({ type: TypeCode.UINT8 }, { limits: { min: 0, max: 2 } }))).toBe("number");
    expect(componentOf(input({ type: TypeCode.BOOL }))).toBe("switch");
    expect(componentOf(input({ type: TypeCode.STRING }))).toBe("sensor");
    expect(
      componentOf(
        input({ type: TypeCode.UINT8 }, { hint: { label: "x", options: { 0: "a", 1: "b", 2: "c" } } }),
      ),
    ).toBe("select");
  });

  it("names state topics by parameter name; a repeated name keeps it at its lowest index", () => {
    const levels = stateLevels(profileStore().all());
    expect(levels.get(10)).toBe("UID");
    expect(levels.get(373)).toBe("UID_373");
    expect(levels.get(0)).toBe("PS");
    expect(levels.get(10010)).toBe("PS_10010");
    expect(new Set(levels.values()).size).toBe(levels.size);
  });

  it("reports names in an MQTT_PUBLISH list that match no parameter", () => {
    const plan = profilePlan({ mode: "list", names: ["TempWthr", "NoSuchName"], indices: [61] });
    expect([...plan.stateTopics.keys()]).toEqual([61, 68]);
    expect(plan.unknownNames).toEqual(["NoSuchName"]);
  });
});
