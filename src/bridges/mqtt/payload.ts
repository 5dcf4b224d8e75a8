/**
 * Payloads: a parameter's state as MQTT text (raw like the HTTP API — floats rounded to 2 decimals,
 * 999.0 kept, bools `true`/`false` — with `None` where the API has null, which Home Assistant reads as
 * "unknown"), commands parsed from a `set` message, and the outcome published back.
 */
import { alarmNames } from "../../catalog/alarm-names.js";
import type { Alarm, WriteError, WriteJob } from "../../port/index.js";
import { isTypeCode, type ParameterValue, roundFloat, TYPE_INFO } from "../../protocol/index.js";
import { nestsDeeperThan } from "../../util/json-depth.js";

/** A command is a number, a boolean or `{"value": …}`; deeper JSON is not parsed. */
const MAX_SET_PAYLOAD_DEPTH = 32;

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
 * against the parameter's type and range, exactly as for HTTP. For a string parameter (`asText`)
 * plain text is taken as it is, digits included (`1008026009` is a text, not a number).
 */
export function parseSetPayload(payload: Buffer, asText = false): unknown {
  const raw = payload.toString("utf8");
  const text = raw.trim();
  if (text === "") return asText ? raw : text;
  if (asText && !text.startsWith("{")) return raw;
  // JSON.parse recurses per level: a payload nested deeper than any command needs stays text.
  if (nestsDeeperThan(text, MAX_SET_PAYLOAD_DEPTH)) return text;
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

/**
 * The end of a command's write job: `success` only when confirmed; `state` says which end it was
 * (`confirmed`, `failed`, `superseded`, `expired`).
 */
export function writeJobResultPayload(job: WriteJob): string {
  const { accepted, outcome, error } = job;
  const common = { name: accepted.name, index: accepted.index, state: job.state, write_id: job.id };
  const timestamp = new Date(job.endedAt ?? Date.now()).toISOString();
  if (outcome) {
    return JSON.stringify({
      success: true,
      ...common,
      old_value: jsonValue(outcome.oldValue) ?? null,
      new_value: jsonValue(outcome.newValue),
      confirmation: outcome.confirmation,
      timestamp,
    });
  }
  return JSON.stringify({
    success: false,
    ...common,
    error: error?.failure ?? job.state,
    detail:
      error?.message ??
      `replaced by a newer write to ${accepted.name} (job ${job.supersededBy}) before it was sent; nothing was sent for this one`,
    sent: job.sent,
    ...(job.supersededBy ? { superseded_by: job.supersededBy } : {}),
    timestamp,
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
      ...alarmNames(alarm.code),
    })),
  });
}
