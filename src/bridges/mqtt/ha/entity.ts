/**
 * Which Home Assistant entity a parameter becomes, by rules on its type, unit, writability and
 * range, refined by the catalog's hints:
 *
 * - read-only (or writes impossible: READ_ONLY, panel parameters without ALLOW_PANEL_WRITES):
 *   `binary_sensor` for bools, an `enum` sensor where the catalog knows the values, else `sensor`;
 * - writable: `select` where the catalog knows the values, `switch` for bools and integers limited
 *   to 0..1, `number` with min/max/step for other numbers; strings stay sensors (never written
 *   over MQTT); `button` where the catalog says so.
 */

import type { ParameterDefinition, ResolvedLimits } from "../../../port/index.js";
import { isTypeCode, TYPE_INFO } from "../../../protocol/index.js";
import { type BridgeTopics, discoveryTopic } from "../topics.js";
import type { EntityHint } from "./catalog.js";
import { type DeviceInfo, deviceIdentifier, ORIGIN } from "./device.js";
import { allowedRange, optionSet } from "./options.js";
import { NO_SENSOR_TEMPLATE, NUMBER_DEVICE_CLASSES, unitClassOf } from "./units.js";

export type Component =
  | "sensor"
  | "binary_sensor"
  | "number"
  | "switch"
  | "select"
  | "button"
  | "climate"
  | "water_heater"
  | "event";

export interface EntityContext {
  topics: BridgeTopics;
  device: DeviceInfo;
  uid: string;
}

export interface DiscoveredEntity {
  component: Component;
  /** Discovery config topic. */
  topic: string;
  /** The config as an object (serialised once when published). */
  config: Record<string, unknown>;
}

/** Range of a writable float without declared limits nor a catalog range. */
const FLOAT_FALLBACK_RANGE = 10_000;
const INTEGER_STEP = 1;
const FLOAT_STEP = 0.1;
const SWITCH_ON = "1";
const SWITCH_OFF = "0";
/** A 0/1 status as a binary sensor; `None` (no value) stays unknown. */
export const ZERO_ONE_TEMPLATE =
  "{{ none if value == 'None' else ('ON' if (value | int(0)) > 0 else 'OFF') }}";

export interface EntityInput {
  definition: ParameterDefinition;
  limits: ResolvedLimits;
  hint: EntityHint | undefined;
  /** State topic level of this parameter. */
  level: string;
  /** A write can reach the bus (not READ_ONLY, not a refused panel write). */
  writable: boolean;
}

function kindOf(type: number): "integer" | "float" | "bool" | "string" | "unknown" {
  return isTypeCode(type) ? TYPE_INFO[type].kind : "unknown";
}

function rangeOf(input: EntityInput): { min: number; max: number } {
  const { limits, hint, definition } = input;
  if (limits.min !== null && limits.max !== null && limits.min < limits.max) {
    return { min: limits.min, max: limits.max };
  }
  if (hint?.min !== undefined && hint.max !== undefined) return { min: hint.min, max: hint.max };
  const info = isTypeCode(definition.type) ? TYPE_INFO[definition.type] : undefined;
  if (info?.kind === "integer" && info.min !== undefined && info.max !== undefined) {
    return { min: Number(info.min), max: Number(info.max) };
  }
  return { min: -FLOAT_FALLBACK_RANGE, max: FLOAT_FALLBACK_RANGE };
}

function isOnOff(input: EntityInput): boolean {
  if (kindOf(input.definition.type) !== "integer") return false;
  const { min, max } = rangeOf(input);
  return min === 0 && max === 1;
}

export function componentOf(input: EntityInput): Component {
  const { hint, definition } = input;
  const kind = kindOf(definition.type);
  const writable = input.writable && definition.writable;
  if (writable && hint?.component === "button") return "button";
  if (hint?.component === "binary_sensor" && kind === "integer") return "binary_sensor";
  if (!writable || hint?.component === "sensor" || hint?.component === "button" || kind === "string") {
    return kind === "bool" ? "binary_sensor" : "sensor";
  }
  if (kind === "bool") return "switch";
  if (hint?.options) return "select";
  if (isOnOff(input)) return "switch";
  if (kind === "integer" || kind === "float") return "number";
  return "sensor";
}

export function entityFor(input: EntityInput, context: EntityContext): DiscoveredEntity {
  const { definition, hint, level } = input;
  const { topics } = context;
  const component = componentOf(input);
  const kind = kindOf(definition.type);
  const stateTopic = `${topics.base}/${level}`;
  const commandTopic = `${stateTopic}/set`;
  const units = hint?.unit
    ? { unit: hint.unit, deviceClass: hint.deviceClass, stateClass: hint.stateClass }
    : unitClassOf(definition.unit.raw);
  const config: Record<string, unknown> = {
    name: hint?.label || definition.name,
    unique_id: `${deviceIdentifier(context.uid)}_${definition.index}`,
  };
  switch (component) {
    case "sensor": {
      config.state_topic = stateTopic;
      if (hint?.options) {
        const set = optionSet(hint.options, hint.readAliases, allowedRange(definition.type, input.limits));
        config.device_class = "enum";
        config.options = set.options;
        config.value_template = set.valueTemplate;
        break;
      }
      if (kind === "integer" || kind === "float") {
        if (units?.unit) config.unit_of_measurement = units.unit;
        if (units?.deviceClass) config.device_class = units.deviceClass;
        const stateClass = hint?.stateClass ?? units?.stateClass;
        if (stateClass) config.state_class = stateClass;
        const template =
          hint?.valueTemplate ?? (units?.deviceClass === "temperature" ? NO_SENSOR_TEMPLATE : undefined);
        if (template) config.value_template = template;
      }
      break;
    }
    case "binary_sensor":
      config.state_topic = stateTopic;
      if (kind === "integer") {
        // A 0/1 status (pump running, circuit active): anything above 0 is on.
        config.value_template = ZERO_ONE_TEMPLATE;
        config.payload_on = "ON";
        config.payload_off = "OFF";
      } else {
        config.payload_on = "true";
        config.payload_off = "false";
      }
      if (hint?.deviceClass) config.device_class = hint.deviceClass;
      break;
    case "switch": {
      const bool = kind === "bool";
      config.state_topic = stateTopic;
      config.command_topic = commandTopic;
      config.payload_on = bool ? "true" : SWITCH_ON;
      config.payload_off = bool ? "false" : SWITCH_OFF;
      config.state_on = bool ? "true" : SWITCH_ON;
      config.state_off = bool ? "false" : SWITCH_OFF;
      break;
    }
    case "select": {
      const set = optionSet(
        hint?.options ?? {},
        hint?.readAliases,
        allowedRange(definition.type, input.limits),
      );
      config.state_topic = stateTopic;
      config.command_topic = commandTopic;
      config.options = set.options;
      config.value_template = set.valueTemplate;
      config.command_template = set.commandTemplate;
      break;
    }
    case "number": {
      const { min, max } = rangeOf(input);
      config.state_topic = stateTopic;
      config.command_topic = commandTopic;
      config.min = min;
      config.max = max;
      config.step = hint?.step ?? (kind === "float" ? FLOAT_STEP : INTEGER_STEP);
      config.mode = "box";
      if (units?.unit) config.unit_of_measurement = units.unit;
      if (units?.deviceClass && NUMBER_DEVICE_CLASSES.has(units.deviceClass)) {
        config.device_class = units.deviceClass;
      }
      break;
    }
    case "button":
      config.command_topic = commandTopic;
      config.payload_press = String(hint?.pressValue ?? 1);
      break;
  }
  if (hint?.category) {
    // Home Assistant refuses `config` on read-only platforms.
    const readOnly = component === "sensor" || component === "binary_sensor";
    config.entity_category = readOnly ? "diagnostic" : hint.category;
  }
  config.availability_topic = topics.availability;
  config.device = context.device;
  config.origin = ORIGIN;
  return { component, topic: discoveryTopic(topics, component, String(definition.index)), config };
}

/** Where each new alarm and each clearing is published (not retained): `{event_type, code, name, …}`. */
export function alarmEventTopic(topics: BridgeTopics): string {
  return `${topics.base}/alarm_event`;
}

export const ALARM_EVENT_TYPES = ["raised", "cleared"] as const;

/**
 * The alarm entities (HA-COMPAT.md §11.6): a problem binary sensor with the active alarms' names as
 * attributes, the latest alarm's name (history as attributes), and an event entity firing on each
 * new alarm and each clearing.
 */
export function alarmEntities(context: EntityContext): DiscoveredEntity[] {
  const { topics } = context;
  const id = deviceIdentifier(context.uid);
  const common = { availability_topic: topics.availability, device: context.device, origin: ORIGIN };
  return [
    {
      component: "binary_sensor",
      topic: discoveryTopic(topics, "binary_sensor", "alarm_active"),
      config: {
        name: "Alarm active",
        unique_id: `${id}_alarm_active`,
        state_topic: topics.alarms,
        device_class: "problem",
        value_template: "{{ 'ON' if value_json.active > 0 else 'OFF' }}",
        // The active alarms' names and codes as attributes.
        json_attributes_topic: topics.alarms,
        json_attributes_template:
          "{{ {'active_alarms': value_json.alarms | selectattr('to_date', 'none') | map(attribute='name') | list, 'active_codes': value_json.alarms | selectattr('to_date', 'none') | map(attribute='code') | list} | tojson }}",
        ...common,
      },
    },
    {
      component: "sensor",
      topic: discoveryTopic(topics, "sensor", "last_alarm"),
      config: {
        name: "Last alarm",
        unique_id: `${id}_last_alarm`,
        state_topic: topics.alarms,
        value_template: "{{ value_json.alarms[0].name if value_json.alarms else 'No alarms' }}",
        json_attributes_topic: topics.alarms,
        json_attributes_template:
          "{{ {'active_alarm_count': value_json.active, 'alarm_code': value_json.alarms[0].code if value_json.alarms else none, 'alarm_history': value_json.alarms[:10]} | tojson }}",
        entity_category: "diagnostic",
        ...common,
      },
    },
    {
      component: "event",
      topic: discoveryTopic(topics, "event", "alarm"),
      config: {
        name: "Alarm",
        unique_id: `${id}_alarm_event`,
        state_topic: alarmEventTopic(topics),
        event_types: [...ALARM_EVENT_TYPES],
        ...common,
      },
    },
  ];
}
