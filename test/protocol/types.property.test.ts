/** encode → decode identity for random values of every type code (fast-check). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeValue,
  encodeValue,
  type ParameterValue,
  readValue,
  roundFloat,
  TYPE_INFO,
  TypeCode,
} from "../../src/protocol/types.js";

function roundTrip(type: number, value: unknown): ParameterValue {
  const encoded = encodeValue(type, value);
  if (!encoded.ok) throw encoded.error;
  const size = TYPE_INFO[type as TypeCode].size;
  if (size !== undefined) expect(encoded.value.length).toBe(size);
  // Read inside a larger payload too: the value must report exactly the bytes it took.
  const framed = Buffer.concat([Buffer.from([0xc2]), encoded.value, Buffer.from([0xaa, 0x00])]);
  const read = readValue(type, framed, 1);
  if (!read.ok) throw read.error;
  expect(read.value.size).toBe(encoded.value.length);
  const decoded = decodeValue(type, encoded.value);
  if (!decoded.ok) throw decoded.error;
  expect(read.value.value).toStrictEqual(decoded.value);
  return decoded.value;
}

/** The decoder's representation of a 64-bit integer: a number when safe, else a bigint. */
function normalised(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

const RUNS = { numRuns: 300 };

describe("value codec properties", () => {
  const smallIntegerTypes = [
    TypeCode.INT8,
    TypeCode.INT16,
    TypeCode.INT32,
    TypeCode.UINT8,
    TypeCode.UINT16,
    TypeCode.UINT32,
  ];

  it.each(smallIntegerTypes)("type %i: every integer in range survives encode → decode", (type) => {
    const { min, max } = TYPE_INFO[type];
    fc.assert(
      fc.property(fc.integer({ min: Number(min), max: Number(max) }), (value) => {
        expect(roundTrip(type, value)).toBe(value);
      }),
      RUNS,
    );
  });

  it.each(smallIntegerTypes)("type %i: every integer outside the range is refused", (type) => {
    const { min, max } = TYPE_INFO[type];
    const outside = fc.oneof(
      fc.integer({ min: Number(max) + 1, max: Number(max) + 2 ** 40 }),
      fc.integer({ min: Number(min) - 2 ** 40, max: Number(min) - 1 }),
    );
    fc.assert(
      fc.property(outside, (value) => {
        const result = encodeValue(type, value);
        expect(!result.ok && result.error.reason).toBe("out-of-range");
      }),
      RUNS,
    );
  });

  it.each([TypeCode.INT64, TypeCode.UINT64])(
    "type %i: every 64-bit value survives, as number or bigint",
    (type) => {
      const { min, max } = TYPE_INFO[type];
      fc.assert(
        fc.property(fc.bigInt({ min: min!, max: max! }), (value) => {
          expect(roundTrip(type, value)).toBe(normalised(value));
          if (typeof normalised(value) === "number")
            expect(roundTrip(type, Number(value))).toBe(Number(value));
        }),
        RUNS,
      );
    },
  );

  it("every non-integer number is refused by every integer type", () => {
    const integerTypes = [...smallIntegerTypes, TypeCode.INT64, TypeCode.UINT64];
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)),
        fc.constantFrom(...integerTypes),
        (value, type) => {
          const result = encodeValue(type, value);
          expect(!result.ok && result.error.reason).toBe("not-an-integer");
        },
      ),
      RUNS,
    );
  });

  it("float: every value with at most 2 decimals that survives binary32 comes back exactly", () => {
    const value = fc
      .integer({ min: -10_000_000, max: 10_000_000 })
      .map((hundredths) => hundredths / 100)
      .filter((v) => roundFloat(Math.fround(v)) === v);
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(TypeCode.FLOAT, v)).toBe(v);
      }),
      RUNS,
    );
  });

  it("float: every finite binary32 decodes to a finite number within 0.005 of it", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const back = roundTrip(TypeCode.FLOAT, v) as number;
        expect(Number.isFinite(back)).toBe(true);
        expect(Math.abs(back - v)).toBeLessThanOrEqual(0.005 + Math.abs(v) * 2 ** -50);
      }),
      RUNS,
    );
  });

  it("double: every value with at most 2 decimals comes back exactly", () => {
    const value = fc.integer({ min: -(2 ** 50), max: 2 ** 50 }).map((hundredths) => hundredths / 100);
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(TypeCode.DOUBLE, v)).toBe(v);
      }),
      RUNS,
    );
  });

  it("double: every finite value decodes to a finite number within 0.005 of it", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const back = roundTrip(TypeCode.DOUBLE, v) as number;
        expect(Number.isFinite(back)).toBe(true);
        expect(Math.abs(back - v)).toBeLessThanOrEqual(0.005 + Math.abs(v) * 2 ** -50);
      }),
      RUNS,
    );
  });

  it("float and double: NaN survives", () => {
    expect(roundTrip(TypeCode.FLOAT, Number.NaN)).toBeNaN();
    expect(roundTrip(TypeCode.DOUBLE, Number.NaN)).toBeNaN();
  });

  it("bool: true and false survive, as do 1 and 0", () => {
    fc.assert(
      fc.property(fc.boolean(), (v) => {
        expect(roundTrip(TypeCode.BOOL, v)).toBe(v);
        expect(roundTrip(TypeCode.BOOL, v ? 1 : 0)).toBe(v);
      }),
    );
  });

  it("string: every well-formed string without NUL survives", () => {
    const text = fc
      .oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ maxLength: 40 }))
      .filter((s) => !s.includes("\0") && Buffer.from(s, "utf8").toString("utf8") === s);
    fc.assert(
      fc.property(text, (s) => {
        expect(roundTrip(TypeCode.STRING, s)).toBe(s);
      }),
      RUNS,
    );
  });

  it("every fixed-size type reads any bytes at any offset exactly as Node's Buffer readers do", () => {
    const oracle: Record<number, (b: Buffer, o: number) => ParameterValue> = {
      [TypeCode.INT8]: (b, o) => b.readInt8(o),
      [TypeCode.INT16]: (b, o) => b.readInt16LE(o),
      [TypeCode.INT32]: (b, o) => b.readInt32LE(o),
      [TypeCode.UINT8]: (b, o) => b.readUInt8(o),
      [TypeCode.UINT16]: (b, o) => b.readUInt16LE(o),
      [TypeCode.UINT32]: (b, o) => b.readUInt32LE(o),
      [TypeCode.FLOAT]: (b, o) => roundFloat(b.readFloatLE(o)),
      [TypeCode.DOUBLE]: (b, o) => roundFloat(b.readDoubleLE(o)),
      [TypeCode.BOOL]: (b, o) => b.readUInt8(o) !== 0,
      [TypeCode.INT64]: (b, o) => normalised(b.readBigInt64LE(o)),
      [TypeCode.UINT64]: (b, o) => normalised(b.readBigUInt64LE(o)),
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(oracle).map(Number)),
        fc.uint8Array({ minLength: 8, maxLength: 24 }),
        fc.nat(),
        (type, bytes, at) => {
          const buffer = Buffer.from(bytes);
          const size = TYPE_INFO[type as TypeCode].size!;
          const offset = at % (buffer.length - size + 1);
          const read = readValue(type, buffer, offset);
          if (!read.ok) throw read.error;
          expect(read.value).toEqual({ value: oracle[type]!(buffer, offset), size });
          // One byte short is refused.
          expect(readValue(type, buffer.subarray(0, offset + size - 1), offset).ok).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("string: any bytes decode without throwing (UTF-8 with replacement)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
        const result = decodeValue(TypeCode.STRING, Buffer.from(bytes));
        expect(result.ok).toBe(true);
        expect(typeof (result.ok && result.value)).toBe("string");
      }),
      RUNS,
    );
  });
});
