/**
 * Unit strings for the profile. The parameter dump has none and the controller's real strings were
 * never captured (PROTOCOL.md §7), so they are inferred from names, conservatively: only
 * temperatures (`'C`, the thermostat's spelling, which PROTOCOL.md expects) and electric/thermal
 * power (`kW`). Everything else gets the empty string. The profile marks these as inferred.
 */
import { TypeCode } from "../../protocol/index.js";

export const TEMPERATURE_UNIT = "'C";
export const POWER_UNIT = "kW";

export const UNIT_RULE =
  "inferred from names (the dump has no units): numeric non-uint32 parameters whose name mentions " +
  "temp/thermostat (not 'Temporary') get 'C; float parameters named *Power* get kW; all others ''";

/** Numeric types a temperature can have here (uint32 "Temp" parameters are bitfields/states). */
const TEMPERATURE_TYPES: ReadonlySet<number> = new Set([
  TypeCode.INT8,
  TypeCode.INT16,
  TypeCode.UINT8,
  TypeCode.UINT16,
  TypeCode.FLOAT,
]);

/** Names that mention "temp" but are not temperatures. */
const NOT_TEMPERATURES: ReadonlySet<string> = new Set(["tempDisableScrSaver"]);

export function inferUnit(name: string, typeCode: number): string {
  if (
    TEMPERATURE_TYPES.has(typeCode) &&
    /temp|thermostat/i.test(name) &&
    !/temporary/i.test(name) &&
    !NOT_TEMPERATURES.has(name)
  ) {
    return TEMPERATURE_UNIT;
  }
  if (typeCode === TypeCode.FLOAT && /power/i.test(name)) return POWER_UNIT;
  return "";
}
