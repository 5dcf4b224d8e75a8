/**
 * What the bridge publishes for the current definitions and values: the state topic of every
 * selected parameter and, with discovery on, the config of every entity whose gate is open.
 * Rebuilt when the definitions change, and when a value it depends on changes (gates, referenced
 * limits, the device's identity) — not on every poll.
 */
import { isExpertOnly } from "../../catalog/expert-parameters.js";
import type { MqttPublishSelection } from "../../config/index.js";
import type { ParameterDefinition, ParameterEntry, ParameterReadModel } from "../../port/index.js";
import { DEFAULT_CATALOG, type Gate } from "./ha/catalog.js";
import { DEVICE_INDICES, deviceInfo } from "./ha/device.js";
import { alarmEntities, type EntityContext, entityFor } from "./ha/entity.js";
import { linkHealthEntities } from "./ha/link-health.js";
import { type NativeSet, nativeSet } from "./ha/native.js";
import { NATIVE_CONFIG_INDICES, nativeEntities } from "./ha/native-entities.js";
import { type BridgeTopics, stateLevels } from "./topics.js";

/** A temperature of 999.0 means "no sensor fitted" (HA-COMPAT.md §5). */
const NO_SENSOR = 999;

export interface PlanOptions {
  selection: MqttPublishSelection;
  topics: BridgeTopics;
  uid: string;
  discovery: boolean;
  /** Whether a write to this parameter can reach the bus at all. */
  canWrite(definition: ParameterDefinition): boolean;
}

export interface PublishPlan {
  /** Index → state topic, for every selected parameter. */
  stateTopics: Map<number, string>;
  /** State topic → index (for `set` messages). */
  byTopic: Map<string, number>;
  /** Discovery topic → config JSON. */
  configs: Map<string, string>;
  /** Indices whose values shape the configs. */
  dependencies: Set<number>;
  /** Names of the MQTT_PUBLISH list that match no parameter. */
  unknownNames: string[];
  /** Climates and the water heater (with discovery on). */
  native: NativeSet;
}

export function selectedEntries(
  store: ParameterReadModel,
  selection: MqttPublishSelection,
): { entries: ParameterEntry[]; unknownNames: string[] } {
  const entries: ParameterEntry[] = [];
  const unknownNames: string[] = [];
  if (selection.mode === "list") {
    const indices = new Set<number>(selection.indices);
    for (const name of selection.names) {
      const index = store.indexOfName(name);
      if (index === undefined) unknownNames.push(name);
      else indices.add(index);
    }
    for (const index of [...indices].sort((a, b) => a - b)) {
      const entry = store.get(index);
      if (entry?.definition.exposed) entries.push(entry);
    }
    return { entries, unknownNames };
  }
  for (const entry of store.all()) {
    if (!entry.definition.exposed) continue;
    if (selection.mode === "all" || DEFAULT_CATALOG.has(entry.definition.index)) entries.push(entry);
  }
  return { entries, unknownNames };
}

export function gateOpen(store: ParameterReadModel, gate: Gate | undefined): boolean {
  if (!gate) return true;
  const value = store.get(gate.index)?.value;
  if (typeof value !== "number") return false;
  return gate.kind === "positive" ? value > 0 : value !== NO_SENSOR;
}

function referencedIndices(definition: ParameterDefinition): number[] {
  const offset = definition.index - definition.wireIndex;
  const result: number[] = [];
  for (const limit of [definition.min, definition.max]) {
    if (limit.kind === "reference") result.push(offset + limit.index);
  }
  return result;
}

export function buildPlan(store: ParameterReadModel, options: PlanOptions): PublishPlan {
  const { topics } = options;
  const { entries, unknownNames } = selectedEntries(store, options.selection);
  const levels = stateLevels(store.all());
  const stateTopics = new Map<number, string>();
  const byTopic = new Map<string, number>();
  const configs = new Map<string, string>();
  const dependencies = new Set<number>(Object.values(DEVICE_INDICES));
  const context: EntityContext = { topics, device: deviceInfo(store, options.uid), uid: options.uid };
  for (const entry of entries) {
    const { definition } = entry;
    const level = levels.get(definition.index);
    if (level === undefined) continue;
    const topic = `${topics.base}/${level}`;
    stateTopics.set(definition.index, topic);
    byTopic.set(topic, definition.index);
    // Service parameters (reset, flash, clock, test) are never offered as entities: a Home
    // Assistant button or number one click from a factory reset is what the expert gate prevents.
    if (!options.discovery || isExpertOnly(definition)) continue;
    const hint = DEFAULT_CATALOG.get(definition.index);
    if (hint?.gate) dependencies.add(hint.gate.index);
    for (const index of referencedIndices(definition)) dependencies.add(index);
    if (!gateOpen(store, hint?.gate)) continue;
    const entity = entityFor(
      {
        definition,
        limits: store.limitsOf(entry),
        hint,
        level,
        writable: options.canWrite(definition),
      },
      context,
    );
    configs.set(entity.topic, JSON.stringify(entity.config));
  }
  let native = nativeSet([]);
  if (options.discovery) {
    for (const entity of [...alarmEntities(context), ...linkHealthEntities(context)]) {
      configs.set(entity.topic, JSON.stringify(entity.config));
    }
    native = nativeEntities({
      store,
      context,
      writable: (index) => {
        const definition = store.get(index)?.definition;
        return definition?.writable === true && options.canWrite(definition);
      },
    });
    for (const { entity } of native.entities) configs.set(entity.topic, JSON.stringify(entity.config));
    for (const index of NATIVE_CONFIG_INDICES) dependencies.add(index);
  }
  return { stateTopics, byTopic, configs, dependencies, unknownNames, native };
}

/** The values a plan depends on, to tell cheaply whether it must be rebuilt. */
export function dependencyKey(store: ParameterReadModel, dependencies: ReadonlySet<number>): string {
  const parts: string[] = [];
  for (const index of dependencies) parts.push(`${index}=${String(store.get(index)?.value)}`);
  return parts.join("|");
}
