/**
 * Parameter values as the API serves them (HA-COMPAT.md §5): raw, floats rounded to 2 decimals with
 * 999.0 kept, NaN as null, bools as booleans, integers as (unsigned where the type is) integers,
 * strings as strings. Numbers are never sent as strings.
 *
 * The JSON text is written here rather than by JSON.stringify for two reasons: floats keep a `.0`
 * when integral (`35.0`, `999.0`, byte-compatible with the reference gateway, whose JSON has Python
 * floats there), and 64-bit integers beyond 2^53 (bigints) are written exactly as JSON number
 * literals — exact for Python clients; JavaScript clients lose the low digits when parsing them.
 */
import { isTypeCode, type ParameterValue, roundFloat, TYPE_INFO } from "../protocol/index.js";

export type ApiValue = number | bigint | boolean | string | null;
type ValueKind = "integer" | "float" | "bool" | "string" | "unknown";

export function valueKindOf(type: number): ValueKind {
  return isTypeCode(type) ? TYPE_INFO[type].kind : "unknown";
}

/** The value a client sees, as a JavaScript value (bigints stay bigints). */
export function apiValue(type: number, value: ParameterValue | undefined): ApiValue {
  if (value === undefined) return null;
  switch (valueKindOf(type)) {
    case "float":
      if (typeof value === "number") return Number.isFinite(value) ? roundFloat(value) : null;
      if (typeof value === "bigint") return Number(value);
      return null;
    case "integer":
      if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : null;
      if (typeof value === "bigint") return value;
      if (typeof value === "boolean") return value ? 1 : 0;
      return null;
    case "bool":
      if (typeof value === "boolean") return value;
      if (typeof value === "number") return value !== 0;
      if (typeof value === "bigint") return value !== 0n;
      return null;
    case "string":
      return typeof value === "string" ? value : String(value);
    case "unknown":
      if (typeof value === "number" && !Number.isFinite(value)) return null;
      return value;
  }
}

/** A finite number as JSON, with `.0` when it is integral and written without an exponent. */
export function floatJson(value: number): string {
  if (!Number.isFinite(value)) return "null";
  const text = String(value);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** JSON text of a value for a parameter of wire type `type`. */
export function valueJson(type: number, value: ParameterValue | undefined): string {
  const served = apiValue(type, value);
  if (served === null) return "null";
  switch (typeof served) {
    case "number":
      if (!Number.isFinite(served)) return "null";
      return valueKindOf(type) === "float" ? floatJson(served) : String(served);
    case "bigint":
      return served.toString();
    case "boolean":
      return served ? "true" : "false";
    case "string":
      return JSON.stringify(served);
  }
}

/** JSON text of a limit (floats like the reference: `35.0`), or null. */
export function limitJson(limit: number | null): string {
  return limit === null ? "null" : floatJson(limit);
}
