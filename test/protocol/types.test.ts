import { describe, expect, it } from "vitest";
import {
  decodeValue,
  encodeValue,
  isIntegerType,
  isNumericType,
  isTypeCode,
  type ParameterValue,
  readValue,
  roundFloat,
  TYPE_INFO,
  TypeCode,
  typeName,
  ValueError,
  type ValueErrorReason,
} from "../../src/protocol/types.js";
import { hex, THERMOSTAT_NAN } from "./vectors.js";

function decoded(type: number, bytes: string): ParameterValue {
  const result = decodeValue(type, hex(bytes));
  if (!result.ok) throw result.error;
  return result.value;
}

function encoded(type: number, value: unknown): string {
  const result = encodeValue(type, value);
  if (!result.ok) throw result.error;
  return result.value.toString("hex");
}

function encodeError(type: number, value: unknown): ValueError {
  const result = encodeValue(type, value);
  if (result.ok) throw new Error(`expected ${String(value)} to be refused as ${typeName(type)}`);
  expect(result.error).toBeInstanceOf(ValueError);
  return result.error;
}

describe("type codes (PROTOCOL.md §6)", () => {
  it("defines exactly the twelve codes with their names and sizes", () => {
    const table = Object.entries(TYPE_INFO).map(([code, info]) => [
      Number(code),
      info.name,
      info.size ?? "variable",
    ]);
    expect(table).toEqual([
      [1, "int8", 1],
      [2, "int16", 2],
      [3, "int32", 4],
      [4, "uint8", 1],
      [5, "uint16", 2],
      [6, "uint32", 4],
      [7, "float", 4],
      [9, "double", 8],
      [10, "bool", 1],
      [12, "string", "variable"],
      [13, "int64", 8],
      [14, "uint64", 8],
    ]);
  });

  it.each([0, 8, 11, 15, 16, -1])("treats code %i as undefined", (code) => {
    expect(isTypeCode(code)).toBe(false);
    expect(typeName(code)).toBe(`unknown type ${code}`);
    expect(encodeError(code, 1).reason).toBe("unknown-type");
    const read = readValue(code, Buffer.alloc(8), 0);
    expect(read.ok || read.error.reason).toBe("unknown-type");
  });

  it("classifies integer and numeric types", () => {
    expect([1, 2, 3, 4, 5, 6, 13, 14].every((c) => isIntegerType(c as TypeCode))).toBe(true);
    expect(isIntegerType(TypeCode.FLOAT)).toBe(false);
    expect(isNumericType(TypeCode.DOUBLE)).toBe(true);
    expect(isNumericType(TypeCode.BOOL)).toBe(false);
    expect(isNumericType(TypeCode.STRING)).toBe(false);
  });
});

describe("decoding values", () => {
  it.each([
    [TypeCode.INT8, "ff", -1],
    [TypeCode.INT8, "80", -128],
    [TypeCode.INT8, "7f", 127],
    [TypeCode.INT16, "00 80", -32768],
    [TypeCode.INT16, "34 12", 0x1234],
    [TypeCode.INT32, "ff ff ff ff", -1],
    [TypeCode.INT32, "00 00 00 80", -2147483648],
    [TypeCode.UINT8, "ff", 255],
    [TypeCode.UINT16, "ff ff", 65535],
    [TypeCode.UINT16, "93 01", 403],
    [TypeCode.UINT32, "ff ff ff ff", 4294967295],
    [TypeCode.UINT32, "01 00 00 00", 1],
    [TypeCode.INT64, "ff ff ff ff ff ff ff ff", -1],
    [TypeCode.INT64, "ff ff ff ff ff ff 1f 00", Number.MAX_SAFE_INTEGER],
    [TypeCode.UINT64, "00 00 00 00 00 00 00 00", 0],
  ] as const)("type %i: %s → %d", (type, bytes, value) => {
    expect(decoded(type, bytes)).toBe(value);
  });

  it("returns bigints for 64-bit values beyond 2^53", () => {
    expect(decoded(TypeCode.INT64, "00 00 00 00 00 00 00 80")).toBe(-(2n ** 63n));
    expect(decoded(TypeCode.INT64, "00 00 00 00 00 00 20 00")).toBe(2n ** 53n);
    expect(decoded(TypeCode.UINT64, "ff ff ff ff ff ff ff ff")).toBe(2n ** 64n - 1n);
    expect(decoded(TypeCode.INT64, "00 00 00 00 00 00 e0 ff")).toBe(-(2n ** 53n));
  });

  it("rounds floats to 2 decimals", () => {
    expect(decoded(TypeCode.FLOAT, "68 38 97 41")).toBe(18.9); // 18.9002… (thermostat IntrSens)
    expect(decoded(TypeCode.FLOAT, "7c 3c a6 41")).toBe(20.78); // 20.7795… (device table)
    expect(decoded(TypeCode.FLOAT, "9a 99 99 3e")).toBe(0.3);
    expect(decoded(TypeCode.FLOAT, "00 00 7a 44")).toBe(1000);
    expect(decoded(TypeCode.FLOAT, "00 c0 79 44")).toBe(999); // the controller's "no sensor"
    expect(decoded(TypeCode.DOUBLE, "9a 99 99 99 99 99 b9 3f")).toBe(0.1);
    expect(decoded(TypeCode.DOUBLE, "1f 85 eb 51 b8 1e 09 40")).toBe(3.14);
  });

  it("never turns a tiny negative float into -0", () => {
    const value = decoded(TypeCode.FLOAT, Buffer.from(new Float32Array([-0.001]).buffer).toString("hex"));
    expect(Object.is(value, 0)).toBe(true);
    expect(Object.is(roundFloat(-0), 0)).toBe(true);
  });

  it("keeps NaN and infinities as they are", () => {
    expect(decoded(TypeCode.FLOAT, THERMOSTAT_NAN)).toBeNaN();
    expect(decoded(TypeCode.FLOAT, "00 00 80 7f")).toBe(Number.POSITIVE_INFINITY);
    expect(decoded(TypeCode.DOUBLE, "00 00 00 00 00 00 f8 7f")).toBeNaN();
  });

  it("keeps huge finite doubles finite", () => {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(1e308);
    expect(decoded(TypeCode.DOUBLE, bytes.toString("hex"))).toBe(1e308);
    bytes.writeDoubleLE(-Number.MAX_VALUE);
    expect(decoded(TypeCode.DOUBLE, bytes.toString("hex"))).toBe(-Number.MAX_VALUE);
    expect(roundFloat(3.4028234663852886e38)).toBe(3.4028234663852886e38);
  });

  it("decodes bool 0 as false and any non-zero byte as true", () => {
    expect(decoded(TypeCode.BOOL, "00")).toBe(false);
    expect(decoded(TypeCode.BOOL, "01")).toBe(true);
    expect(decoded(TypeCode.BOOL, "ff")).toBe(true);
  });

  it("decodes strings as UTF-8 up to NUL, with replacement for invalid bytes", () => {
    expect(decoded(TypeCode.STRING, "53 30 32 34 2e 32 35 00")).toBe("S024.25");
    expect(decoded(TypeCode.STRING, "c2 b0 43 00")).toBe("°C");
    expect(decoded(TypeCode.STRING, "ff fe 41 00")).toBe("\ufffd\ufffdA");
    expect(decoded(TypeCode.STRING, "41 42")).toBe("AB"); // a whole-buffer string may omit its NUL
    expect(decoded(TypeCode.STRING, "41 00 42 43")).toBe("A");
    expect(decoded(TypeCode.STRING, "00")).toBe("");
  });

  it("refuses a fixed-size value with the wrong number of bytes", () => {
    const short = decodeValue(TypeCode.UINT32, hex("01 02 03"));
    expect(!short.ok && short.error.reason).toBe("truncated");
    expect(!short.ok && short.error.message).toMatch(/uint32 at offset 0 needs 4 bytes, 3 left/);
    const long = decodeValue(TypeCode.UINT16, hex("01 02 03"));
    expect(!long.ok && long.error.message).toMatch(/uint16 takes 2 bytes, got 3/);
  });
});

describe("reading values inside a payload", () => {
  it("reads at an offset and reports the bytes used, including a string's NUL", () => {
    const bytes = hex("c2 53 30 32 34 2e 32 35 00 c2 48 32 00 01 e8 03");
    const first = readValue(TypeCode.STRING, bytes, 1);
    expect(first).toEqual({ ok: true, value: { value: "S024.25", size: 8 } });
    const second = readValue(TypeCode.STRING, bytes, 10);
    expect(second).toEqual({ ok: true, value: { value: "H2", size: 3 } });
    expect(readValue(TypeCode.UINT16, bytes, 14)).toEqual({ ok: true, value: { value: 1000, size: 2 } });
  });

  it("refuses a value that runs past the end", () => {
    const bytes = hex("01 02 03");
    const u32 = readValue(TypeCode.UINT32, bytes, 1);
    expect(!u32.ok && u32.error.reason).toBe("truncated");
    expect(!u32.ok && u32.error.message).toBe("uint32 at offset 1 needs 4 bytes, 2 left");
    const text = readValue(TypeCode.STRING, bytes, 0);
    expect(!text.ok && text.error.message).toBe("string at offset 0 has no terminating NUL");
  });
});

describe("encoding values", () => {
  it.each([
    [TypeCode.INT8, -128, "80"],
    [TypeCode.INT8, 127, "7f"],
    [TypeCode.INT16, -2, "feff"],
    [TypeCode.INT32, -2147483648, "00000080"],
    [TypeCode.UINT8, 50, "32"],
    [TypeCode.UINT16, 403, "9301"],
    [TypeCode.UINT32, 1, "01000000"],
    [TypeCode.UINT32, 4294967295, "ffffffff"],
    [TypeCode.INT64, -1, "ffffffffffffffff"],
    [TypeCode.INT64, -(2n ** 63n), "0000000000000080"],
    [TypeCode.UINT64, 2n ** 64n - 1n, "ffffffffffffffff"],
    [TypeCode.UINT64, 2 ** 60, "0000000000000010"],
    [TypeCode.UINT8, 5n, "05"],
    [TypeCode.INT8, -0, "00"],
  ] as const)("type %i: %s → %s", (type, value, bytes) => {
    expect(encoded(type, value)).toBe(bytes);
  });

  it("encodes floats as binary32 and doubles as binary64, little-endian", () => {
    expect(encoded(TypeCode.FLOAT, 19)).toBe("00009841"); // the panel's write of 288
    expect(encoded(TypeCode.FLOAT, 0.5)).toBe("0000003f");
    expect(encoded(TypeCode.FLOAT, Number.NaN)).toBe("0000c07f"); // a sensor without reading
    expect(encoded(TypeCode.DOUBLE, 0.1)).toBe("9a9999999999b93f");
    expect(encoded(TypeCode.DOUBLE, 1e308)).toBe(
      Buffer.from(new Float64Array([1e308]).buffer).toString("hex"),
    );
  });

  it("encodes bools from true/false/1/0 only", () => {
    expect(encoded(TypeCode.BOOL, true)).toBe("01");
    expect(encoded(TypeCode.BOOL, 1)).toBe("01");
    expect(encoded(TypeCode.BOOL, false)).toBe("00");
    expect(encoded(TypeCode.BOOL, 0)).toBe("00");
    for (const bad of [2, -1, "true", null, undefined, 0.5]) {
      const error = encodeError(TypeCode.BOOL, bad);
      expect(error.reason).toBe("not-a-boolean");
      expect(error.message).toMatch(/^bool needs true, false, 1 or 0, got /);
    }
  });

  it("encodes strings as UTF-8 plus NUL", () => {
    expect(encoded(TypeCode.STRING, "H2.3.0")).toBe("48322e332e3000");
    expect(encoded(TypeCode.STRING, "°C")).toBe("c2b04300");
    expect(encoded(TypeCode.STRING, "")).toBe("00");
  });

  const refusals: {
    what: string;
    type: number;
    value: unknown;
    reason: ValueErrorReason;
    message: RegExp;
  }[] = [
    {
      what: "300 into uint8",
      type: TypeCode.UINT8,
      value: 300,
      reason: "out-of-range",
      message: /^300 does not fit uint8 \(0\.\.255\)$/,
    },
    {
      what: "-1 into uint8",
      type: TypeCode.UINT8,
      value: -1,
      reason: "out-of-range",
      message: /-1 does not fit uint8/,
    },
    {
      what: "128 into int8",
      type: TypeCode.INT8,
      value: 128,
      reason: "out-of-range",
      message: /128 does not fit int8 \(-128\.\.127\)/,
    },
    {
      what: "-129 into int8",
      type: TypeCode.INT8,
      value: -129,
      reason: "out-of-range",
      message: /does not fit int8/,
    },
    {
      what: "32768 into int16",
      type: TypeCode.INT16,
      value: 32768,
      reason: "out-of-range",
      message: /does not fit int16/,
    },
    {
      what: "65536 into uint16",
      type: TypeCode.UINT16,
      value: 65536,
      reason: "out-of-range",
      message: /does not fit uint16 \(0\.\.65535\)/,
    },
    {
      what: "2^31 into int32",
      type: TypeCode.INT32,
      value: 2 ** 31,
      reason: "out-of-range",
      message: /does not fit int32/,
    },
    {
      what: "2^32 into uint32",
      type: TypeCode.UINT32,
      value: 2 ** 32,
      reason: "out-of-range",
      message: /4294967296 does not fit uint32/,
    },
    {
      what: "2^63 into int64",
      type: TypeCode.INT64,
      value: 2n ** 63n,
      reason: "out-of-range",
      message: /does not fit int64/,
    },
    {
      what: "-1n into uint64",
      type: TypeCode.UINT64,
      value: -1n,
      reason: "out-of-range",
      message: /-1 does not fit uint64/,
    },
    {
      what: "2^64 into uint64",
      type: TypeCode.UINT64,
      value: 2n ** 64n,
      reason: "out-of-range",
      message: /does not fit uint64/,
    },
    {
      what: "1.5 into uint8",
      type: TypeCode.UINT8,
      value: 1.5,
      reason: "not-an-integer",
      message: /^uint8 needs an integer, got 1\.5$/,
    },
    {
      what: "0.1 into int64",
      type: TypeCode.INT64,
      value: 0.1,
      reason: "not-an-integer",
      message: /int64 needs an integer/,
    },
    {
      what: "NaN into int16",
      type: TypeCode.INT16,
      value: Number.NaN,
      reason: "not-a-number",
      message: /int16 needs a finite number, got NaN/,
    },
    {
      what: "Infinity into uint32",
      type: TypeCode.UINT32,
      value: Number.POSITIVE_INFINITY,
      reason: "not-a-number",
      message: /finite number, got Infinity/,
    },
    {
      what: "a numeric string into uint8",
      type: TypeCode.UINT8,
      value: "5",
      reason: "not-a-number",
      message: /uint8 needs a number, got the string "5"/,
    },
    {
      what: "true into int32",
      type: TypeCode.INT32,
      value: true,
      reason: "not-a-number",
      message: /int32 needs a number, got boolean/,
    },
    {
      what: "null into uint16",
      type: TypeCode.UINT16,
      value: null,
      reason: "not-a-number",
      message: /got null/,
    },
    {
      what: "undefined into int8",
      type: TypeCode.INT8,
      value: undefined,
      reason: "not-a-number",
      message: /got undefined/,
    },
    {
      what: "a string into float",
      type: TypeCode.FLOAT,
      value: "21.5",
      reason: "not-a-number",
      message: /float needs a number, got the string "21.5"/,
    },
    {
      what: "a bigint into double",
      type: TypeCode.DOUBLE,
      value: 1n,
      reason: "not-a-number",
      message: /double needs a number, got bigint/,
    },
    {
      what: "Infinity into float",
      type: TypeCode.FLOAT,
      value: Number.POSITIVE_INFINITY,
      reason: "not-a-number",
      message: /float needs a finite number, got Infinity/,
    },
    {
      what: "-Infinity into double",
      type: TypeCode.DOUBLE,
      value: Number.NEGATIVE_INFINITY,
      reason: "not-a-number",
      message: /double needs a finite number/,
    },
    {
      what: "1e39 into float",
      type: TypeCode.FLOAT,
      value: 1e39,
      reason: "out-of-range",
      message: /1e\+39 does not fit float/,
    },
    {
      what: "a string with NUL",
      type: TypeCode.STRING,
      value: "a\0b",
      reason: "invalid-string",
      message: /cannot contain NUL/,
    },
    {
      what: "a number into string",
      type: TypeCode.STRING,
      value: 5,
      reason: "not-a-string",
      message: /string needs a string, got number/,
    },
  ];

  it.each(refusals)("refuses $what ($reason) instead of truncating or wrapping", (c) => {
    const error = encodeError(c.type, c.value);
    expect(error.reason).toBe(c.reason);
    expect(error.message).toMatch(c.message);
  });

  it("reports the type's limits with an out-of-range error", () => {
    expect(encodeError(TypeCode.UINT8, 256).limits).toEqual({ min: 0, max: 255 });
    expect(encodeError(TypeCode.INT32, -(2 ** 31) - 1).limits).toEqual({ min: -2147483648, max: 2147483647 });
    expect(encodeError(TypeCode.UINT64, -1).limits).toEqual({ min: 0, max: 2n ** 64n - 1n });
  });
});
