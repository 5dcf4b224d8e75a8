/**
 * A Home Assistant `climate` per active heating circuit (gate as the integration's: `CircuitNactive`
 * > 0), mapped onto the controller as the econext integration does (HA-COMPAT.md §6, §11):
 *
 * - HVAC mode: work state 0 → `off`; otherwise the circuit settings word — bit 20 clear = heating
 *   on, bit 17 set = cooling on — heating and cooling → `auto`, heating → `heat`, cooling → `cool`.
 *   `cool` is offered only while cooling support (485) is on. Setting `off` writes work state 0;
 *   `heat`/`cool`/`auto` write the settings word with those two bits changed (the rest kept) and, if
 *   the circuit was off, work state 1 (comfort);
 * - presets: `comfort` (work state 1), `eco` (2), `schedule` (3) and `boost` (its minutes left > 0;
 *   choosing it writes 60 minutes, leaving it writes 0 first);
 * - target: the active preset's setpoint — comfort or eco; under `schedule` the one the controller's
 *   room setpoint equals (comfort when neither); a new target goes to that same parameter, and the
 *   write path refuses one outside its limits (no frame is sent);
 * - current temperature: the circuit's thermostat temperature (999 = no sensor → unknown);
 * - action: `off`, `idle` (circuit pump off or the heat pump loading DHW), `heating`, `cooling` or
 *   `defrosting` from the heat pump's work mode (1350);
 * - min/max/step from the comfort setpoint's declared limits and type.
 */
import type { ParameterReadModel } from "../../../port/index.js";
import { isTypeCode, TYPE_INFO } from "../../../protocol/index.js";
import { discoveryTopic } from "../topics.js";
import { HINT_CATALOGUE_FILE } from "./catalog.js";
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

export interface CircuitIndices {
  circuit: number;
  active: number;
  name: number;
  workState: number;
  settings: number;
  thermostat: number;
  comfort: number;
  eco: number;
  roomSetpoint: number;
  boost: number;
  pump: number;
}

/** Global parameters the climates read. */
export const COOLING_SUPPORT = 485;
export const HP_WORK_MODE = 1350;
export const DHW_HEATING = 1361;
const FIRST_PUMP_STATUS = 1353;

const HEATING_OFF_BIT = 20;
const COOLING_ON_BIT = 17;
export const BOOST_MINUTES = 60;
const SETPOINT_MATCH = 0.1;

export const WORK_STATE = { off: 0, comfort: 1, eco: 2, schedule: 3 } as const;
export type Preset = "comfort" | "eco" | "schedule" | "boost";
export type HvacMode = "off" | "heat" | "cool" | "auto";

function field(name: string): readonly number[] {
  const row = HINT_CATALOGUE_FILE.circuits.fields.find((f) => f.field === name);
  if (!row) throw new Error(`the hint catalogue has no circuit field ${JSON.stringify(name)}`);
  return row.indices;
}

/** The seven circuits' parameters, from the hint catalogue's circuit fields. */
export const CIRCUITS: readonly CircuitIndices[] = field("active").map((active, i) => ({
  circuit: i + 1,
  active,
  name: field("name")[i]!,
  workState: field("work state")[i]!,
  settings: field("settings word")[i]!,
  thermostat: field("thermostat temperature")[i]!,
  comfort: field("comfort temperature")[i]!,
  eco: field("eco temperature")[i]!,
  roomSetpoint: field("room setpoint")[i]!,
  boost: field("boost time left")[i]!,
  pump: FIRST_PUMP_STATUS + i,
}));

const bit = (word: number, n: number) => Math.floor(word / 2 ** n) % 2 === 1;
function withBit(word: number, n: number, on: boolean): number {
  return bit(word, n) === on ? word : on ? word + 2 ** n : word - 2 ** n;
}

export function hvacModeOf(store: ParameterReadModel, c: CircuitIndices): HvacMode {
  const state = numberAt(store, c.workState);
  if (state === undefined || state === WORK_STATE.off) return "off";
  const settings = numberAt(store, c.settings);
  if (settings === undefined) return "heat";
  const heating = !bit(settings, HEATING_OFF_BIT);
  const cooling = bit(settings, COOLING_ON_BIT);
  if (heating && cooling) return "auto";
  if (cooling) return "cool";
  return "heat";
}

export function presetOf(store: ParameterReadModel, c: CircuitIndices): Preset | undefined {
  if ((numberAt(store, c.boost) ?? 0) > 0) return "boost";
  switch (numberAt(store, c.workState)) {
    case WORK_STATE.comfort:
      return "comfort";
    case WORK_STATE.eco:
      return "eco";
    case WORK_STATE.schedule:
      return "schedule";
    default:
      return undefined;
  }
}

/** The setpoint parameter the target shows and a new target goes to. */
export function targetIndexOf(store: ParameterReadModel, c: CircuitIndices): number {
  const preset = presetOf(store, c);
  if (preset === "eco") return c.eco;
  if (preset === "schedule") {
    const setpoint = numberAt(store, c.roomSetpoint);
    const eco = numberAt(store, c.eco);
    const comfort = numberAt(store, c.comfort);
    if (setpoint !== undefined && eco !== undefined && Math.abs(setpoint - eco) < SETPOINT_MATCH) {
      if (comfort === undefined || Math.abs(setpoint - comfort) >= SETPOINT_MATCH) return c.eco;
    }
  }
  return c.comfort;
}

function actionOf(store: ParameterReadModel, c: CircuitIndices): string {
  if (hvacModeOf(store, c) === "off") return "off";
  if (numberAt(store, c.pump) === 0) return "idle";
  if ((numberAt(store, DHW_HEATING) ?? 0) > 0) return "idle";
  const work = numberAt(store, HP_WORK_MODE) ?? 0;
  if (work === 3) return "cooling";
  if (work === 4) return "defrosting";
  return work >= 1 ? "heating" : "idle";
}

export function circuitActive(store: ParameterReadModel, c: CircuitIndices): boolean {
  return (numberAt(store, c.active) ?? 0) > 0;
}

function canCool(store: ParameterReadModel): boolean {
  return (numberAt(store, COOLING_SUPPORT) ?? 0) > 0;
}

export function climateState(store: ParameterReadModel, c: CircuitIndices): string {
  return JSON.stringify({
    mode: hvacModeOf(store, c),
    preset: presetOf(store, c) ?? null,
    target: round2(numberAt(store, targetIndexOf(store, c))),
    current: round2(numberAt(store, c.thermostat, true)),
    action: actionOf(store, c),
  });
}

function modeCommand(payload: string, store: ParameterReadModel, c: CircuitIndices): WriteIntent {
  const mode = payload.trim();
  if (mode === "off") return { kind: "writes", writes: [{ target: c.workState, value: WORK_STATE.off }] };
  if (mode !== "heat" && mode !== "cool" && mode !== "auto") {
    return refused(
      "invalid-value",
      `unknown HVAC mode ${JSON.stringify(mode.slice(0, 40))}: off, heat, cool or auto`,
    );
  }
  if (mode !== "heat" && !canCool(store)) {
    return refused(
      "invalid-value",
      `cooling support (parameter ${COOLING_SUPPORT}) is off: only off and heat`,
    );
  }
  const settings = numberAt(store, c.settings);
  if (settings === undefined)
    return refused("no-value", `circuit ${c.circuit}'s settings word has no value yet`);
  let word = withBit(settings, HEATING_OFF_BIT, mode === "cool");
  word = withBit(word, COOLING_ON_BIT, mode !== "heat");
  const writes = word === settings ? [] : [{ target: c.settings, value: word }];
  if ((numberAt(store, c.workState) ?? WORK_STATE.off) === WORK_STATE.off) {
    writes.push({ target: c.workState, value: WORK_STATE.comfort });
  }
  return { kind: "writes", writes };
}

function presetCommand(payload: string, store: ParameterReadModel, c: CircuitIndices): WriteIntent {
  const preset = payload.trim();
  if (preset === "boost") return { kind: "writes", writes: [{ target: c.boost, value: BOOST_MINUTES }] };
  if (preset !== "comfort" && preset !== "eco" && preset !== "schedule") {
    return refused(
      "invalid-value",
      `unknown preset ${JSON.stringify(preset.slice(0, 40))}: comfort, eco, schedule or boost`,
    );
  }
  const writes: { target: number; value: number }[] = [];
  if ((numberAt(store, c.boost) ?? 0) > 0) writes.push({ target: c.boost, value: 0 });
  writes.push({ target: c.workState, value: WORK_STATE[preset] });
  return { kind: "writes", writes };
}

function temperatureCommand(payload: string, store: ParameterReadModel, c: CircuitIndices): WriteIntent {
  const value = temperatureOf(payload);
  if (value === undefined)
    return refused("invalid-value", `not a temperature: ${JSON.stringify(payload.slice(0, 40))}`);
  return { kind: "writes", writes: [{ target: targetIndexOf(store, c), value }] };
}

/** The climate of circuit `c`, or undefined while the circuit is inactive or its parameters missing. */
export function climateEntity(input: NativeInput, c: CircuitIndices): NativeEntity | undefined {
  const { store, context } = input;
  const { topics } = context;
  if (!circuitActive(store, c)) return undefined;
  const comfort = store.get(c.comfort);
  if (!comfort || !store.get(c.eco) || !store.get(c.workState) || !store.get(c.settings)) return undefined;
  const limits = store.limitsOf(comfort);
  const type = comfort.definition.type;
  const float = isTypeCode(type) && TYPE_INFO[type].kind === "float";
  const level = `climate_${c.circuit}`;
  const stateTopic = `${topics.base}/${level}`;
  const command = (what: string) => `${topics.base}/${level}_${what}`;
  const name = String(store.get(c.name)?.value ?? "").trim() || `Circuit ${c.circuit}`;
  const presets: Preset[] = ["comfort", "eco", "schedule"];
  if (store.get(c.boost)) presets.push("boost");
  const config: Record<string, unknown> = {
    name,
    unique_id: `${deviceIdentifier(context.uid)}_climate_circuit_${c.circuit}`,
    modes: ["off", "heat", "auto", ...(canCool(store) ? ["cool"] : [])],
    mode_state_topic: stateTopic,
    mode_state_template: "{{ value_json.mode }}",
    preset_modes: presets,
    preset_mode_state_topic: stateTopic,
    preset_mode_value_template: "{{ value_json.preset if value_json.preset else 'None' }}",
    temperature_state_topic: stateTopic,
    temperature_state_template: "{{ value_json.target if value_json.target is not none else 'None' }}",
    current_temperature_topic: stateTopic,
    current_temperature_template: "{{ value_json.current if value_json.current is not none else 'None' }}",
    action_topic: stateTopic,
    action_template: "{{ value_json.action }}",
    min_temp: limits.min ?? 10,
    max_temp: limits.max ?? 35,
    temp_step: float ? 0.1 : 1,
    precision: float ? 0.1 : 1,
    temperature_unit: "C",
  };
  const commands = new Map<string, (payload: string, s: ParameterReadModel) => WriteIntent>();
  if (input.writable(c.workState) && input.writable(c.comfort)) {
    config.mode_command_topic = `${command("mode")}/set`;
    config.preset_mode_command_topic = `${command("preset")}/set`;
    config.temperature_command_topic = `${command("temperature")}/set`;
    commands.set(command("mode"), (p, s) => modeCommand(p, s, c));
    commands.set(command("preset"), (p, s) => presetCommand(p, s, c));
    commands.set(command("temperature"), (p, s) => temperatureCommand(p, s, c));
  }
  config.availability_topic = topics.availability;
  config.device = context.device;
  config.origin = ORIGIN;
  return {
    entity: {
      component: "climate",
      topic: discoveryTopic(topics, "climate", `circuit_${c.circuit}`),
      config,
    },
    stateTopic,
    state: (s) => climateState(s, c),
    stateIndices: [
      c.workState,
      c.settings,
      c.thermostat,
      c.comfort,
      c.eco,
      c.roomSetpoint,
      c.boost,
      c.pump,
      HP_WORK_MODE,
      DHW_HEATING,
    ],
    commands,
  };
}

/** Indices whose values change which climates exist or their configs. */
export function climateConfigIndices(c: CircuitIndices): number[] {
  return [c.active, c.name, COOLING_SUPPORT];
}
