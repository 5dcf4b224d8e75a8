/**
 * A Home Assistant `water_heater` for domestic hot water (gate as the integration's DHW device:
 * 61 present and not 999.0):
 *
 * - current temperature: 61 (`TempCWU`); target: 103 (`HDWTSetPoint`), with min/max from its
 *   declared limits (references to 107/108 resolved) and step 1 (a whole-degree uint8);
 * - operation modes from the DHW mode 119 (`HDWusermode`): 0 → `off`, 1 (on) → `heat_pump` (the
 *   heat pump keeps the tank at the target), 2 (schedule) → `eco` (loading only in the schedule's
 *   slots). Home Assistant allows only its own mode names, hence the mapping.
 */
import type { ParameterReadModel } from "../../../port/index.js";
import { discoveryTopic } from "../topics.js";
import { deviceIdentifier, ORIGIN } from "./device.js";
import {
  type NativeEntity,
  type NativeInput,
  numberAt,
  refused,
  round2,
  temperatureOf,
  type WriteIntent,
} from "./native.js";

export const DHW = { temperature: 61, target: 103, mode: 119 } as const;
/** DHW mode value → Home Assistant operation mode. */
export const DHW_MODES: Readonly<Record<number, string>> = { 0: "off", 1: "heat_pump", 2: "eco" };

function modeOf(store: ParameterReadModel): string | null {
  const raw = numberAt(store, DHW.mode);
  return raw === undefined ? null : (DHW_MODES[raw] ?? null);
}

export function waterHeaterState(store: ParameterReadModel): string {
  return JSON.stringify({
    mode: modeOf(store),
    target: round2(numberAt(store, DHW.target)),
    current: round2(numberAt(store, DHW.temperature, true)),
  });
}

function modeCommand(payload: string): WriteIntent {
  const mode = payload.trim();
  const raw = Object.entries(DHW_MODES).find(([, name]) => name === mode)?.[0];
  if (raw === undefined) {
    return refused(
      "invalid-value",
      `unknown operation mode ${JSON.stringify(mode.slice(0, 40))}: ${Object.values(DHW_MODES).join(", ")}`,
    );
  }
  return { kind: "writes", writes: [{ target: DHW.mode, value: Number(raw) }] };
}

function temperatureCommand(payload: string): WriteIntent {
  const value = temperatureOf(payload);
  if (value === undefined)
    return refused("invalid-value", `not a temperature: ${JSON.stringify(payload.slice(0, 40))}`);
  return { kind: "writes", writes: [{ target: DHW.target, value }] };
}

export function waterHeaterEntity(input: NativeInput): NativeEntity | undefined {
  const { store, context } = input;
  const { topics } = context;
  const current = numberAt(store, DHW.temperature);
  const target = store.get(DHW.target);
  if (current === undefined || current === 999 || !target || !store.get(DHW.mode)) return undefined;
  const limits = store.limitsOf(target);
  const level = "water_heater";
  const stateTopic = `${topics.base}/${level}`;
  const command = (what: string) => `${topics.base}/${level}_${what}`;
  const config: Record<string, unknown> = {
    name: "Hot water",
    unique_id: `${deviceIdentifier(context.uid)}_water_heater_dhw`,
    modes: Object.values(DHW_MODES),
    mode_state_topic: stateTopic,
    mode_state_template: "{{ value_json.mode if value_json.mode else 'None' }}",
    temperature_state_topic: stateTopic,
    temperature_state_template: "{{ value_json.target if value_json.target is not none else 'None' }}",
    current_temperature_topic: stateTopic,
    current_temperature_template: "{{ value_json.current if value_json.current is not none else 'None' }}",
    min_temp: limits.min ?? 35,
    max_temp: limits.max ?? 65,
    precision: 1,
    temperature_unit: "C",
  };
  const commands = new Map<string, (payload: string, s: ParameterReadModel) => WriteIntent>();
  if (input.writable(DHW.mode) && input.writable(DHW.target)) {
    config.mode_command_topic = `${command("mode")}/set`;
    config.temperature_command_topic = `${command("temperature")}/set`;
    commands.set(command("mode"), (p) => modeCommand(p));
    commands.set(command("temperature"), (p) => temperatureCommand(p));
  }
  config.availability_topic = topics.availability;
  config.device = context.device;
  config.origin = ORIGIN;
  return {
    entity: { component: "water_heater", topic: discoveryTopic(topics, "water_heater", "dhw"), config },
    stateTopic,
    state: waterHeaterState,
    stateIndices: [DHW.temperature, DHW.target, DHW.mode],
    commands,
  };
}

/** Indices whose values change whether the water heater exists or its config (limits of 103). */
export const WATER_HEATER_CONFIG_INDICES = [DHW.temperature, 107, 108] as const;
