/** Unit strings carried by descriptors and their API codes (PROTOCOL.md §7). */

export interface Unit {
  /** The descriptor's string as received. */
  raw: string;
  /** API code of the reference gateway: unknown strings are 0. */
  code: number;
  /** Display symbol ("°C" also for the thermostat's `'C`, which the code table maps to 0). */
  symbol: string;
}

/** Maps, not object literals: unit strings come off the wire, and `toString` must not find a function. */
const codes: ReadonlyMap<string, number> = new Map([
  ["", 0],
  ["C", 1],
  ["s", 2],
  ["min", 3],
  ["h", 4],
  ["d", 5],
  ["%", 6],
  ["kW", 7],
  ["kWh", 8],
]);

const symbols: ReadonlyMap<string, string> = new Map([
  ["C", "°C"],
  ["'C", "°C"],
  ["°C", "°C"],
]);

export function unitCode(raw: string): number {
  return codes.get(raw) ?? 0;
}

export function unitSymbol(raw: string): string {
  return symbols.get(raw) ?? raw;
}

export function parseUnit(raw: string): Unit {
  return { raw, code: unitCode(raw), symbol: unitSymbol(raw) };
}

/** Display symbol for an API unit code. */
export const UNIT_CODE_SYMBOLS: readonly string[] = ["", "°C", "s", "min", "h", "d", "%", "kW", "kWh"];
