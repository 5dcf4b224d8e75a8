/** How the CLI shows and reads parameter values and names. */
import type { ParameterValue } from "../protocol/index.js";
import { parseIndexText } from "../store/definition.js";

/**
 * Why `target` is a misspelt index (`0103`, `+103`, `103.0`), or undefined when it is a name or
 * an index written the one accepted way (decimal, no sign, no leading zeros, no fraction).
 */
export function indexSpellingProblem(target: string): string | undefined {
  if (parseIndexText(target) !== undefined || !/^[-+]?[0-9]+(\.[0-9]*)?$/.test(target)) return undefined;
  const meant = Number(target);
  return `'${target}' is not how an index is written: use decimal digits without a sign, leading zeros or a fraction${
    Number.isInteger(meant) && meant >= 0 ? ` (${meant})` : ""
  }`;
}

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
