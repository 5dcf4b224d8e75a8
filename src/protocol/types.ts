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

/** Reads one value of `type` at `offset`; a value that runs past the end is an error. */
export function readValue(type: number, bytes: Buffer, offset: number): Result<ReadValue, ValueError> {
  if (!isTypeCode(type)) return err(new ValueError("unknown-type", `type code ${type} is not defined`));
  const info = TYPE_INFO[type];
  if (info.size === undefined) {
    const nul = bytes.indexOf(0, offset);
    if (nul === -1)
      return err(new ValueError("truncated", `string at offset ${offset} has no terminating NUL`));
    return ok({ value: bytes.toString("utf8", offset, nul), size: nul - offset + 1 });
  }
  if (offset + info.size > bytes.length) {
    return err(
      new ValueError(
        "truncated",
        `${info.name} at offset ${offset} needs ${info.size} bytes, ${bytes.length - offset} left`,
      ),
    );
  }
  let value: ParameterValue = 0;
  switch (type) {
    case TypeCode.INT8:
      value = bytes.readInt8(offset);
      break;
    case TypeCode.INT16:
      value = bytes.readInt16LE(offset);
      break;
    case TypeCode.INT32:
      value = bytes.readInt32LE(offset);
      break;
    case TypeCode.UINT8:
      value = bytes[offset]!;
      break;
    case TypeCode.UINT16:
      value = bytes.readUInt16LE(offset);
      break;
    case TypeCode.UINT32:
      value = bytes.readUInt32LE(offset);
      break;
    case TypeCode.FLOAT:
      value = roundFloat(bytes.readFloatLE(offset));
      break;
    case TypeCode.DOUBLE:
      value = roundFloat(bytes.readDoubleLE(offset));
      break;
    case TypeCode.BOOL:
      value = bytes[offset] !== 0;
      break;
    case TypeCode.INT64:
      value = narrowInteger(bytes.readBigInt64LE(offset));
      break;
    case TypeCode.UINT64:
      value = narrowInteger(bytes.readBigUInt64LE(offset));
      break;
  }
  return ok({ value, size: info.size });
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
