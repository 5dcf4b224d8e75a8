import { describe, expect, it } from "vitest";
import { WriteError } from "../../src/gateway/write-errors.js";
import { prepareWrite, readBackMatches } from "../../src/gateway/write-value.js";
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

  it("takes the integer part of a fractional value for integer types, then range-checks it", () => {
    expect(prepareWrite("x", TypeCode.UINT8, 46.9, { min: 35, max: 65 }).value).toBe(46);
    expect(failure(() => prepareWrite("x", TypeCode.UINT8, 65.5, { min: 35, max: 64 })).failure).toBe(
      "out-of-range",
    );
  });

  it("names the range when a value is outside it", () => {
    const error = failure(() => prepareWrite("HDWTSetPoint", TypeCode.UINT8, 70, { min: 35, max: 65 }));
    expect(error.failure).toBe("out-of-range");
    expect(error.message).toContain("35..65");
    expect(error.httpStatus).toBe(400);
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
