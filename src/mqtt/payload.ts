/**
 * Payloads: a parameter's state as MQTT text (raw like the HTTP API — floats rounded to 2 decimals,
 * 999.0 kept, bools `true`/`false` — with `None` where the API has null, which Home Assistant reads as
 * "unknown"), commands parsed from a `set` message, and the outcome published back.
 */
import type { Alarm } from "../gateway/alarms.js";
import type { WriteError } from "../gateway/write-errors.js";
import type { WriteOutcome } from "../gateway/writer.js";
import { isTypeCode, type ParameterValue, roundFloat, TYPE_INFO } from "../protocol/index.js";

/** Home Assistant's MQTT platforms treat this payload as "no value". */
export const NO_VALUE = "None";

export function statePayload(type: number, value: ParameterValue | undefined): string {
  if (value === undefined) return NO_VALUE;
  const kind = isTypeCode(type) ? TYPE_INFO[type].kind : "unknown";
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) return NO_VALUE;
      if (kind === "float") return String(roundFloat(value));
      if (kind === "bool") return value !== 0 ? "true" : "false";
      return String(Math.trunc(value));
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return value;
  }
}

/**
 * The value a `set` message asks for: JSON numbers and booleans as such (`46`, `21.5`, `true`), a
 * JSON object's `value` field, anything else as the text itself — the safe write path then checks it
 * against the parameter's type and range, exactly as for HTTP.
 */
export function parseSetPayload(payload: Buffer): unknown {
  const text = payload.toString("utf8").trim();
  if (text === "") return text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "number" || typeof parsed === "boolean") return parsed;
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) && "value" in parsed) {
      return (parsed as { value: unknown }).value;
    }
  } catch {
    // Not JSON: plain text.
  }
  return text;
}

const jsonValue = (value: unknown) => (typeof value === "bigint" ? Number(value) : value);

export function writeResultPayload(outcome: WriteOutcome): string {
  return JSON.stringify({
    success: true,
    name: outcome.name,
    index: outcome.index,
    old_value: jsonValue(outcome.oldValue) ?? null,
    new_value: jsonValue(outcome.newValue),
    confirmation: outcome.confirmation,
    timestamp: new Date(outcome.timestamp).toISOString(),
  });
}

export function writeErrorPayload(
  target: { name: string; index: number },
  error: WriteError | { failure: string; message: string; sent: boolean },
  at = Date.now(),
): string {
  return JSON.stringify({
    success: false,
    name: target.name,
    index: target.index,
    error: error.failure,
    detail: error.message,
    sent: error.sent,
    timestamp: new Date(at).toISOString(),
  });
}

/** The alarm log as the HTTP API's `GET /api/alarms` shows it, plus the number still active. */
export function alarmsPayload(alarms: readonly Alarm[]): string {
  return JSON.stringify({
    active: alarms.filter((alarm) => alarm.toDate === null).length,
    alarms: alarms.map((alarm) => ({
      index: alarm.index,
      code: alarm.code,
      from_date: alarm.fromDate,
      to_date: alarm.toDate,
    })),
  });
}
