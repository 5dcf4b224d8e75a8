/**
 * Turns a client's value into the value to write, or says why it cannot be written — before
 * anything reaches the bus (HA-COMPAT.md §6, PROTOCOL.md §6).
 */
import { encodeValue, isTypeCode, type ParameterValue, TYPE_INFO, type TypeCode } from "../protocol/index.js";
import type { ResolvedLimits } from "../store/limits.js";
import { WriteError } from "./write-errors.js";

export interface PreparedWrite {
  /** The value as it will be stored (integers truncated, bools as booleans). */
  value: ParameterValue;
  bytes: Buffer;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return `${typeof value} ${String(value)}`;
}

function formatRange(limits: ResolvedLimits): string {
  return `${limits.min ?? "−∞"}..${limits.max ?? "+∞"}`;
}

export function prepareWrite(
  name: string,
  type: number,
  value: unknown,
  limits: ResolvedLimits,
): PreparedWrite {
  if (!isTypeCode(type))
    throw new WriteError("wrong-type", `${name} has an unknown wire type (${type}); it cannot be written`);
  const info = TYPE_INFO[type as TypeCode];
  let candidate: ParameterValue;
  switch (info.kind) {
    case "integer":
    case "float": {
      if (typeof value !== "number") {
        throw new WriteError(
          "wrong-type",
          `${name} is ${info.name}: expected a number, got ${describe(value)}`,
        );
      }
      if (!Number.isFinite(value))
        throw new WriteError("wrong-type", `${name} is ${info.name}: ${value} is not a finite number`);
      // Integer types take the integer part, as the reference gateway does (HA-COMPAT.md §6).
      candidate = info.kind === "integer" ? Math.trunc(value) : value;
      if (Object.is(candidate, -0)) candidate = 0;
      if (
        (limits.min !== null && candidate < limits.min) ||
        (limits.max !== null && candidate > limits.max)
      ) {
        throw new WriteError(
          "out-of-range",
          `${value} is outside the range of ${name}: ${formatRange(limits)}`,
        );
      }
      break;
    }
    case "bool": {
      if (value === true || value === 1) candidate = true;
      else if (value === false || value === 0) candidate = false;
      else
        throw new WriteError(
          "wrong-type",
          `${name} is bool: expected true, false, 1 or 0, got ${describe(value)}`,
        );
      break;
    }
    case "string": {
      if (typeof value !== "string")
        throw new WriteError("wrong-type", `${name} is a string: got ${describe(value)}`);
      candidate = value;
      break;
    }
  }
  const encoded = encodeValue(type, candidate);
  if (!encoded.ok) {
    throw new WriteError(
      "not-representable",
      `${String(value)} cannot be written to ${name}: ${encoded.error.message}`,
    );
  }
  return { value: candidate, bytes: encoded.value };
}

/** Whether a read-back value shows the written one (floats compare at the API's 2 decimals). */
export function readBackMatches(
  type: number,
  written: ParameterValue,
  readBack: ParameterValue | undefined,
): boolean {
  if (readBack === undefined) return false;
  if (
    isTypeCode(type) &&
    TYPE_INFO[type].kind === "float" &&
    typeof written === "number" &&
    typeof readBack === "number"
  ) {
    return Math.abs(Math.fround(written) - readBack) < 0.005 + 1e-9;
  }
  return written === readBack;
}
