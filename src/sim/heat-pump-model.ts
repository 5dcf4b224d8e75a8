/**
 * A heat pump that follows simple physics, for the demo and the insights: the compressor starts
 * when the flow temperature falls below the target minus the hysteresis and stops above the target
 * plus it (after a minimum run and pause); while it runs it draws electric power by its frequency
 * and gives heat = COP(outdoor, flow) × electric power, COP from a share of the Carnot limit; the
 * water's heat capacity against the house's load sets how long runs and pauses last. The energy
 * counters only increase. `shortCycles` makes the water's capacity small, so runs last minutes.
 * One `tick` is one second. Indices are the ecoMAX360i's (PROTOCOL.md §19.5).
 */
import { encodeValue, type ParameterValue, roundFloat } from "../protocol/index.js";
import type { ParameterSpace } from "./parameter-space.js";

export const HEAT_PUMP_INDICES = {
  outdoor: 68,
  electricKw: 1047,
  heatKw: 1048,
  copNow: 1050,
  copAverage: 1051,
  flow: 1134,
  compressorHz: 1365,
  /** Energy consumed total and produced heating, 0.01 kWh. */
  electricCounter: 1285,
  heatCounter: 1290,
} as const;

export interface HeatPumpModelOptions {
  /** Runs of a few minutes (a too small buffer): for the short-cycle insight. */
  shortCycles?: boolean;
  targetFlow?: number;
  hysteresis?: number;
}

const KELVIN = 273.15;
const CARNOT_SHARE = 0.45;
const KW_PER_HZ = 0.02;
const MIN_RUN_S = 120;
const MIN_PAUSE_S = 180;

/** COP of heating water to `flow` °C from outdoor air at `outdoor` °C. */
export function heatPumpCop(outdoor: number, flow: number): number {
  const lift = Math.max(5, flow + 5 - (outdoor - 5));
  return Math.min(6, Math.max(1.5, (CARNOT_SHARE * (flow + 5 + KELVIN)) / lift));
}

export class HeatPumpModel {
  private running = false;
  private sinceSwitch = Number.POSITIVE_INFINITY;
  private flow: number;
  private electricCarry = 0;
  private heatCarry = 0;
  private electricTotal = 0;
  private heatTotal = 0;
  private readonly capacityKjPerK: number;
  private readonly targetFlow: number;
  private readonly hysteresis: number;

  constructor(
    private readonly space: ParameterSpace,
    options: HeatPumpModelOptions = {},
  ) {
    this.capacityKjPerK = options.shortCycles ? 25 : 400;
    this.targetFlow = options.targetFlow ?? 35;
    this.hysteresis = options.hysteresis ?? 2;
    const flow = this.read(HEAT_PUMP_INDICES.flow);
    this.flow = flow !== undefined && flow < 90 ? flow : this.targetFlow;
  }

  get compressorRunning(): boolean {
    return this.running;
  }

  tick(): void {
    const outdoor = this.read(HEAT_PUMP_INDICES.outdoor) ?? 5;
    const loadKw = Math.max(0.3, (20 - outdoor) * 0.1);
    this.sinceSwitch += 1;
    if (this.running && this.flow > this.targetFlow + this.hysteresis && this.sinceSwitch >= MIN_RUN_S) {
      this.running = false;
      this.sinceSwitch = 0;
    } else if (
      !this.running &&
      this.flow < this.targetFlow - this.hysteresis &&
      this.sinceSwitch >= MIN_PAUSE_S
    ) {
      this.running = true;
      this.sinceSwitch = 0;
    }
    const hz = this.running ? Math.round(Math.min(70, Math.max(30, 30 + (10 - outdoor) * 2))) : 0;
    const electricKw = hz * KW_PER_HZ;
    const cop = heatPumpCop(outdoor, this.flow);
    const heatKw = this.running ? cop * electricKw : 0;
    // kW for one second is kJ; the water warms by the difference over its capacity.
    this.flow += (heatKw - loadKw) / this.capacityKjPerK;
    this.electricTotal += electricKw / 3600;
    this.heatTotal += heatKw / 3600;
    this.electricCarry += (electricKw / 3600) * 100;
    this.heatCarry += (heatKw / 3600) * 100;
    this.set(HEAT_PUMP_INDICES.compressorHz, hz);
    this.set(HEAT_PUMP_INDICES.electricKw, roundFloat(electricKw));
    this.set(HEAT_PUMP_INDICES.heatKw, roundFloat(heatKw));
    this.set(HEAT_PUMP_INDICES.copNow, this.running ? roundFloat(cop) : 0);
    if (this.electricTotal > 0)
      this.set(HEAT_PUMP_INDICES.copAverage, roundFloat(this.heatTotal / this.electricTotal));
    this.set(HEAT_PUMP_INDICES.flow, roundFloat(Math.round(this.flow * 10) / 10));
    this.electricCarry = this.addToCounter(HEAT_PUMP_INDICES.electricCounter, this.electricCarry);
    this.heatCarry = this.addToCounter(HEAT_PUMP_INDICES.heatCounter, this.heatCarry);
  }

  /** Adds the whole units of `carry` to a counter; returns what is left. */
  private addToCounter(index: number, carry: number): number {
    const whole = Math.floor(carry);
    const current = this.read(index);
    if (whole > 0 && current !== undefined) this.set(index, current + whole);
    return carry - whole;
  }

  private read(index: number): number | undefined {
    if (index >= this.space.count) return undefined;
    const value = this.space.getValue(index);
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
  }

  private set(index: number, value: ParameterValue): void {
    if (index >= this.space.count) return;
    const type = this.space.parameters[index]!.typeCode;
    if (encodeValue(type, value).ok) this.space.setValue(index, value);
  }
}
