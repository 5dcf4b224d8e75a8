/**
 * The messages of `/ws/parameters`, as JSON text. Parameter fields and values use the HTTP API's
 * encoding (passed in), so a value looks the same in `GET /api/parameters` and here.
 *
 * - `snapshot`: `{type, timestamp, status, alarms, parameters: {"<index>": {index, name, value, type,
 *   unit, writable, min, max}}}` — on connect (once data is ready) and after every rediscovery;
 * - `change`: `{type, index, name, value, old_value, timestamp, origin}` — one per changed value;
 * - `status`: link and health, when they change;
 * - `alarms`: the alarm log (newest first), when it changes;
 * - `write`: a write job's end (confirmed, failed, superseded, expired), with the fields of
 *   `GET /api/writes/{id}`, whichever path the write came by;
 * - `thermostat`: the virtual room thermostat's status (the fields of `GET /api/thermostat/status`)
 *   on connect and whenever it changes (stale on/off, source, temperature, pairing state).
 *
 * Timestamps are UTC ISO 8601 with milliseconds.
 */
import { alarmNames } from "../../catalog/alarm-names.js";
import type { Alarm, ParameterChange, ParameterEntry, WriteJob } from "../../port/index.js";
import type { ParameterValue } from "../../protocol/index.js";
import type { ThermostatStatusView } from "../../views/thermostat-watch.js";
import { writeJobFields } from "../../views/write-job-json.js";

export interface ParameterEncoding {
  /** `"index":…,"name":…,"value":…,…,"max":…` of one parameter, as in GET /api/parameters. */
  fields(entry: ParameterEntry): string;
  /** JSON text of a value of wire type `type`. */
  value(type: number, value: ParameterValue | undefined): string;
}

export interface LiveStatus {
  link: string;
  data_ready: boolean;
  /** `fresh`, `stale` (the last values, served while they cannot be refreshed) or `unavailable`. */
  data_state: string;
  health: string;
  reason: string | null;
  discovery: string;
}

const iso = (ms: number) => JSON.stringify(new Date(ms).toISOString());

export function alarmsJson(alarms: readonly Alarm[]): string {
  return JSON.stringify(
    alarms.map((a) => ({
      index: a.index,
      code: a.code,
      from_date: a.fromDate,
      to_date: a.toDate,
      ...alarmNames(a.code),
    })),
  );
}

export function snapshotMessage(options: {
  entries: Iterable<ParameterEntry>;
  encoding: ParameterEncoding;
  status: LiveStatus;
  alarms: readonly Alarm[];
  now: number;
  /** Names or indices asked for that match no parameter. */
  unknown: readonly string[];
}): string {
  const parts: string[] = [];
  for (const entry of options.entries) {
    parts.push(`"${entry.definition.index}":{${options.encoding.fields(entry)}}`);
  }
  return (
    `{"type":"snapshot","timestamp":${iso(options.now)},"status":${JSON.stringify(options.status)},` +
    `"alarms":${alarmsJson(options.alarms)},"unknown":${JSON.stringify(options.unknown)},` +
    `"parameters":{${parts.join(",")}}}`
  );
}

export function changeMessage(change: ParameterChange, type: number, encoding: ParameterEncoding): string {
  return (
    `{"type":"change","index":${change.index},"name":${JSON.stringify(change.name)},` +
    `"value":${encoding.value(type, change.value)},"old_value":${encoding.value(type, change.oldValue)},` +
    `"timestamp":${iso(change.timestamp)},"origin":"${change.origin}"}`
  );
}

export function statusMessage(status: LiveStatus, now: number): string {
  return `{"type":"status","timestamp":${iso(now)},${JSON.stringify(status).slice(1)}`;
}

export function alarmsMessage(alarms: readonly Alarm[], now: number): string {
  const active = alarms.filter((a) => a.toDate === null).length;
  return `{"type":"alarms","timestamp":${iso(now)},"active":${active},"alarms":${alarmsJson(alarms)}}`;
}

/** A job has ended (nothing is waited for any more, so no wait fields). */
export function writeMessage(job: WriteJob, now: number): string {
  const fields = writeJobFields(job, { waitingFor: undefined, expectedSendInMs: undefined });
  return `{"type":"write","timestamp":${iso(now)},${fields}}`;
}

/** The virtual thermostat's status, whole (a client needs no earlier message to read it). */
export function thermostatMessage(status: ThermostatStatusView, now: number): string {
  return `{"type":"thermostat","timestamp":${iso(now)},${JSON.stringify(status).slice(1)}`;
}
