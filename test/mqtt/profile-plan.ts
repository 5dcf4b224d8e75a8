/**
 * The discovery plan of the bundled simulator profile, built without a bus: definitions from the
 * simulated controller's and panel's descriptors, values as the profile has them. Deterministic, so
 * it feeds the golden files (`npx tsx scripts/regenerate-mqtt-golden.ts`).
 */

import { buildPlan, type PublishPlan } from "../../src/bridges/mqtt/plan.js";
import { bridgeTopics, UID_INDEX, uidOf } from "../../src/bridges/mqtt/topics.js";
import type { MqttPublishSelection } from "../../src/config/index.js";
import { Simulation } from "../../src/sim/index.js";
import { definitionFromDescriptor } from "../../src/store/definition.js";
import { ParameterStore } from "../../src/store/parameter-store.js";

export const GOLDEN_BASE_TEMPLATE = "econet-gm3/{uid}";
export const GOLDEN_PREFIX = "homeassistant";

/** Entities kept as golden files: one or more of every kind the rules produce. */
export const GOLDEN_INDICES = [
  0, // string sensor (diagnostic)
  68, // temperature sensor
  61, // DHW temperature (gate)
  83, // enum sensor
  103, // number with referenced limits
  115, // switch without declared limits
  135, // switch with limits 0..1
  119, // select
  162, // select with a read alias
  120, // schedule number
  288, // float number (circuit 2 comfort temperature; circuit 2 is the active one)
  1047, // power sensor
  1196, // int16 tenths
  1208, // pressure (bar)
  1285, // energy counter (÷100)
  1348, // bool sensor (binary_sensor) — not in the default set, see `all`
  1369, // button
] as const;

export function profileStore(): ParameterStore {
  const sim = new Simulation({ poller: false });
  const store = new ParameterStore({ ttlMs: 60_000, maxSize: 5_000 });
  const definitions = [];
  for (let i = 0; i < sim.controller.parameterCount; i++) {
    definitions.push(definitionFromDescriptor("regulator", i, sim.controller.space.descriptor(i)));
  }
  for (let i = 0; i < sim.panel.parameterCount; i++) {
    definitions.push(definitionFromDescriptor("panel", i, sim.panel.space.descriptor(i)));
  }
  store.setDefinitions(definitions, 0);
  for (const definition of definitions) {
    const space = definition.space === "panel" ? sim.panel.space : sim.controller.space;
    store.setValue(definition.index, space.getValue(definition.wireIndex), undefined, 0);
  }
  store.markPollComplete(0);
  return store;
}

export function profilePlan(
  selection: MqttPublishSelection = { mode: "default" },
  store = profileStore(),
): PublishPlan {
  const uid = uidOf(store.get(UID_INDEX));
  return buildPlan(store, {
    selection,
    topics: bridgeTopics({ baseTemplate: GOLDEN_BASE_TEMPLATE, discoveryPrefix: GOLDEN_PREFIX, uid }),
    uid,
    discovery: true,
    canWrite: (definition) => definition.space !== "panel",
  });
}

/** Golden file name → discovery topic, for the golden entities of a plan built with `all`. */
export function goldenConfigs(plan: PublishPlan): Map<string, { topic: string; config: unknown }> {
  const result = new Map<string, { topic: string; config: unknown }>();
  const wanted = new Set<string>([...GOLDEN_INDICES.map(String), "alarm_active", "last_alarm"]);
  for (const [topic, payload] of plan.configs) {
    const [, component, , objectId] = topic.split("/");
    if (!component || !objectId || !wanted.has(objectId)) continue;
    result.set(`${component}-${objectId}.json`, { topic, config: JSON.parse(payload) });
  }
  return result;
}

export const GOLDEN_DIR = new URL("./golden/", import.meta.url);
