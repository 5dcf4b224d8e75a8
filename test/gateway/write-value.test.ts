import { describe, expect, it } from "vitest";
import { httpStatusOf } from "../../src/bridges/http/write-status.js";
import { WriteError } from "../../src/gateway/write-errors.js";
import { MAX_STRING_WRITE_BYTES, prepareWrite, readBackMatches } from "../../src/gateway/write-value.js";
import { TypeCode } from "../../src/protocol/index.js";

const open = { min: null, max: null };

function failure(fn: () => unknown): WriteError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WriteError) return error;
    throw error;
  }
  throw new Error("expected a WriteError");
}

describe("prepareWrite", () => {
  it("encodes an in-range integer", () => {
    expect(prepareWrite("HDWTSetPoint", TypeCode.UINT8, 46, { min: 35, max: 65 })).toEqual({
      value: 46,
      bytes: Buffer.from([46]),
    });
  });

  it("refuses a fraction for an integer type instead of truncating it (not-a-whole-number)", () => {
    for (const [type, value] of [
      [TypeCode.UINT8, 45.5],
      [TypeCode.UINT8, 46.9],
      [TypeCode.INT8, 10.5],
      [TypeCode.INT8, -0.5],
      [TypeCode.UINT16, 0.001],
      [TypeCode.UINT32, 16776960.5],
      [TypeCode.INT32, 1.0000001],
    ] as const) {
      const error = failure(() => prepareWrite("x", type, value, open));
      expect(error.failure, `${type} ${value}`).toBe("not-a-whole-number");
      expect(httpStatusOf(error)).toBe(400);
      expect(error.message).toContain(String(value));
    }
    // The message says what would be accepted.
    expect(failure(() => prepareWrite("HDWTSetPoint", TypeCode.UINT8, 45.5, open)).message).toMatch(
      /HDWTSetPoint is uint8 .*whole numbers.*send 45 or 46/,
    );
  });

  it("accepts integral numbers for integer types (Home Assistant sends 46 or 46.0, both parse to 46)", () => {
    expect(prepareWrite("x", TypeCode.UINT8, JSON.parse("46.0") as number, { min: 35, max: 65 }).value).toBe(
      46,
    );
    expect(prepareWrite("x", TypeCode.UINT32, 16776960, open).bytes.readUInt32LE(0)).toBe(16776960);
    expect(prepareWrite("x", TypeCode.INT8, -0, open).value).toBe(0);
    expect(Object.is(prepareWrite("x", TypeCode.INT8, -0, open).value, -0)).toBe(false);
  });

  it("range-checks the value that is sent: 65.9 for a maximum of 65 is refused, not written as 65", () => {
    expect(failure(() => prepareWrite("x", TypeCode.UINT8, 65.9, { min: 35, max: 65 })).failure).toBe(
      "not-a-whole-number",
    );
    expect(failure(() => prepareWrite("x", TypeCode.FLOAT, 65.9, { min: 35, max: 65 })).failure).toBe(
      "out-of-range",
    );
    expect(failure(() => prepareWrite("x", TypeCode.FLOAT, 65.00001, { min: 35, max: 65 })).failure).toBe(
      "out-of-range",
    );
    // A limit that is itself a float read back with 2 decimals is compared as binary32, like the controller does.
    expect(prepareWrite("x", TypeCode.FLOAT, 21.1, { min: 10, max: 21.1 }).bytes.readFloatLE(0)).toBe(
      Math.fround(21.1),
    );
    expect(prepareWrite("x", TypeCode.FLOAT, 21.1, { min: 21.1, max: 35 }).value).toBe(21.1);
  });

  it("refuses 64-bit integers beyond 2^53, which a JSON number cannot carry exactly", () => {
    expect(failure(() => prepareWrite("x", TypeCode.UINT64, 2 ** 60, open)).failure).toBe(
      "not-representable",
    );
    expect(prepareWrite("x", TypeCode.INT64, -(2 ** 53 - 1), open).bytes.readBigInt64LE(0)).toBe(
      -(2n ** 53n - 1n),
    );
  });

  it("names the range when a value is outside it", () => {
    const error = failure(() => prepareWrite("HDWTSetPoint", TypeCode.UINT8, 70, { min: 35, max: 65 }));
    expect(error.failure).toBe("out-of-range");
    expect(error.message).toContain("35..65");
    expect(httpStatusOf(error)).toBe(400);
  });

  it("refuses strings, null, NaN and Infinity for numbers with wrong-type", () => {
    for (const value of ["46", null, Number.NaN, Number.POSITIVE_INFINITY, {}, [1], true]) {
      expect(failure(() => prepareWrite("x", TypeCode.FLOAT, value, open)).failure).toBe("wrong-type");
    }
  });

  it("refuses values the wire type cannot hold", () => {
    expect(failure(() => prepareWrite("x", TypeCode.UINT8, 300, open)).failure).toBe("not-representable");
    expect(failure(() => prepareWrite("x", TypeCode.UINT16, -1, open)).failure).toBe("not-representable");
    expect(failure(() => prepareWrite("x", TypeCode.INT8, 128, open)).failure).toBe("not-representable");
    expect(failure(() => prepareWrite("x", TypeCode.UINT32, 2 ** 32, open)).failure).toBe(
      "not-representable",
    );
    expect(failure(() => prepareWrite("x", TypeCode.FLOAT, 1e39, open)).failure).toBe("not-representable");
  });

  it("accepts true/false/1/0 for bools only", () => {
    expect(prepareWrite("b", TypeCode.BOOL, 1, open).value).toBe(true);
    expect(prepareWrite("b", TypeCode.BOOL, false, open).bytes).toEqual(Buffer.from([0]));
    expect(failure(() => prepareWrite("b", TypeCode.BOOL, 2, open)).failure).toBe("wrong-type");
  });

  it("writes floats as binary32", () => {
    const prepared = prepareWrite("t", TypeCode.FLOAT, 21.5, { min: 10, max: 35 });
    expect(prepared.bytes.readFloatLE(0)).toBe(21.5);
  });

  it("accepts floats that binary32 rounds by less than the 2-decimal display step (21.1, 0.3, 1e-30)", () => {
    for (const value of [21.1, 0.3, 0.1, -4.7, 999, 1e-30, 3e-45, 2 ** 100, 16777216, 123456.79]) {
      const prepared = prepareWrite("t", TypeCode.FLOAT, value, open);
      expect(prepared.value, String(value)).toBe(value);
      expect(prepared.bytes.readFloatLE(0)).toBe(Math.fround(value));
    }
  });

  it("refuses floats that binary32 would change materially: underflow to 0, overflow, lost digits", () => {
    for (const [value, message] of [
      [1e-320, /would reach t as 0/],
      [-1e-46, /would reach t as 0/],
      [1e39, /at most ±3\.40282/],
      [-3.5e38, /at most ±3\.40282/],
      [Number.MAX_VALUE, /at most ±3\.40282/],
      [16777217, /would reach t as 16777216/],
      [1e38, /would reach t as 9\.99999968\d*e\+37/],
      [131072.01, /would reach t as 131072\.015625/],
    ] as const) {
      const error = failure(() => prepareWrite("t", TypeCode.FLOAT, value, open));
      expect(error.failure, String(value)).toBe("not-representable");
      expect(error.message).toMatch(message);
    }
    // A double parameter holds every finite JS number exactly.
    expect(prepareWrite("d", TypeCode.DOUBLE, 1e-320, open).bytes.readDoubleLE(0)).toBe(1e-320);
  });

  it("refuses a string longer than one MODIFY_PARAM frame can carry, naming the limit in bytes", () => {
    expect(MAX_STRING_WRITE_BYTES).toBe(995); // 1,024 − 11 (frame) − 17 (auth, count, index) − 1 (NUL)
    expect(prepareWrite("FN", TypeCode.STRING, "x".repeat(995), open).bytes.length).toBe(996);
    const error = failure(() => prepareWrite("FN", TypeCode.STRING, "x".repeat(996), open));
    expect(error).toMatchObject({ failure: "too-long" });
    expect(httpStatusOf(error as WriteError)).toBe(400);
    expect(error.message).toMatch(/996 bytes of UTF-8 \(996 characters\); at most 995 bytes fit one write/);
    // Bytes, not characters: 500 × "é" is 1,000 bytes.
    expect(failure(() => prepareWrite("FN", TypeCode.STRING, "é".repeat(500), open)).message).toMatch(
      /1000 bytes of UTF-8 \(500 characters\)/,
    );
    expect(failure(() => prepareWrite("FN", TypeCode.STRING, "x".repeat(1100), open)).failure).toBe(
      "too-long",
    );
  });

  it("refuses a string longer than the descriptor's declared maximum length, naming both limits", () => {
    const error = failure(() => prepareWrite("FN", TypeCode.STRING, "123456789012", { min: 0, max: 11 }));
    expect(error.failure).toBe("too-long");
    expect(error.message).toMatch(
      /12 bytes .*at most 995 bytes fit one write .*descriptor allows at most 11/,
    );
    expect(prepareWrite("FN", TypeCode.STRING, "12345678901", { min: 0, max: 11 }).value).toBe("12345678901");
  });

  it("refuses a string with an unpaired surrogate, which UTF-8 would replace", () => {
    for (const value of ["\ud800", "a\udc00b", "\udbff\udbff"]) {
      expect(failure(() => prepareWrite("s", TypeCode.STRING, value, open)).failure).toBe(
        "not-representable",
      );
    }
    expect(prepareWrite("s", TypeCode.STRING, "😀", open).bytes).toEqual(Buffer.from("😀\0"));
  });

  it("accepts strings for string parameters only", () => {
    expect(prepareWrite("s", TypeCode.STRING, "abc", open).bytes).toEqual(Buffer.from("abc\0"));
    expect(failure(() => prepareWrite("s", TypeCode.STRING, 5, open)).failure).toBe("wrong-type");
    expect(failure(() => prepareWrite("s", TypeCode.STRING, "a\0b", open)).failure).toBe("not-representable");
  });
});

describe("readBackMatches", () => {
  it("compares floats at the API's two decimals and everything else exactly", () => {
    expect(readBackMatches(TypeCode.FLOAT, 0.3, 0.3)).toBe(true);
    expect(readBackMatches(TypeCode.FLOAT, 21.456, 21.46)).toBe(true);
    expect(readBackMatches(TypeCode.FLOAT, 21.5, 21.4)).toBe(false);
    expect(readBackMatches(TypeCode.UINT8, 46, 46)).toBe(true);
    expect(readBackMatches(TypeCode.UINT8, 46, 45)).toBe(false);
    expect(readBackMatches(TypeCode.UINT8, 46, undefined)).toBe(false);
  });
});
