/**
 * Option sets of `select` entities and `enum` sensors that cover every value the parameter's
 * descriptor allows, so that Home Assistant never logs "not a valid option":
 *
 * - the catalogue's known values keep their names (`{0: "ch", 3: "dhw"}`);
 * - the other allowed values are shown as `unknown_<n>` — every one of them when the allowed range
 *   is small (declared limits such as 0..3, or a narrow type), otherwise those between the lowest
 *   allowed value and the highest known one, and one `unknown_other` for the rest (a uint32 bitmap
 *   allows four billion values; nobody wants four billion options);
 * - a value the descriptor does not allow, or no value at all, renders as `None` (Home Assistant's
 *   "unknown" state), never as text outside `options`.
 *
 * Choosing an `unknown_*` option in a select sends the option's name, which the safe write path
 * refuses (not a number) with a result message: unknown values are shown, never written blindly.
 */

import type { ResolvedLimits } from "../../../port/index.js";
import { isTypeCode, TYPE_INFO } from "../../../protocol/index.js";

/** A range with at most this many values lists every unknown value as its own option. */
export const MAX_LISTED_RANGE = 32;
/** The one option for allowed values beyond the listed ones. */
export const UNKNOWN_OTHER = "unknown_other";

export interface AllowedRange {
  min: number;
  max: number;
}

export interface OptionSet {
  /** The options, known names first (in raw order), then the unknown ones. */
  options: string[];
  /** Raw state → option (or `None`). */
  valueTemplate: string;
  /** Option → raw value; unknown options pass through as text (refused by the write path). */
  commandTemplate: string;
  /** Raw values listed as `unknown_<n>`. */
  unknown: number[];
  /** Whether `unknown_other` is an option. */
  other: boolean;
  range: AllowedRange;
}

export function unknownOption(raw: number): string {
  return `unknown_${raw}`;
}

/** The values the descriptor allows: its declared limits when usable, else its type's range. */
export function allowedRange(type: number, limits: ResolvedLimits): AllowedRange {
  if (limits.min !== null && limits.max !== null && limits.min <= limits.max) {
    return { min: Math.ceil(limits.min), max: Math.floor(limits.max) };
  }
  const info = isTypeCode(type) ? TYPE_INFO[type] : undefined;
  if (info?.kind === "integer" && info.min !== undefined && info.max !== undefined) {
    return { min: Number(info.min), max: Number(info.max) };
  }
  return { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
}

const quote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function optionSet(
  known: Readonly<Record<number, string>>,
  aliases: Readonly<Record<number, string>> | undefined,
  range: AllowedRange,
): OptionSet {
  const names = new Map<number, string>();
  for (const [raw, label] of Object.entries({ ...known, ...aliases })) names.set(Number(raw), label);
  const knownRaws = [...names.keys()].sort((a, b) => a - b);
  const span = range.max - range.min + 1;
  const listedTop = span <= MAX_LISTED_RANGE ? range.max : Math.min(range.max, Math.max(...knownRaws));
  const unknown: number[] = [];
  for (let raw = range.min; raw <= listedTop; raw++) if (!names.has(raw)) unknown.push(raw);
  const other = listedTop < range.max;
  const knownLabels = [...new Set(Object.entries(known).map(([, label]) => label))];
  for (const label of Object.values(aliases ?? {})) if (!knownLabels.includes(label)) knownLabels.push(label);
  const options = [...knownLabels, ...unknown.map(unknownOption), ...(other ? [UNKNOWN_OTHER] : [])];

  const map = knownRaws.map((raw) => `${quote(String(raw))}: ${quote(names.get(raw)!)}`).join(", ");
  // The raw state is an integer's decimal text (payload.ts); `n` is none for anything else.
  const beyond = other
    ? `(${quote(UNKNOWN_OTHER)} if n > ${listedTop} and n <= ${range.max} else none)`
    : "none";
  const valueTemplate =
    `{% set m = {${map}} %}{% set n = value | int(none) %}` +
    `{{ m[value] if value in m else (none if n is none or (n | string) != value` +
    ` else ('unknown_' ~ n if n >= ${range.min} and n <= ${listedTop} else ${beyond})) }}`;

  const commands = Object.entries(known)
    .map(([raw, label]) => `${quote(label)}: ${raw}`)
    .join(", ");
  const commandTemplate = `{% set m = {${commands}} %}{{ m[value] if value in m else value }}`;
  return { options, valueTemplate, commandTemplate, unknown, other, range };
}
