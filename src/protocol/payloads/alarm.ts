/**
 * The 15-byte alarm record at the start of the panel's SERVICE_RESPONSE to an alarm read
 * (PROTOCOL.md §16.4): code u8, from-date, to-date; a date is year i16 LE, month, day, hour,
 * minute, second. An all-0xFF or invalid from-date ends the list; such a to-date means "active".
 */
import type { Result } from "../result.js";
import { decodeWith, PayloadReader, PayloadWriter } from "./reader.js";

export const ALARM_RECORD_LENGTH = 15;
const DATE_LENGTH = 7;

export interface AlarmDate {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface AlarmRecord {
  code: number;
  /** Undefined when the from-date is all 0xFF or invalid: the end of the list. */
  from: AlarmDate | undefined;
  /** Undefined while the alarm is active. */
  to: AlarmDate | undefined;
}

function readDate(reader: PayloadReader, field: string): AlarmDate | undefined {
  const raw = reader.take(DATE_LENGTH, field);
  const date = {
    year: raw.readInt16LE(0),
    month: raw[2]!,
    day: raw[3]!,
    hour: raw[4]!,
    minute: raw[5]!,
    second: raw[6]!,
  };
  return isValidDate(date) ? date : undefined;
}

function isValidDate(date: AlarmDate): boolean {
  return (
    date.year >= 1 &&
    date.month >= 1 &&
    date.month <= 12 &&
    date.day >= 1 &&
    date.day <= 31 &&
    date.hour <= 23 &&
    date.minute <= 59 &&
    date.second <= 59
  );
}

/** Decodes the record at the start of the payload; bytes after the 15 are ignored. */
export function decodeAlarmRecord(payload: Buffer): Result<AlarmRecord, import("./reader.js").PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "alarm record");
    const code = reader.u8("code");
    const from = readDate(reader, "from-date");
    const to = readDate(reader, "to-date");
    return { code, from, to };
  });
}

function writeDate(writer: PayloadWriter, date: AlarmDate | undefined): void {
  if (date === undefined) {
    writer.bytes(Buffer.alloc(DATE_LENGTH, 0xff));
    return;
  }
  writer.i16(date.year).u8(date.month).u8(date.day).u8(date.hour).u8(date.minute).u8(date.second);
}

export function encodeAlarmRecord(record: AlarmRecord): Buffer {
  const writer = new PayloadWriter().u8(record.code);
  writeDate(writer, record.from);
  writeDate(writer, record.to);
  return writer.build();
}

/** The record that marks the end of the alarm history. */
export const END_OF_ALARMS: Buffer = Buffer.alloc(ALARM_RECORD_LENGTH, 0xff);

/** Naive ISO 8601 `YYYY-MM-DDTHH:MM:SS` in the controller's local time. */
export function formatAlarmDate(date: AlarmDate): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(date.year).padStart(4, "0")}-${two(date.month)}-${two(date.day)}T${two(date.hour)}:${two(date.minute)}:${two(date.second)}`;
}
