/**
 * When a value is worth a sample: on change beyond the deadband of its unit, no sooner than the
 * unit's minimum interval after the previous sample, and at least every `heartbeatMs` even when
 * unchanged (so a constant value still has samples in every rollup period and a gap in recording
 * shows as a gap). A flickering value (45.1, 45.2, 45.1, …) thus gives no flood of samples.
 */

export interface UnitPolicy {
  /** A change smaller than this (absolute) is not recorded. 0: every change is. */
  deadband: number;
  /** Shortest time between two samples of one parameter. */
  minIntervalMs: number;
}

export interface RecordPolicy {
  byUnit: Readonly<Record<string, UnitPolicy>>;
  fallback: UnitPolicy;
  heartbeatMs: number;
}

/** By unit symbol (`°C`, `%`, `kW`, `kWh`, …; "" for none). */
export const DEFAULT_RECORD_POLICY: RecordPolicy = {
  byUnit: {
    "°C": { deadband: 0.2, minIntervalMs: 10_000 },
    "%": { deadband: 1, minIntervalMs: 10_000 },
    kW: { deadband: 0.05, minIntervalMs: 10_000 },
    kWh: { deadband: 0.01, minIntervalMs: 60_000 },
    s: { deadband: 0, minIntervalMs: 60_000 },
    min: { deadband: 0, minIntervalMs: 60_000 },
    h: { deadband: 0, minIntervalMs: 60_000 },
    d: { deadband: 0, minIntervalMs: 60_000 },
  },
  fallback: { deadband: 0, minIntervalMs: 10_000 },
  heartbeatMs: 10 * 60_000,
};

export function unitPolicy(policy: RecordPolicy, unit: string): UnitPolicy {
  return policy.byUnit[unit] ?? policy.fallback;
}

/** Whether `value` at `at` is recorded, after the last recorded sample `last`. */
export function shouldRecord(
  policy: RecordPolicy,
  unit: UnitPolicy,
  last: { at: number; value: number } | undefined,
  at: number,
  value: number,
): boolean {
  if (!Number.isFinite(value)) return false;
  if (!last) return true;
  const since = at - last.at;
  if (since >= policy.heartbeatMs) return true;
  if (since < unit.minIntervalMs) return false;
  const delta = Math.abs(value - last.value);
  return unit.deadband === 0 ? delta > 0 : delta >= unit.deadband - 1e-9;
}
