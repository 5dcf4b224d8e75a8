/**
 * Values that move while the simulation runs, after what changes in the real capture
 * (PROTOCOL.md §19.5): work-time counters tick once a second, the main-loop counter and raw ADC
 * values jitter, temperatures drift slowly, power and COP step now and then, energy counters creep
 * up, fan speeds jitter, and parameter 388 toggles between two values. Flag bytes never change.
 * Indices outside the space, or holding no finite number, are skipped.
 */
import { encodeValue, type ParameterValue, roundFloat } from "../protocol/index.js";
import type { ParameterSpace } from "./parameter-space.js";
import type { Random } from "./random.js";

export type LiveRule =
  /** +`perSecond` every second. */
  | { kind: "counter"; indices: readonly number[]; perSecond: number }
  /** Integer ±`step` with probability `probability` per second, within ±`span` of the start value. */
  | { kind: "jitter"; indices: readonly number[]; step: number; probability: number; span: number }
  /** Random walk of ±`step` (2 decimals) with probability `probability` per second, within ±`span`. */
  | { kind: "drift"; indices: readonly number[]; step: number; probability: number; span: number }
  /** +`step` with probability `probability` per second (energy counters). */
  | { kind: "creep"; indices: readonly number[]; step: number; probability: number }
  /** Uniform integer in [min, max] every second. */
  | { kind: "noise"; indices: readonly number[]; min: number; max: number }
  /** Alternates between the two values with probability `probability` per second. */
  | { kind: "toggle"; indices: readonly number[]; values: readonly [number, number]; probability: number };

/**
 * The ecoMAX360i controller's moving parameters, by index, after the capture (names repeat, e.g.
 * `workTime` is 919 and 924, and only 924/925 tick — so rules name indices, not names).
 */
export const CONTROLLER_LIVE_RULES: readonly LiveRule[] = [
  // workTime, periodicWorkTime
  { kind: "counter", indices: [924, 925], perSecond: 1 },
  // curmainloop
  { kind: "noise", indices: [4], min: 2000, max: 2050 },
  // bin_ADCA1…4, bin_ADCA7 (raw ADC)
  { kind: "jitter", indices: [22, 23, 24, 25, 28], step: 1, probability: 0.5, span: 20 },
  // ADCA1, TempBuforDown, TempPowGz, TempCircuit2…7, TempReturn, AxenReturnTemp, AxenDischargeTemp,
  // AxenSuctionTemp, THERMOSTAT_100
  {
    kind: "drift",
    indices: [32, 63, 65, 66, 67, 70, 71, 72, 73, 74, 1135, 1137, 1139, 524],
    step: 0.1,
    probability: 0.15,
    span: 2,
  },
  // ElectricPower, HeatingPower, the COPs, AxenOutgoingTemp, HPStatusComprHz and the heat pump's
  // energy counters (1285, 1290) follow the heat-pump model (heat-pump-model.ts).
  // HeatingPower_all, EnerCount_HeatCh, EnerProd_HeatCh
  { kind: "creep", indices: [713, 1324, 1327], step: 0.01, probability: 0.1 },
  // AxenFanSpeed, HPStatusFanRPM, AXEN_REGISTER_72, _42, _49, _52, _53, _75, _76
  {
    kind: "jitter",
    indices: [1138, 1366, 1219, 1189, 1196, 1199, 1200, 1222, 1223],
    step: 1,
    probability: 0.2,
    span: 10,
  },
  // Serwer_zewnetrzny
  { kind: "toggle", indices: [388], values: [3, 128], probability: 0.05 },
];

/** The thermostat's room temperature (IntrSens) drifts; its run-time counter (Run) ticks. */
export const THERMOSTAT_LIVE_RULES: readonly LiveRule[] = [
  { kind: "drift", indices: [0], step: 0.05, probability: 0.1, span: 1 },
  { kind: "counter", indices: [30], perSecond: 1 },
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
      for (const index of rule.indices) {
        if (index >= space.count) continue;
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
