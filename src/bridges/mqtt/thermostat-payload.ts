/**
 * Room temperatures arriving over MQTT, and what the bridge publishes of the thermostat.
 *
 * - On the gateway's command topic: a number (`21.5`) or JSON `{"temperature": 21.5, "humidity": 48}`.
 * - On THERMOSTAT_MQTT_TOPIC: a number only (a Home Assistant sensor's state topic carries `21.5`).
 *
 * Anything else (text such as `unavailable`, `NaN`, `Infinity`, JSON without a numeric
 * `temperature`) is refused with the reason; the thermostat itself refuses values outside −30…60 °C.
 */
import type { ThermostatStatusView } from "../../views/thermostat-watch.js";
import { STALE_OFF, STALE_ON } from "./ha/thermostat-entities.js";

export type ParsedTemperature =
  | { ok: true; temperature: number; humidity?: number }
  | { ok: false; reason: string };

/** A decimal number as text: digits with an optional sign, fraction and exponent (no NaN, no Infinity). */
const NUMBER_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

const shown = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

function numberOf(text: string): number | undefined {
  return NUMBER_TEXT.test(text) ? Number(text) : undefined;
}

/** Parses a room temperature; `json` also allows the `{"temperature": …, "humidity": …}` form. */
export function parseRoomTemperature(payload: Buffer, options: { json: boolean }): ParsedTemperature {
  const text = payload.toString("utf8").trim();
  const number = numberOf(text);
  if (number !== undefined) {
    if (!Number.isFinite(number)) return { ok: false, reason: `${shown(text)} is not a finite number` };
    return { ok: true, temperature: number };
  }
  if (!options.json || !text.startsWith("{")) {
    const form = options.json ? 'a number or {"temperature": <number>}' : "a number";
    return { ok: false, reason: `${shown(text)} is not a room temperature: send ${form} in °C` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${shown(text)} is not valid JSON` };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { ok: false, reason: 'send {"temperature": <number>, "humidity": <number, optional>}' };
  }
  const { temperature, humidity } = parsed as { temperature?: unknown; humidity?: unknown };
  if (typeof temperature !== "number") return { ok: false, reason: "temperature is missing or not a number" };
  if (humidity !== undefined && humidity !== null && typeof humidity !== "number") {
    return { ok: false, reason: "humidity is not a number" };
  }
  return typeof humidity === "number" ? { ok: true, temperature, humidity } : { ok: true, temperature };
}

/** The retained JSON on `<base>/thermostat`: the HTTP status plus when it was published. */
export function thermostatStatePayload(status: ThermostatStatusView, now: number): string {
  return JSON.stringify({ ...status, timestamp: new Date(now).toISOString() });
}

export function stalePayload(status: ThermostatStatusView): string {
  return status.is_stale ? STALE_ON : STALE_OFF;
}

/** What a thermostat command's `…/result` says. */
export function thermostatResultPayload(
  fields: { success: true; [key: string]: unknown } | { success: false; error: string; detail: string },
  now: number,
): string {
  return JSON.stringify({ ...fields, timestamp: new Date(now).toISOString() });
}
