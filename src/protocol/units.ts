/** Unit strings carried by descriptors and their API codes (PROTOCOL.md §7). */

export interface Unit {
  /** The descriptor's string as received. */
  raw: string;
  /** API code of the reference gateway: unknown strings are 0. */
  code: number;
  /** Display symbol ("°C" also for the thermostat's `'C`, which the code table maps to 0). */
  symbol: string;
}

const codes: Readonly<Record<string, number>> = {
  "": 0,
  C: 1,
  s: 2,
  min: 3,
  h: 4,
  d: 5,
  "%": 6,
  kW: 7,
  kWh: 8,
};

const symbols: Readonly<Record<string, string>> = {
  C: "°C",
  "'C": "°C",
  "°C": "°C",
};

export function unitCode(raw: string): number {
  return codes[raw] ?? 0;
}

export function unitSymbol(raw: string): string {
  return symbols[raw] ?? raw;
}

export function parseUnit(raw: string): Unit {
  return { raw, code: unitCode(raw), symbol: unitSymbol(raw) };
}

/** Display symbol for an API unit code. */
export const UNIT_CODE_SYMBOLS: readonly string[] = ["", "°C", "s", "min", "h", "d", "%", "kW", "kWh"];
