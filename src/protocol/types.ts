/** Parameter type codes and value encodings (PROTOCOL.md §6). */
import { err, ok, type Result } from "./result.js";

export const TypeCode = {
  INT8: 1,
  INT16: 2,
  INT32: 3,
  UINT8: 4,
  UINT16: 5,
  UINT32: 6,
  FLOAT: 7,
  DOUBLE: 9,
  BOOL: 10,
  STRING: 12,
  INT64: 13,
  UINT64: 14,
} as const;
export type TypeCode = (typeof TypeCode)[keyof typeof TypeCode];

/** A decoded parameter value. 64-bit integers beyond 2^53 are bigints. */
export type ParameterValue = number | bigint | boolean | string;

type IntegerTypeCode = 1 | 2 | 3 | 4 | 5 | 6 | 13 | 14;

interface TypeInfo {
  name: string;
  /** Fixed wire size in bytes; undefined for strings (NUL-terminated). */
  size: number | undefined;
  kind: "integer" | "float" | "bool" | "string";
  /** Inclusive range of integer types. */
  min?: bigint;
  max?: bigint;
}

export const TYPE_INFO: Readonly<Record<TypeCode, TypeInfo>> = {
  1: { name: "int8", size: 1, kind: "integer", min: -128n, max: 127n },
  2: { name: "int16", size: 2, kind: "integer", min: -32768n, max: 32767n },
  3: { name: "int32", size: 4, kind: "integer", min: -2147483648n, max: 2147483647n },
  4: { name: "uint8", size: 1, kind: "integer", min: 0n, max: 255n },
  5: { name: "uint16", size: 2, kind: "integer", min: 0n, max: 65535n },
  6: { name: "uint32", size: 4, kind: "integer", min: 0n, max: 4294967295n },
  7: { name: "float", size: 4, kind: "float" },
  9: { name: "double", size: 8, kind: "float" },
  10: { name: "bool", size: 1, kind: "bool" },
  12: { name: "string", size: undefined, kind: "string" },
  13: { name: "int64", size: 8, kind: "integer", min: -(2n ** 63n), max: 2n ** 63n - 1n },
  14: { name: "uint64", size: 8, kind: "integer", min: 0n, max: 2n ** 64n - 1n },
};

export function isTypeCode(code: number): code is TypeCode {
  return Object.hasOwn(TYPE_INFO, code);
}

export function typeName(code: number): string {
  return isTypeCode(code) ? TYPE_INFO[code].name : `unknown type ${code}`;
}

export function isIntegerType(code: TypeCode): code is IntegerTypeCode {
  return TYPE_INFO[code].kind === "integer";
}

export function isNumericType(code: TypeCode): boolean {
  const kind = TYPE_INFO[code].kind;
  return kind === "integer" || kind === "float";
}

/** Largest finite binary32 value. */
const FLOAT32_MAX = 3.4028234663852886e38;

export type ValueErrorReason =
  | "unknown-type"
  | "truncated"
  | "not-a-number"
  | "not-an-integer"
  | "out-of-range"
  | "not-a-boolean"
  | "not-a-string"
  | "invalid-string";

export class ValueError extends Error {
  override readonly name = "ValueError";
  constructor(
    readonly reason: ValueErrorReason,
    message: string,
    /** Inclusive limits, when the reason is out-of-range. */
    readonly limits?: { min: number | bigint; max: number | bigint },
  ) {
    super(message);
  }
}

/** Beyond this magnitude a number has no hundredths left to round, and ×100 could overflow to Infinity. */
const ROUNDING_LIMIT = Number.MAX_SAFE_INTEGER / 100;

/** Floats are served rounded to 2 decimals (PROTOCOL.md §6); non-finite values stay as they are. */
export function roundFloat(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= ROUNDING_LIMIT) return value;
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? 0 : rounded;
}

function narrowInteger(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

export interface ReadValue {
  value: ParameterValue;
  /** Bytes the value occupied, including a string's NUL. */
  size: number;
}

/** Wire size by type code: bytes for fixed-size types, 0 for strings, -1 for undefined codes. */
const WIRE_SIZE: Int8Array = (() => {
  const sizes = new Int8Array(16).fill(-1);
  for (const [code, info] of Object.entries(TYPE_INFO)) sizes[Number(code)] = info.size ?? 0;
  return sizes;
})();

/** Receives a value from {@link readValueInto}; reuse one per payload to avoid allocation. */
export interface ValueSlot {
  value: ParameterValue;
}

/** 8 bytes to reassemble floats through, with explicit little-endian reads. */
const scratchBytes = new Uint8Array(8);
const scratchView = new DataView(scratchBytes.buffer);

/**
 * Reads the value of `type` at `offset` into `slot.value` and returns the offset after it (a
 * string's NUL included), or -1 when the type is undefined or the value runs past the end —
 * {@link readValue} then says why. The allocation-free hot path of value responses.
 */
export function readValueInto(type: number, bytes: Buffer, offset: number, slot: ValueSlot): number {
  const size = type >= 0 && type < WIRE_SIZE.length ? WIRE_SIZE[type]! : -1;
  if (size < 0) return -1;
  const next = offset + size;
  if (size > 0 && next > bytes.length) return -1;
  // The types this controller uses most, kept small enough to be inlined into callers' loops.
  switch (type) {
    case TypeCode.UINT8:
      slot.value = bytes[offset]!;
      return next;
    case TypeCode.UINT32:
      slot.value =
        (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16)) +
        bytes[offset + 3]! * 0x1000000;
      return next;
    case TypeCode.FLOAT:
      scratchBytes[0] = bytes[offset]!;
      scratchBytes[1] = bytes[offset + 1]!;
      scratchBytes[2] = bytes[offset + 2]!;
      scratchBytes[3] = bytes[offset + 3]!;
      slot.value = roundFloat(scratchView.getFloat32(0, true));
      return next;
    case TypeCode.UINT16:
      slot.value = bytes[offset]! | (bytes[offset + 1]! << 8);
      return next;
    default:
      return readOtherValueInto(type, bytes, offset, next, slot);
  }
}

function readOtherValueInto(
  type: number,
  bytes: Buffer,
  offset: number,
  next: number,
  slot: ValueSlot,
): number {
  switch (type) {
    case TypeCode.STRING: {
      let nul = offset;
      while (nul < bytes.length && bytes[nul] !== 0) nul++;
      if (nul === bytes.length) return -1;
      slot.value = bytes.toString("utf8", offset, nul);
      return nul + 1;
    }
    case TypeCode.INT8:
      slot.value = (bytes[offset]! << 24) >> 24;
      return next;
    case TypeCode.INT16:
      slot.value = ((bytes[offset]! | (bytes[offset + 1]! << 8)) << 16) >> 16;
      return next;
    case TypeCode.INT32:
      slot.value =
        bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
      return next;
    case TypeCode.BOOL:
      slot.value = bytes[offset] !== 0;
      return next;
    default:
      // 64-bit integers and doubles: rare, read through the scratch view.
      scratchBytes.set(bytes.subarray(offset, next));
      if (type === TypeCode.DOUBLE) slot.value = roundFloat(scratchView.getFloat64(0, true));
      else if (type === TypeCode.INT64) slot.value = narrowInteger(scratchView.getBigInt64(0, true));
      else slot.value = narrowInteger(scratchView.getBigUint64(0, true));
      return next;
  }
}

/** Reads one value of `type` at `offset`; a value that runs past the end is an error. */
export function readValue(type: number, bytes: Buffer, offset: number): Result<ReadValue, ValueError> {
  const slot: ValueSlot = { value: 0 };
  const next = readValueInto(type, bytes, offset, slot);
  if (next >= 0) return ok({ value: slot.value, size: next - offset });
  if (!isTypeCode(type)) return err(new ValueError("unknown-type", `type code ${type} is not defined`));
  const info = TYPE_INFO[type];
  if (info.size === undefined)
    return err(new ValueError("truncated", `string at offset ${offset} has no terminating NUL`));
  return err(
    new ValueError(
      "truncated",
      `${info.name} at offset ${offset} needs ${info.size} bytes, ${bytes.length - offset} left`,
    ),
  );
}

/** Decodes a value that occupies all of `bytes` (a string may omit its NUL). */
export function decodeValue(type: number, bytes: Buffer): Result<ParameterValue, ValueError> {
  if (type === TypeCode.STRING) {
    const nul = bytes.indexOf(0);
    return ok(bytes.toString("utf8", 0, nul === -1 ? bytes.length : nul));
  }
  const read = readValue(type, bytes, 0);
  if (!read.ok) return read;
  if (read.value.size !== bytes.length) {
    return err(
      new ValueError("truncated", `${typeName(type)} takes ${read.value.size} bytes, got ${bytes.length}`),
    );
  }
  return ok(read.value.value);
}

function toBigInt(type: TypeCode, value: unknown): Result<bigint, ValueError> {
  const name = TYPE_INFO[type].name;
  if (typeof value === "bigint") return ok(value);
  if (typeof value !== "number") {
    return err(new ValueError("not-a-number", `${name} needs a number, got ${describe(value)}`));
  }
  if (!Number.isFinite(value))
    return err(new ValueError("not-a-number", `${name} needs a finite number, got ${value}`));
  if (!Number.isInteger(value))
    return err(new ValueError("not-an-integer", `${name} needs an integer, got ${value}`));
  return ok(BigInt(value));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return typeof value;
}

/**
 * Encodes `value` as `type`. Never truncates or wraps: a non-integer into an integer type, an
 * integer outside the type's range, or a non-number into a number type is a {@link ValueError}.
 * Floats accept any finite number within binary32/binary64 range and NaN (a sensor without a
 * reading is NaN on the wire).
 */
export function encodeValue(type: number, value: unknown): Result<Buffer, ValueError> {
  if (!isTypeCode(type)) return err(new ValueError("unknown-type", `type code ${type} is not defined`));
  const info = TYPE_INFO[type];
  switch (info.kind) {
    case "integer": {
      const big = toBigInt(type, value);
      if (!big.ok) return big;
      const min = info.min!;
      const max = info.max!;
      if (big.value < min || big.value > max) {
        return err(
          new ValueError("out-of-range", `${big.value} does not fit ${info.name} (${min}..${max})`, {
            min: narrowInteger(min),
            max: narrowInteger(max),
          }),
        );
      }
      const out = Buffer.alloc(info.size!);
      const n = Number(big.value);
      switch (type as IntegerTypeCode) {
        case TypeCode.INT8:
          out.writeInt8(n);
          break;
        case TypeCode.INT16:
          out.writeInt16LE(n);
          break;
        case TypeCode.INT32:
          out.writeInt32LE(n);
          break;
        case TypeCode.UINT8:
          out.writeUInt8(n);
          break;
        case TypeCode.UINT16:
          out.writeUInt16LE(n);
          break;
        case TypeCode.UINT32:
          out.writeUInt32LE(n);
          break;
        case TypeCode.INT64:
          out.writeBigInt64LE(big.value);
          break;
        case TypeCode.UINT64:
          out.writeBigUInt64LE(big.value);
          break;
      }
      return ok(out);
    }
    case "float": {
      if (typeof value !== "number") {
        return err(new ValueError("not-a-number", `${info.name} needs a number, got ${describe(value)}`));
      }
      if (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) {
        return err(new ValueError("not-a-number", `${info.name} needs a finite number, got ${value}`));
      }
      const out = Buffer.alloc(info.size!);
      if (type === TypeCode.FLOAT) {
        if (Math.abs(value) > FLOAT32_MAX) {
          return err(
            new ValueError("out-of-range", `${value} does not fit float (±${FLOAT32_MAX})`, {
              min: -FLOAT32_MAX,
              max: FLOAT32_MAX,
            }),
          );
        }
        out.writeFloatLE(value);
      } else {
        out.writeDoubleLE(value);
      }
      return ok(out);
    }
    case "bool": {
      if (value === true || value === 1) return ok(Buffer.from([1]));
      if (value === false || value === 0) return ok(Buffer.from([0]));
      return err(
        new ValueError(
          "not-a-boolean",
          `bool needs true, false, 1 or 0, got ${JSON.stringify(value) ?? describe(value)}`,
        ),
      );
    }
    case "string": {
      if (typeof value !== "string") {
        return err(new ValueError("not-a-string", `string needs a string, got ${describe(value)}`));
      }
      if (value.includes("\0"))
        return err(new ValueError("invalid-string", "a string value cannot contain NUL"));
      const text = Buffer.from(value, "utf8");
      const out = Buffer.alloc(text.length + 1);
      text.copy(out);
      return ok(out);
    }
  }
}
