/**
 * How values, units, ranges and durations read on the page. Pure (no DOM), shared by every view
 * and unit-tested. Wire types and unit codes are the ones the API documents (GET /openapi.json).
 */
import type { Parameter, ParameterValue, StatusBody } from "./types.js";

export type ValueKind = "integer" | "float" | "bool" | "string" | "unknown";

interface WireType {
  name: string;
  kind: ValueKind;
  /** Bounds of integer types that a JavaScript number holds exactly. */
  min?: number;
  max?: number;
}

const WIRE_TYPES: Readonly<Record<number, WireType>> = {
  1: { name: "int8", kind: "integer", min: -128, max: 127 },
  2: { name: "int16", kind: "integer", min: -32768, max: 32767 },
  3: { name: "int32", kind: "integer", min: -2147483648, max: 2147483647 },
  4: { name: "uint8", kind: "integer", min: 0, max: 255 },
  5: { name: "uint16", kind: "integer", min: 0, max: 65535 },
  6: { name: "uint32", kind: "integer", min: 0, max: 4294967295 },
  7: { name: "float", kind: "float" },
  9: { name: "double", kind: "float" },
  10: { name: "bool", kind: "bool" },
  12: { name: "string", kind: "string" },
  13: { name: "int64", kind: "integer", min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  14: { name: "uint64", kind: "integer", min: 0, max: Number.MAX_SAFE_INTEGER },
};

export function wireType(type: number): WireType {
  return WIRE_TYPES[type] ?? { name: `type ${type}`, kind: "unknown" };
}

export const UNIT_SYMBOLS: readonly string[] = ["", "°C", "s", "min", "h", "d", "%", "kW", "kWh"];

export function unitSymbol(code: number): string {
  return UNIT_SYMBOLS[code] ?? "";
}

/** The controller's "no sensor" reading (HA-COMPAT.md §5). */
export const NO_SENSOR = 999;

/** Panel parameters are served at 10000 + their wire index. */
export const PANEL_INDEX_BASE = 10_000;

export function isPanel(index: number): boolean {
  return index >= PANEL_INDEX_BASE;
}

const MAX_FRACTION_DIGITS = 2;

/** A value as text: floats with up to 2 decimals, booleans on/off, missing as an em dash. */
export function formatValue(value: ParameterValue, type: number): string {
  if (value === null) return "—";
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "string") return value;
  if (wireType(type).kind === "float") {
    return value.toLocaleString("en-US", { maximumFractionDigits: MAX_FRACTION_DIGITS, useGrouping: false });
  }
  return String(value);
}

/** `35 … 65`, `≥ 10`, `≤ 5` or an empty string when there are no limits. */
export function formatRange(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `${min} … ${max}`;
  if (min !== null) return `≥ ${min}`;
  if (max !== null) return `≤ ${max}`;
  return "";
}

export function isNumeric(parameter: Pick<Parameter, "type" | "value">): boolean {
  const kind = wireType(parameter.type).kind;
  return kind === "integer" || kind === "float";
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** `45 s`, `3 min 20 s`, `2 h 5 min`, `3 d 4 h` — the two largest units. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / SECOND_MS)) * SECOND_MS;
  if (total < MINUTE_MS) return `${total / SECOND_MS} s`;
  const parts: [number, string][] = [
    [Math.floor(total / DAY_MS), "d"],
    [Math.floor((total % DAY_MS) / HOUR_MS), "h"],
    [Math.floor((total % HOUR_MS) / MINUTE_MS), "min"],
    [Math.floor((total % MINUTE_MS) / SECOND_MS), "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(" ");
}

/**
 * A naive local timestamp as the controller and the API write them (`2026-01-20T07:14:02`, maybe
 * with fractional seconds) in milliseconds, read in the browser's time zone; NaN when malformed.
 */
export function parseNaiveLocal(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s = "0", frac = "0"] = m;
  return new Date(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Math.round(Number(`0.${frac}`) * 1000),
  ).getTime();
}

/** `2026-01-20 07:14:02` from a naive timestamp (the T dropped, fractions cut). */
export function formatNaive(text: string): string {
  return text.replace("T", " ").replace(/\.\d+$/, "");
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `07:14:02` in the browser's time. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `12 s ago`, `3 min ago`, or `never`. */
export function formatAge(ms: number | undefined, now: number): string {
  if (ms === undefined || Number.isNaN(ms)) return "never";
  return `${formatDuration(now - ms)} ago`;
}

/** Where the bus token is: with the gateway, or with the panel (the gateway waiting for it or not). */
export function tokenText(
  bus: Pick<StatusBody["bus"], "token_required" | "holding_token" | "waiting_for_token_since">,
): string {
  if (!bus.token_required) return "not used";
  if (bus.holding_token) return "held by the gateway";
  return bus.waiting_for_token_since === null
    ? "with the panel"
    : "with the panel; the gateway is waiting for it";
}
