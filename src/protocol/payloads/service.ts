/**
 * SERVICE (0x68) payloads: `[function u16 LE][function-specific bytes]` (PROTOCOL.md §5.7, §16).
 * Token grant/return, clock and device-table broadcasts, pairing, and the alarm-read request.
 */
import { ServiceFunction } from "../constants.js";
import type { Result } from "../result.js";
import { decodeWith, PayloadError, PayloadReader, PayloadWriter } from "./reader.js";

export interface ServiceMessage {
  function: number;
  /** Bytes after the function code. */
  body: Buffer;
}

export function encodeService(fn: number, body: Uint8Array = Buffer.alloc(0)): Buffer {
  return new PayloadWriter().u16(fn).bytes(body).build();
}

export function decodeService(payload: Buffer): Result<ServiceMessage, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "SERVICE");
    const fn = reader.u16("function");
    return { function: fn, body: reader.rest() };
  });
}

/** Token grant (panel → device). Its extra bytes are unknown; receivers look only at the function. */
export function encodeTokenGrant(): Buffer {
  return encodeService(ServiceFunction.TOKEN_GRANT, Buffer.from([0, 0]));
}

/** Token return (device → panel): `00 08 00 00`. */
export function encodeTokenReturn(): Buffer {
  return encodeService(ServiceFunction.TOKEN_RETURN, Buffer.from([0, 0]));
}

/** True when a SERVICE payload carries the given function. */
export function isServiceFunction(payload: Buffer, fn: number): boolean {
  return payload.length >= 2 && payload.readUInt16LE(0) === fn;
}

/** The 8 bytes after the function code shared by the clock broadcast and the alarm request. */
export const SERVICE_PREFIX = Buffer.from([0x00, 0x00, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00]);

// --- Clock (0x0023) ---------------------------------------------------------------------------

export interface ClockBroadcast {
  second: number;
  minute: number;
  hour: number;
  day: number;
  month: number;
  year: number;
  /** Monday = 1 … Sunday = 7 (hypothesis, §16.6). */
  weekday: number;
  /** The 8 bytes before the time fields. */
  prefix: Buffer;
  /** The 2 bytes after them (`01 00` in the capture). */
  trailer: Buffer;
}

export function encodeClock(
  clock: Omit<ClockBroadcast, "prefix" | "trailer"> & Partial<ClockBroadcast>,
): Buffer {
  return new PayloadWriter()
    .u16(ServiceFunction.CLOCK)
    .bytes(clock.prefix ?? SERVICE_PREFIX)
    .u8(clock.second)
    .u8(clock.minute)
    .u8(clock.hour)
    .u8(clock.day)
    .u8(clock.month)
    .u16(clock.year)
    .u8(clock.weekday)
    .bytes(clock.trailer ?? Buffer.from([0x01, 0x00]))
    .build();
}

/** Clock fields for a local date (weekday Monday = 1). */
export function clockFromDate(date: Date): Omit<ClockBroadcast, "prefix" | "trailer"> {
  return {
    second: date.getSeconds(),
    minute: date.getMinutes(),
    hour: date.getHours(),
    day: date.getDate(),
    month: date.getMonth() + 1,
    year: date.getFullYear(),
    weekday: date.getDay() === 0 ? 7 : date.getDay(),
  };
}

export function decodeClock(payload: Buffer): Result<ClockBroadcast, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "clock broadcast");
    expectFunction(reader, ServiceFunction.CLOCK);
    const prefix = reader.take(8, "prefix");
    const second = reader.u8("second");
    const minute = reader.u8("minute");
    const hour = reader.u8("hour");
    const day = reader.u8("day");
    const month = reader.u8("month");
    const year = reader.u16("year");
    const weekday = reader.u8("weekday");
    const trailer = reader.rest();
    return { second, minute, hour, day, month, year, weekday, prefix, trailer };
  });
}

function expectFunction(reader: PayloadReader, fn: number): void {
  const actual = reader.u16("function");
  if (actual !== fn) {
    throw new PayloadError(
      `expected SERVICE function 0x${fn.toString(16).padStart(4, "0")}, got 0x${actual.toString(16).padStart(4, "0")}`,
      reader.bytes,
    );
  }
}

// --- Device table (0x2001) --------------------------------------------------------------------

export interface DeviceTableEntry {
  address: number;
  /** Temperature the device reports (°C; may be NaN). */
  temperature: number;
}

export function encodeDeviceTable(entries: readonly DeviceTableEntry[]): Buffer {
  const writer = new PayloadWriter().u16(ServiceFunction.DEVICE_TABLE).u16(0);
  for (const entry of entries) writer.u16(entry.address).f32(entry.temperature);
  return writer.build();
}

export function decodeDeviceTable(payload: Buffer): Result<DeviceTableEntry[], PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "device table");
    expectFunction(reader, ServiceFunction.DEVICE_TABLE);
    reader.take(2, "reserved bytes");
    if (reader.remaining % 6 !== 0) {
      throw new PayloadError(`device table: ${reader.remaining} entry bytes is not a multiple of 6`, payload);
    }
    const entries: DeviceTableEntry[] = [];
    while (reader.remaining > 0) {
      const address = reader.u16("address");
      const raw = reader.f32("temperature");
      entries.push({ address, temperature: Number.isFinite(raw) ? Math.round(raw * 100) / 100 : raw });
    }
    return entries;
  });
}

// --- Pairing (0x2004 beacon, 0x2005 address assignment) ----------------------------------------

export function encodePairingBeacon(): Buffer {
  return encodeService(ServiceFunction.PAIRING_BEACON, Buffer.from([0, 0]));
}

/** Offset of the assigned address in a 0x2005 payload (provisional, §17.5). */
export const ASSIGNED_ADDRESS_OFFSET = 4;

export function encodeAddressAssignment(address: number): Buffer {
  return new PayloadWriter().u16(ServiceFunction.ADDRESS_ASSIGNMENT).u16(0).u16(address).build();
}

export function decodeAddressAssignment(payload: Buffer): Result<{ address: number }, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "address assignment");
    expectFunction(reader, ServiceFunction.ADDRESS_ASSIGNMENT);
    reader.take(ASSIGNED_ADDRESS_OFFSET - 2, "reserved bytes");
    return { address: reader.u16("assigned address") };
  });
}

// --- Alarm read (0x0200) ----------------------------------------------------------------------

export function encodeAlarmRequest(alarmIndex: number): Buffer {
  return new PayloadWriter().u16(ServiceFunction.ALARM_READ).bytes(SERVICE_PREFIX).u8(alarmIndex).build();
}

export function decodeAlarmRequest(payload: Buffer): Result<{ alarmIndex: number }, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "alarm request");
    expectFunction(reader, ServiceFunction.ALARM_READ);
    reader.take(SERVICE_PREFIX.length, "prefix");
    const alarmIndex = reader.u8("alarm index");
    reader.end();
    return { alarmIndex };
  });
}
