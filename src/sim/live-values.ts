/**
 * Values that move while the simulation runs, after what changes in the real capture
 * (PROTOCOL.md §19.5): work-time counters tick once a second, the main-loop counter and raw ADC
 * values jitter, temperatures drift slowly, power and COP step now and then, energy counters creep
 * up, fan speeds jitter, and parameter 388 toggles between two values. Flag bytes never change.
 * Rules name parameters (first index with that name), so a profile without one simply skips it.
 */
import { encodeValue, type ParameterValue, roundFloat } from "../protocol/index.js";
import type { ParameterSpace } from "./parameter-space.js";
import type { Random } from "./random.js";

export type LiveRule =
  /** +`perSecond` every second. */
  | { kind: "counter"; names: readonly string[]; perSecond: number }
  /** Integer ±`step` with probability `probability` per second, within ±`span` of the start value. */
  | { kind: "jitter"; names: readonly string[]; step: number; probability: number; span: number }
  /** Random walk of ±`step` (2 decimals) with probability `probability` per second, within ±`span`. */
  | { kind: "drift"; names: readonly string[]; step: number; probability: number; span: number }
  /** +`step` with probability `probability` per second (energy counters). */
  | { kind: "creep"; names: readonly string[]; step: number; probability: number }
  /** Uniform integer in [min, max] every second. */
  | { kind: "noise"; names: readonly string[]; min: number; max: number }
  /** Alternates between the two values with probability `probability` per second. */
  | { kind: "toggle"; names: readonly string[]; values: readonly [number, number]; probability: number };

/** The controller's moving parameters, after the capture. */
export const CONTROLLER_LIVE_RULES: readonly LiveRule[] = [
  { kind: "counter", names: ["workTime", "periodicWorkTime"], perSecond: 1 },
  { kind: "noise", names: ["curmainloop"], min: 2000, max: 2050 },
  {
    kind: "jitter",
    names: ["bin_ADCA1", "bin_ADCA2", "bin_ADCA3", "bin_ADCA4", "bin_ADCA7"],
    step: 1,
    probability: 0.5,
    span: 20,
  },
  {
    kind: "drift",
    names: [
      "ADCA1",
      "TempBuforDown",
      "TempPowGz",
      "TempCircuit2",
      "TempCircuit3",
      "TempCircuit4",
      "TempCircuit5",
      "TempCircuit6",
      "TempCircuit7",
      "TempReturn",
      "AxenReturnTemp",
      "AxenDischargeTemp",
      "AxenSuctionTemp",
      "THERMOSTAT_100",
    ],
    step: 0.1,
    probability: 0.15,
    span: 2,
  },
  {
    kind: "drift",
    names: ["ElectricPower", "HeatingPower", "HeatingCopTemporary", "HeatingCopAverage"],
    step: 0.02,
    probability: 0.1,
    span: 0.5,
  },
  {
    kind: "creep",
    names: ["HeatingPower_all", "EnerCount_HeatCh", "EnerProd_HeatCh"],
    step: 0.01,
    probability: 0.1,
  },
  { kind: "creep", names: ["AXEN_REGISTER_1202_1203", "AXEN_REGISTER_1212_1213"], step: 1, probability: 0.1 },
  {
    kind: "jitter",
    names: [
      "AxenFanSpeed",
      "HPStatusFanRPM",
      "AXEN_REGISTER_72",
      "AXEN_REGISTER_42",
      "AXEN_REGISTER_49",
      "AXEN_REGISTER_52",
      "AXEN_REGISTER_53",
      "AXEN_REGISTER_75",
      "AXEN_REGISTER_76",
    ],
    step: 1,
    probability: 0.2,
    span: 10,
  },
  { kind: "toggle", names: ["Serwer_zewnetrzny"], values: [3, 128], probability: 0.05 },
];

/** The thermostat's room temperature drifts; its run-time counter ticks. */
export const THERMOSTAT_LIVE_RULES: readonly LiveRule[] = [
  { kind: "drift", names: ["IntrSens"], step: 0.05, probability: 0.1, span: 1 },
  { kind: "counter", names: ["Run"], perSecond: 1 },
];

/** "No sensor" temperatures are left alone (PROTOCOL.md §6). */
const NO_SENSOR = 999;

interface BoundRule {
  rule: LiveRule;
  index: number;
  start: number;
}

export class LiveValues {
  private readonly bound: BoundRule[] = [];

  constructor(
    private readonly space: ParameterSpace,
    rules: readonly LiveRule[],
    private readonly random: Random,
  ) {
    for (const rule of rules) {
      for (const name of rule.names) {
        const index = space.indexOf(name);
        if (index === undefined) continue;
        const value = space.getValue(index);
        if (typeof value !== "number" || !Number.isFinite(value) || value === NO_SENSOR) continue;
        this.bound.push({ rule, index, start: value });
      }
    }
  }

  /** Indices that move. */
  get indices(): number[] {
    return this.bound.map((b) => b.index);
  }

  /** Advances every moving value by one second. */
  tick(): void {
    for (const { rule, index, start } of this.bound) {
      const current = this.space.getValue(index) as number;
      const next = this.step(rule, current, start);
      if (next !== undefined && next !== current) this.set(index, next);
    }
  }

  private step(rule: LiveRule, current: number, start: number): number | undefined {
    const r = this.random;
    switch (rule.kind) {
      case "counter":
        return current + rule.perSecond;
      case "noise":
        return r.int(rule.min, rule.max);
      case "creep":
        return r.chance(rule.probability) ? roundFloat(current + rule.step) : undefined;
      case "toggle":
        if (!r.chance(rule.probability)) return undefined;
        return current === rule.values[0] ? rule.values[1] : rule.values[0];
      case "jitter":
      case "drift": {
        if (!r.chance(rule.probability)) return undefined;
        const moved = current + (r.chance(0.5) ? rule.step : -rule.step);
        const bounded = Math.min(start + rule.span, Math.max(start - rule.span, moved));
        return rule.kind === "drift" ? roundFloat(bounded) : Math.round(bounded);
      }
    }
  }

  private set(index: number, value: ParameterValue): void {
    const type = this.space.parameters[index]!.typeCode;
    if (encodeValue(type, value).ok) this.space.setValue(index, value);
  }
}
