import { describe, expect, it } from "vitest";
import { ECOSTER_PARAMETERS, ecosterTypeOf } from "../../../src/protocol/ecoster.js";
import {
  decodeGetParamsResponse,
  encodeGetParamsResponse,
  type TypeLookup,
} from "../../../src/protocol/payloads/get-params.js";
import { decodeRangeRequest, encodeRangeRequest } from "../../../src/protocol/payloads/range-request.js";
import { PayloadError } from "../../../src/protocol/payloads/reader.js";
import { TypeCode } from "../../../src/protocol/types.js";
import { CAPTURED, GATEWAY, GET_PARAMS_REQUESTS, hex } from "../vectors.js";
import { failure, payloadOf, unwrap } from "./helpers.js";

describe("GET_PARAMS and GET_PARAMS_STRUCT requests: [count u8][first u16 LE] (PROTOCOL.md §5.2–§5.4)", () => {
  it.each(GET_PARAMS_REQUESTS)(
    "$payload is count $count from $firstIndex, both ways",
    ({ payload, count, firstIndex }) => {
      expect(unwrap(decodeRangeRequest(hex(payload)))).toEqual({ count, firstIndex });
      expect(encodeRangeRequest({ count, firstIndex })).toEqual(hex(payload));
    },
  );

  it.each([
    ["GET_PARAMS 0xFFFF→1", CAPTURED.getParamsPoller, 100, 100],
    ["GET_PARAMS 100→165", CAPTURED.getParamsThermostat, 255, 0],
    ["GET_PARAMS 114→1", GATEWAY.getParams, 100, 100],
    ["STRUCT_WITH_RANGE 114→1", GATEWAY.structWithRange, 100, 0],
    ["STRUCT 114→100", GATEWAY.struct, 100, 0],
  ] as const)("the §20 %s payload round-trips", (_name, frame, count, firstIndex) => {
    const payload = payloadOf(frame);
    expect(unwrap(decodeRangeRequest(payload))).toEqual({ count, firstIndex });
    expect(encodeRangeRequest({ count, firstIndex })).toEqual(payload);
  });

  it("refuses a short or long request and values that do not fit", () => {
    failure(
      decodeRangeRequest(hex("64 64"), "GET_PARAMS request"),
      PayloadError,
      /GET_PARAMS request: first index at offset 1 needs 2 byte\(s\), 1 left/,
    );
    failure(
      decodeRangeRequest(hex("64 64 00 00")),
      PayloadError,
      /range request: 1 unexpected trailing byte\(s\) at offset 3/,
    );
    expect(() => encodeRangeRequest({ count: 256, firstIndex: 0 })).toThrow(/256 is not a u8/);
    expect(() => encodeRangeRequest({ count: 1, firstIndex: -1 })).toThrow(/-1 is not a u16/);
  });
});

describe("GET_PARAMS response: [count][first] then [flag][value] per index (PROTOCOL.md §5.4, §8.5)", () => {
  const types = new Map<number, number>([
    [100, TypeCode.STRING],
    [101, TypeCode.UINT8],
    [102, TypeCode.FLOAT],
    [103, TypeCode.INT16],
    [104, TypeCode.UINT32],
    [105, TypeCode.BOOL],
  ]);
  const typeOf: TypeLookup = (index) => types.get(index);
  const values = [
    { flag: 0xc2, type: TypeCode.STRING, value: "S024.25" },
    { flag: 0x01, type: TypeCode.UINT8, value: 3 },
    { flag: 0x31, type: TypeCode.FLOAT, value: 21.5 },
    { flag: 0x11, type: TypeCode.INT16, value: -25 },
    { flag: 0xc1, type: TypeCode.UINT32, value: 639854 },
    { flag: 0x02, type: TypeCode.BOOL, value: true },
  ];
  const bytes = "06 64 00 c2 53 30 32 34 2e 32 35 00 01 03 31 00 00 ac 41 11 e7 ff c1 6e c3 09 00 02 01";

  it("encodes flag and value bytes for each index", () => {
    expect(encodeGetParamsResponse(100, values).toString("hex")).toBe(hex(bytes).toString("hex"));
  });

  it("decodes to index, flag and value, consuming the payload exactly", () => {
    const batch = unwrap(decodeGetParamsResponse(hex(bytes), typeOf));
    expect(batch).toEqual({
      firstIndex: 100,
      values: values.map((v, i) => ({ index: 100 + i, flag: v.flag, value: v.value })),
    });
  });

  it("decodes a count of 0", () => {
    expect(unwrap(decodeGetParamsResponse(hex("00 05 00"), typeOf))).toEqual({ firstIndex: 5, values: [] });
  });

  it("is strict: a truncated payload is refused, naming the index", () => {
    const full = hex(bytes);
    failure(
      decodeGetParamsResponse(full.subarray(0, full.length - 1), typeOf),
      PayloadError,
      /value of index 105 \(bool\): bool at offset 28 needs 1 bytes, 0 left/,
    );
    failure(
      decodeGetParamsResponse(full.subarray(0, 24), typeOf),
      PayloadError,
      /value of index 104 \(uint32\): uint32 at offset 23 needs 4 bytes, 1 left/,
    );
    failure(
      decodeGetParamsResponse(full.subarray(0, 8), typeOf),
      PayloadError,
      /value of index 100 \(string\): string at offset 4 has no terminating NUL/,
    );
    failure(
      decodeGetParamsResponse(hex("01 00"), typeOf),
      PayloadError,
      /first index at offset 1 needs 2 byte/,
    );
  });

  it("is strict: an index without a known type stops the parse", () => {
    failure(
      decodeGetParamsResponse(hex("01 c8 00 00 00"), typeOf),
      PayloadError,
      /index 200 has no known type/,
    );
    const withGap = Buffer.concat([
      hex(bytes).subarray(0, 0),
      hex("07"),
      hex(bytes).subarray(1),
      hex("01 00"),
    ]);
    failure(
      decodeGetParamsResponse(withGap, typeOf),
      PayloadError,
      /index 106 has no known type; cannot find value boundaries/,
    );
  });

  it("is strict: an undefined type code stops the parse", () => {
    failure(
      decodeGetParamsResponse(hex("01 00 00 01 00"), () => 8),
      PayloadError,
      /value of index 0 \(unknown type 8\): type code 8 is not defined/,
    );
  });

  it("is strict: trailing bytes are refused", () => {
    failure(
      decodeGetParamsResponse(Buffer.concat([hex(bytes), hex("00")]), typeOf),
      PayloadError,
      /1 unexpected trailing byte\(s\) at offset 29/,
    );
  });

  it("refuses to encode a value that does not fit its type, or more than 255 values", () => {
    expect(() => encodeGetParamsResponse(7, [{ flag: 0, type: TypeCode.UINT8, value: 300 }])).toThrow(
      /value of index 7: 300 does not fit uint8/,
    );
    expect(() =>
      encodeGetParamsResponse(0, new Array(256).fill({ flag: 0, type: TypeCode.UINT8, value: 0 })),
    ).toThrow(/256 values do not fit a u8 count/);
  });

  it("thermostat: the 35 emulator values make a 180-byte payload starting as in §19.4", () => {
    const payload = encodeGetParamsResponse(
      0,
      ECOSTER_PARAMETERS.map((p) => ({ flag: p.flag, type: p.type, value: p.value })),
    );
    expect(payload.length).toBe(180);
    // 23 00 00 | 00 <IntrSens float> | 81 <WorkMode> …
    expect(payload.subarray(0, 4)).toEqual(hex("23 00 00 00"));
    expect(payload[8]).toBe(0x81);
    const batch = unwrap(decodeGetParamsResponse(payload, ecosterTypeOf));
    expect(batch.values.map((v) => v.index)).toEqual(ECOSTER_PARAMETERS.map((p) => p.index));
    expect(batch.values[23]?.value).toBeNaN(); // ExtSens: 00 00 c0 7f
    expect(batch.values[24]).toEqual({ index: 24, flag: 0x01, value: "0000000002" });
    expect(batch.values[6]).toEqual({ index: 6, flag: 0x81, value: 0.5 });
  });
});
