/** How the CLI shows and reads parameter values. */
import type { ParameterValue } from "../protocol/index.js";

export function formatValue(value: ParameterValue | undefined): string {
  if (value === undefined) return "(not read)";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN (no reading)";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

/** JSON-safe: NaN → null, bigint → string when beyond 2^53. */
export function jsonValue(value: ParameterValue | undefined): unknown {
  if (value === undefined) return null;
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

/**
 * A value typed on the command line: a number when it reads as one, true/false for booleans,
 * otherwise the text (for string parameters). The write path checks it against the type.
 */
export function parseCliValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "true") return true;
  if (trimmed === "false") return false;
  if (trimmed !== "" && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed)) return Number(trimmed);
  return text;
}
