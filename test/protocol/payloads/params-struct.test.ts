import { describe, expect, it } from "vitest";
import { ECOSTER_PARAMETERS } from "../../../src/protocol/ecoster.js";
import {
  type DescriptorBatch,
  decodeLimit,
  decodeStructResponse,
  decodeStructWithRangeResponse,
  descriptorEntrySize,
  encodeStructResponse,
  LimitFlag,
  limitFlags,
  makeDescriptor,
  type ParameterDescriptor,
} from "../../../src/protocol/payloads/params-struct.js";
import { PayloadError } from "../../../src/protocol/payloads/reader.js";
import { TypeCode } from "../../../src/protocol/types.js";
import { hex } from "../vectors.js";
import { failure, unwrap } from "./helpers.js";

const cstr = (text: string) => `${Buffer.from(text, "utf8").toString("hex")}00`;

describe("descriptor entries with range, 0x82 (PROTOCOL.md §8.1–§8.3)", () => {
  // Index 103 HDWTSetPoint: writable u8 (0x10 | 0x20 | 4), min → 107, max → 108 (references).
  const hdwtSetPoint = `${cstr("HDWTSetPoint")}${cstr("C")}34 30 6b 00 6c 00`;
  // A read-only float with literal range −5..5 (i16 literals) and unknown low-nibble bits 0x02.
  const offset = `${cstr("Offset")}${cstr("'C")}17 02 fb ff 05 00`;
  // A uint16 with literal max 65535 (u16 literal) and no min.
  const counter = `${cstr("Counter")}${cstr("h")}15 40 00 00 ff ff`;
  // Nameless u8, no limits at all.
  const nameless = `${cstr("")}${cstr("")}14 c0 00 00 00 00`;
  const payload = hex(`04 67 00 ${hdwtSetPoint} ${offset} ${counter} ${nameless}`);

  it("decodes name, unit, type byte, writable bit and limits", () => {
    const batch = unwrap(decodeStructWithRangeResponse(payload));
    expect(batch.firstIndex).toBe(103);
    expect(batch.entries).toEqual<ParameterDescriptor[]>([
      {
        name: "HDWTSetPoint",
        unit: "C",
        typeByte: 0x34,
        typeCode: TypeCode.UINT8,
        writable: true,
        extra: 0x30,
        min: { kind: "reference", index: 107 },
        max: { kind: "reference", index: 108 },
      },
      {
        name: "Offset",
        unit: "'C",
        typeByte: 0x17,
        typeCode: TypeCode.FLOAT,
        writable: false,
        extra: 0x02,
        min: { kind: "literal", value: -5 },
        max: { kind: "literal", value: 5 },
      },
      {
        name: "Counter",
        unit: "h",
        typeByte: 0x15,
        typeCode: TypeCode.UINT16,
        writable: false,
        extra: 0x40,
        min: { kind: "none" },
        max: { kind: "literal", value: 65535 },
      },
      {
        name: "",
        unit: "",
        typeByte: 0x14,
        typeCode: TypeCode.UINT8,
        writable: false,
        extra: 0xc0,
        min: { kind: "none" },
        max: { kind: "none" },
      },
    ]);
  });

  it("re-encodes the decoded batch to identical bytes", () => {
    const batch = unwrap(decodeStructWithRangeResponse(payload));
    expect(encodeStructResponse(batch, true).toString("hex")).toBe(payload.toString("hex"));
  });

  it("checks the reference bit before the 'no' bit", () => {
    expect(decodeLimit(107, TypeCode.UINT8, true, true)).toEqual({ kind: "reference", index: 107 });
    const both = hex(`01 00 00 ${cstr("x")}${cstr("")}34 f0 6b 00 6c 00`);
    const [entry] = unwrap(decodeStructWithRangeResponse(both)).entries;
    expect(entry?.min).toEqual({ kind: "reference", index: 107 });
    expect(entry?.max).toEqual({ kind: "reference", index: 108 });
  });

  it("reads literals as u16 for unsigned types and i16 for every other type", () => {
    for (const type of [TypeCode.UINT8, TypeCode.UINT16, TypeCode.UINT32]) {
      expect(decodeLimit(0xfffb, type, false, false)).toEqual({ kind: "literal", value: 65531 });
    }
    for (const type of [
      TypeCode.INT8,
      TypeCode.INT16,
      TypeCode.INT32,
      TypeCode.FLOAT,
      TypeCode.DOUBLE,
      TypeCode.BOOL,
    ]) {
      expect(decodeLimit(0xfffb, type, false, false)).toEqual({ kind: "literal", value: -5 });
    }
    expect(decodeLimit(0x7fff, TypeCode.INT16, false, false)).toEqual({ kind: "literal", value: 32767 });
    expect(decodeLimit(0x8000, TypeCode.INT16, false, false)).toEqual({ kind: "literal", value: -32768 });
  });

  it("derives the extra byte from the limits when none is given", () => {
    expect(limitFlags({ kind: "reference", index: 1 }, { kind: "none" })).toBe(
      LimitFlag.MIN_IS_REFERENCE | LimitFlag.NO_MAX,
    );
    expect(limitFlags({ kind: "none" }, { kind: "reference", index: 1 }, 0x0f)).toBe(0x6f);
    expect(limitFlags({ kind: "literal", value: 0 }, { kind: "literal", value: 1 }, 0x12)).toBe(0x02);
    const entry = makeDescriptor({
      name: "T",
      unit: "C",
      typeByte: 0x37,
      min: { kind: "literal", value: -10 },
      max: { kind: "reference", index: 300 },
    });
    expect(entry).toMatchObject({ typeCode: TypeCode.FLOAT, writable: true });
    const bytes = encodeStructResponse({ firstIndex: 5, entries: [entry] }, true);
    expect(bytes.toString("hex")).toBe(`010500${cstr("T")}${cstr("C")}3720f6ff2c01`);
    expect(unwrap(decodeStructWithRangeResponse(bytes)).entries[0]).toEqual({ ...entry, extra: 0x20 });
  });

  it("refuses to encode limits that do not fit their field", () => {
    const entry = (min: ParameterDescriptor["min"], typeByte = 0x14) => ({
      firstIndex: 0,
      entries: [makeDescriptor({ name: "a", unit: "", typeByte, min })],
    });
    expect(() => encodeStructResponse(entry({ kind: "literal", value: 65536 }), true)).toThrow(
      /literal limit 65536 does not fit 0..65535/,
    );
    expect(() => encodeStructResponse(entry({ kind: "literal", value: -1 }), true)).toThrow(
      /does not fit 0..65535/,
    );
    expect(() => encodeStructResponse(entry({ kind: "literal", value: 40000 }, 0x17), true)).toThrow(
      /does not fit -32768..32767/,
    );
    expect(() => encodeStructResponse(entry({ kind: "literal", value: 1.5 }, 0x17), true)).toThrow(
      RangeError,
    );
    expect(() => encodeStructResponse(entry({ kind: "reference", index: -1 }), true)).toThrow(
      /reference index -1 is not a u16/,
    );
  });

  it("refuses a truncated batch, a missing entry and trailing bytes", () => {
    failure(
      decodeStructWithRangeResponse(payload.subarray(0, payload.length - 1)),
      PayloadError,
      /entry 3 \(index 106\) max at offset \d+ needs 2 byte\(s\), 1 left/,
    );
    failure(
      decodeStructWithRangeResponse(hex(`02 00 00 ${cstr("a")}${cstr("")}14 c0 00 00 00 00`)),
      PayloadError,
      /entry 1 \(index 1\) name at offset 12 has no terminating NUL/,
    );
    failure(
      decodeStructWithRangeResponse(Buffer.concat([payload, hex("00")])),
      PayloadError,
      /1 unexpected trailing byte/,
    );
  });

  it("sizes an entry as name + unit + 8 bytes", () => {
    expect(descriptorEntrySize({ name: "HDWTSetPoint", unit: "C" }, true)).toBe(12 + 1 + 8);
    expect(descriptorEntrySize({ name: "°", unit: "" }, true)).toBe(2 + 8);
  });

  it("thermostat: batches of at most 240 payload bytes hold 14, 16 and 5 entries (§17.1)", () => {
    const budget = 240 - 3;
    const batches: number[] = [];
    let used = 0;
    let count = 0;
    for (const p of ECOSTER_PARAMETERS) {
      const size = descriptorEntrySize(p, true);
      if (used + size > budget) {
        batches.push(count);
        used = 0;
        count = 0;
      }
      used += size;
      count++;
    }
    batches.push(count);
    expect(batches).toEqual([14, 16, 5]);
  });

  it("refuses a type byte without a valid type code", () => {
    expect(() => makeDescriptor({ name: "x", unit: "", typeByte: 0x18 })).toThrow(
      /type byte 0x18 has no valid type code/,
    );
  });
});

describe("descriptor entries without range, 0x81 (PROTOCOL.md §8.4)", () => {
  const payload = hex(`02 0a 00 ${cstr("PS")}${cstr("")}00 1c ${cstr("Temp zad")}${cstr("°C")}ff 37`);

  it("decodes name, unit, exponent and type byte, with no limits", () => {
    const batch = unwrap(decodeStructResponse(payload));
    expect(batch).toEqual<DescriptorBatch>({
      firstIndex: 10,
      entries: [
        {
          name: "PS",
          unit: "",
          exponent: 0,
          typeByte: 0x1c,
          typeCode: TypeCode.STRING,
          writable: false,
          min: { kind: "none" },
          max: { kind: "none" },
        },
        {
          name: "Temp zad",
          unit: "°C",
          exponent: -1,
          typeByte: 0x37,
          typeCode: TypeCode.FLOAT,
          writable: true,
          min: { kind: "none" },
          max: { kind: "none" },
        },
      ],
    });
  });

  it("re-encodes to identical bytes", () => {
    expect(encodeStructResponse(unwrap(decodeStructResponse(payload)), false)).toEqual(payload);
  });

  it("sizes an entry as name + unit + 4 bytes", () => {
    expect(descriptorEntrySize({ name: "PS", unit: "" }, false)).toBe(2 + 4);
  });

  it("refuses a truncated entry", () => {
    failure(
      decodeStructResponse(payload.subarray(0, payload.length - 1)),
      PayloadError,
      /GET_PARAMS_STRUCT response: entry 1 \(index 11\) type at offset \d+ needs 1 byte/,
    );
  });

  it("refuses to encode more than 255 entries", () => {
    const entry = makeDescriptor({ name: "", unit: "", typeByte: 0x14 });
    expect(() => encodeStructResponse({ firstIndex: 0, entries: new Array(256).fill(entry) }, false)).toThrow(
      /256 entries do not fit a u8 count/,
    );
  });
});
