/**
 * Parameter descriptors: GET_PARAMS_STRUCT_WITH_RANGE responses (0x82, controller and thermostat)
 * and GET_PARAMS_STRUCT responses (0x81, panel, no range) — PROTOCOL.md §5.2, §5.3, §8.
 */

import type { Result } from "../result.js";
import { isTypeCode, TypeCode } from "../types.js";
import { decodeWith, PayloadError, PayloadReader, PayloadWriter } from "./reader.js";

/** Descriptor type byte: low nibble = type code, 0x20 = writable, 0x10 set on controller/panel parameters. */
export const TYPE_BYTE_WRITABLE = 0x20;
export const TYPE_BYTE_FLAG_10 = 0x10;

/** Extra byte of a 0x82 entry (same high nibble as the per-value flag byte, §8.5). */
export const LimitFlag = {
  MIN_IS_REFERENCE: 0x10,
  MAX_IS_REFERENCE: 0x20,
  NO_MIN: 0x40,
  NO_MAX: 0x80,
} as const;

/** One end of a parameter's range as the descriptor states it. */
export type Limit =
  | { kind: "none" }
  | { kind: "literal"; value: number }
  /** The limit is the current value of another parameter (wire index in the same space). */
  | { kind: "reference"; index: number };

export interface ParameterDescriptor {
  name: string;
  /** Unit string as sent. */
  unit: string;
  /** The type byte as sent (type code, writable bit, unknown bits). */
  typeByte: number;
  /** Low nibble of the type byte; may be an undefined code (then the parameter cannot be parsed). */
  typeCode: number;
  writable: boolean;
  min: Limit;
  max: Limit;
  /** 0x82 entries: the extra byte as sent. */
  extra?: number;
  /** 0x81 entries: the exponent byte (meaning unknown; never applied). */
  exponent?: number;
}

export interface DescriptorBatch {
  firstIndex: number;
  /** Entry i describes parameter firstIndex + i. */
  entries: ParameterDescriptor[];
}

function isUnsignedLiteralType(typeCode: number): boolean {
  return typeCode === TypeCode.UINT8 || typeCode === TypeCode.UINT16 || typeCode === TypeCode.UINT32;
}

/** Interprets a raw 2-byte limit field per §8.3: reference bit first, then "no" bit, then literal. */
export function decodeLimit(raw: number, typeCode: number, isReference: boolean, isAbsent: boolean): Limit {
  if (isReference) return { kind: "reference", index: raw & 0xffff };
  if (isAbsent) return { kind: "none" };
  const unsigned = raw & 0xffff;
  const value = isUnsignedLiteralType(typeCode)
    ? unsigned
    : unsigned >= 0x8000
      ? unsigned - 0x10000
      : unsigned;
  return { kind: "literal", value };
}

function encodeLimitField(limit: Limit, typeCode: number): number {
  switch (limit.kind) {
    case "none":
      return 0;
    case "reference":
      if (!Number.isInteger(limit.index) || limit.index < 0 || limit.index > 0xffff) {
        throw new RangeError(`reference index ${limit.index} is not a u16`);
      }
      return limit.index;
    case "literal": {
      const v = limit.value;
      const [lo, hi] = isUnsignedLiteralType(typeCode) ? [0, 0xffff] : [-0x8000, 0x7fff];
      if (!Number.isInteger(v) || v < lo || v > hi)
        throw new RangeError(`literal limit ${v} does not fit ${lo}..${hi}`);
      return v & 0xffff;
    }
  }
}

/** The extra byte a 0x82 entry carries for these limits, keeping unknown low-nibble bits. */
export function limitFlags(min: Limit, max: Limit, lowNibble = 0): number {
  let flags = lowNibble & 0x0f;
  if (min.kind === "reference") flags |= LimitFlag.MIN_IS_REFERENCE;
  if (max.kind === "reference") flags |= LimitFlag.MAX_IS_REFERENCE;
  if (min.kind === "none") flags |= LimitFlag.NO_MIN;
  if (max.kind === "none") flags |= LimitFlag.NO_MAX;
  return flags;
}

function readHeader(reader: PayloadReader): { count: number; firstIndex: number } {
  const count = reader.u8("count");
  const firstIndex = reader.u16("first index");
  return { count, firstIndex };
}

/** Decodes a 0x82 payload: entries with name, unit, type byte, extra byte and min/max. */
export function decodeStructWithRangeResponse(payload: Buffer): Result<DescriptorBatch, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "GET_PARAMS_STRUCT_WITH_RANGE response");
    const { count, firstIndex } = readHeader(reader);
    const entries: ParameterDescriptor[] = [];
    for (let i = 0; i < count; i++) {
      const field = `entry ${i} (index ${firstIndex + i})`;
      const name = reader.cstring(`${field} name`);
      const unit = reader.cstring(`${field} unit`);
      const typeByte = reader.u8(`${field} type`);
      const extra = reader.u8(`${field} extra`);
      const minRaw = reader.u16(`${field} min`);
      const maxRaw = reader.u16(`${field} max`);
      const typeCode = typeByte & 0x0f;
      entries.push({
        name,
        unit,
        typeByte,
        typeCode,
        writable: (typeByte & TYPE_BYTE_WRITABLE) !== 0,
        extra,
        min: decodeLimit(
          minRaw,
          typeCode,
          (extra & LimitFlag.MIN_IS_REFERENCE) !== 0,
          (extra & LimitFlag.NO_MIN) !== 0,
        ),
        max: decodeLimit(
          maxRaw,
          typeCode,
          (extra & LimitFlag.MAX_IS_REFERENCE) !== 0,
          (extra & LimitFlag.NO_MAX) !== 0,
        ),
      });
    }
    reader.end();
    return { firstIndex, entries };
  });
}

/** Decodes a 0x81 payload: entries with name, unit, exponent and type byte, no range. */
export function decodeStructResponse(payload: Buffer): Result<DescriptorBatch, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "GET_PARAMS_STRUCT response");
    const { count, firstIndex } = readHeader(reader);
    const entries: ParameterDescriptor[] = [];
    for (let i = 0; i < count; i++) {
      const field = `entry ${i} (index ${firstIndex + i})`;
      const name = reader.cstring(`${field} name`);
      const unit = reader.cstring(`${field} unit`);
      const exponent = reader.i8(`${field} exponent`);
      const typeByte = reader.u8(`${field} type`);
      entries.push({
        name,
        unit,
        typeByte,
        typeCode: typeByte & 0x0f,
        writable: (typeByte & TYPE_BYTE_WRITABLE) !== 0,
        exponent,
        min: { kind: "none" },
        max: { kind: "none" },
      });
    }
    reader.end();
    return { firstIndex, entries };
  });
}

/** Size in bytes of one encoded entry. */
export function descriptorEntrySize(
  entry: Pick<ParameterDescriptor, "name" | "unit">,
  withRange: boolean,
): number {
  return Buffer.byteLength(entry.name) + Buffer.byteLength(entry.unit) + 2 + (withRange ? 6 : 2);
}

function writeEntry(writer: PayloadWriter, entry: ParameterDescriptor, withRange: boolean): void {
  writer.cstring(entry.name).cstring(entry.unit);
  if (withRange) {
    const extra = entry.extra ?? limitFlags(entry.min, entry.max);
    writer
      .u8(entry.typeByte)
      .u8(extra)
      .u16(encodeLimitField(entry.min, entry.typeCode))
      .u16(encodeLimitField(entry.max, entry.typeCode));
  } else {
    writer.i8(entry.exponent ?? 0).u8(entry.typeByte);
  }
}

/** Encodes a 0x82 (withRange) or 0x81 payload. Throws RangeError on fields that do not fit. */
export function encodeStructResponse(batch: DescriptorBatch, withRange: boolean): Buffer {
  if (batch.entries.length > 0xff)
    throw new RangeError(`${batch.entries.length} entries do not fit a u8 count`);
  const writer = new PayloadWriter().u8(batch.entries.length).u16(batch.firstIndex);
  for (const entry of batch.entries) writeEntry(writer, entry, withRange);
  return writer.build();
}

/** Builds a descriptor from its parts, deriving type code and writable bit from the type byte. */
export function makeDescriptor(
  fields: Pick<ParameterDescriptor, "name" | "unit" | "typeByte"> & Partial<ParameterDescriptor>,
): ParameterDescriptor {
  const typeCode = fields.typeByte & 0x0f;
  if (!isTypeCode(typeCode))
    throw new PayloadError(`type byte 0x${fields.typeByte.toString(16)} has no valid type code`);
  return {
    min: { kind: "none" },
    max: { kind: "none" },
    ...fields,
    typeCode,
    writable: (fields.typeByte & TYPE_BYTE_WRITABLE) !== 0,
  };
}
