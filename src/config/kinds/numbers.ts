/** Integer, integer-choice and duration kinds. */
import { fail, ok, quote, type SettingKind, scalarText } from "./kind.js";

const INTEGER_TEXT = /^[+-]?\d+$/;

/** A raw value as an integer, or undefined when it is not one (floats, words, lists). */
export function integerOf(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? raw : undefined;
  const text = typeof raw === "string" ? raw.trim() : undefined;
  if (text === undefined || !INTEGER_TEXT.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

export interface IntegerRange {
  min: number;
  max: number;
}

export function integerKind(range: IntegerRange): SettingKind<number> {
  const allowed = `integer ${range.min}..${range.max}`;
  return {
    allowed,
    parse(raw) {
      const value = integerOf(raw);
      if (value === undefined) return fail(`${quote(raw)} is not an integer`);
      if (value < range.min || value > range.max) return fail(`${value} is out of range`);
      return ok(value);
    },
    format: String,
    toYaml: String,
  };
}

/** An integer that must be one of a fixed list (e.g. baud rates). */
export function integerChoiceKind<const T extends number>(choices: readonly T[]): SettingKind<T> {
  return {
    allowed: `one of ${choices.join(", ")}`,
    parse(raw) {
      const value = integerOf(raw);
      if (value === undefined) return fail(`${quote(raw)} is not an integer`);
      const choice = choices.find((c) => c === value);
      return choice === undefined ? fail(`${value} is not supported`) : ok(choice);
    },
    format: String,
    toYaml: String,
  };
}

type DurationUnit = "s" | "ms";

const MS_PER: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
const DURATION_TEXT = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|sec|m|min|h)?$/i;

export interface DurationRange {
  /** Unit of a bare number and of `min`/`max`. */
  unit: DurationUnit;
  min: number;
  max: number;
  /** `max` itself is not allowed (the value must stay below it). */
  maxExclusive?: boolean;
  /** Why the limit exists, appended to out-of-range messages. */
  why?: string;
}

function formatIn(unit: DurationUnit, ms: number): string {
  return unit === "s" ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * A duration given in `unit` (a bare number) or with a suffix (`500ms`, `2s`, `1.5 min`, `1h`);
 * the typed value is whole milliseconds.
 */
export function durationKind(range: DurationRange): SettingKind<number> {
  const factor = MS_PER[range.unit]!;
  const minMs = range.min * factor;
  const maxMs = range.max * factor;
  const excluded = range.maxExclusive ? ` (${range.max} excluded)` : "";
  const allowed = `${range.unit === "s" ? "seconds" : "milliseconds"} ${range.min}..${range.max}${excluded}`;
  const describe = (ms: number) => formatIn(range.unit, ms);
  return {
    allowed,
    parse(raw) {
      const text = scalarText(raw);
      const match = text === undefined ? null : DURATION_TEXT.exec(text);
      if (!match) return fail(`${quote(raw)} is not a duration`);
      const unitFactor = match[2] ? MS_PER[match[2].toLowerCase()]! : factor;
      const ms = Math.round(Number(match[1]) * unitFactor);
      const why = range.why ? ` (${range.why})` : "";
      if (ms < minMs) return fail(`${describe(ms)} is too short${why}`);
      if (ms > maxMs || (range.maxExclusive && ms === maxMs))
        return fail(`${describe(ms)} is too long${why}`);
      return ok(ms);
    },
    format: describe,
    toYaml: (ms) => String(ms / factor),
  };
}

const DECIMAL_TEXT = /^[+-]?(\d+(?:\.\d+)?|\.\d+)$/;

export interface DecimalRange {
  min: number;
  max: number;
  /** Shown after the value (e.g. `°C`). */
  unit: string;
}

/** A decimal number in a range (e.g. a temperature in °C); `1e3`, `NaN`, `inf` and words are refused. */
export function decimalKind(range: DecimalRange): SettingKind<number> {
  return {
    allowed: `number ${range.min}..${range.max} (${range.unit})`,
    parse(raw) {
      const text = typeof raw === "number" ? String(raw) : scalarText(raw)?.trim();
      if (text === undefined || !DECIMAL_TEXT.test(text)) return fail(`${quote(raw)} is not a number`);
      const value = Number(text);
      if (value < range.min || value > range.max) return fail(`${value} ${range.unit} is out of range`);
      return ok(value);
    },
    format: (value) => `${value} ${range.unit}`,
    toYaml: String,
  };
}
