import { describe, expect, it } from "vitest";
import { MODIFY_RESULT_CONTROLLER, WriteAuth } from "../../../src/protocol/constants.js";
import {
  decodeModifyRequest,
  decodeModifyResponse,
  encodeModifyRequest,
  encodeModifyResponse,
} from "../../../src/protocol/payloads/modify-param.js";
import { PayloadError } from "../../../src/protocol/payloads/reader.js";
import { encodeValue, TypeCode } from "../../../src/protocol/types.js";
import { CAPTURED, GATEWAY, hex } from "../vectors.js";
import { failure, payloadOf, unwrap } from "./helpers.js";

function valueBytes(type: number, value: unknown): Buffer {
  return unwrap(encodeValue(type, value));
}

describe("MODIFY_PARAM (PROTOCOL.md §5.5)", () => {
  it("the captured panel write decodes to USER-000/4095, count 1, index 403, u32 1 — and re-encodes identically", () => {
    const payload = payloadOf(CAPTURED.modify);
    const request = unwrap(decodeModifyRequest(payload));
    expect(request).toEqual({
      user: "USER-000",
      code: "4095",
      count: 1,
      index: 403,
      valueBytes: hex("01 00 00 00"),
    });
    expect({ user: request.user, code: request.code }).toEqual(WriteAuth.PANEL);
    expect(encodeModifyRequest(request)).toEqual(payload);
  });

  it("the §20 gateway write of index 103 = u8 50 is built from its fields", () => {
    const payload = payloadOf(GATEWAY.modify);
    expect(
      encodeModifyRequest({ ...WriteAuth.GATEWAY, index: 103, valueBytes: valueBytes(TypeCode.UINT8, 50) }),
    ).toEqual(payload);
    expect(unwrap(decodeModifyRequest(payload))).toEqual({
      user: "USER-000",
      code: "4096",
      count: 1,
      index: 103,
      valueBytes: hex("32"),
    });
  });

  it("carries a string value with its NUL and a float as binary32", () => {
    const text = unwrap(
      decodeModifyRequest(
        encodeModifyRequest({
          ...WriteAuth.GATEWAY,
          index: 9,
          valueBytes: valueBytes(TypeCode.STRING, "abc"),
        }),
      ),
    );
    expect(text.valueBytes).toEqual(hex("61 62 63 00"));
    const float = encodeModifyRequest({
      ...WriteAuth.PANEL,
      index: 288,
      valueBytes: valueBytes(TypeCode.FLOAT, 19),
    });
    expect(float.toString("hex")).toBe("555345522d30303000343039350001200100009841"); // as captured
  });

  it("keeps a count other than 1", () => {
    const payload = encodeModifyRequest({ ...WriteAuth.GATEWAY, count: 2, index: 1, valueBytes: hex("01") });
    expect(unwrap(decodeModifyRequest(payload)).count).toBe(2);
  });

  it("refuses malformed requests with the field that is missing", () => {
    const full = payloadOf(CAPTURED.modify);
    failure(
      decodeModifyRequest(full.subarray(0, 16)),
      PayloadError,
      /MODIFY_PARAM request: index at offset 15 needs 2 byte\(s\), 1 left/,
    );
    failure(decodeModifyRequest(full.subarray(0, 17)), PayloadError, /index 403 has no value bytes/);
    failure(
      decodeModifyRequest(hex("55 53 45 52")),
      PayloadError,
      /auth user at offset 0 has no terminating NUL/,
    );
    failure(
      decodeModifyRequest(full.subarray(0, 12)),
      PayloadError,
      /auth code at offset 9 has no terminating NUL/,
    );
  });

  it("refuses to encode an index that is not a u16", () => {
    expect(() => encodeModifyRequest({ ...WriteAuth.GATEWAY, index: 70_000, valueBytes: hex("00") })).toThrow(
      RangeError,
    );
  });
});

describe("MODIFY_PARAM_RESPONSE (PROTOCOL.md §5.5)", () => {
  it("the captured reply carries result 0xE5 and re-encodes identically", () => {
    const payload = payloadOf(CAPTURED.modifyResponse);
    expect(unwrap(decodeModifyResponse(payload))).toEqual({ result: MODIFY_RESULT_CONTROLLER });
    expect(encodeModifyResponse(0xe5)).toEqual(payload);
  });

  it("refuses an empty or too long result", () => {
    failure(decodeModifyResponse(Buffer.alloc(0)), PayloadError, /result at offset 0 needs 1 byte/);
    failure(decodeModifyResponse(hex("00 00")), PayloadError, /1 unexpected trailing byte/);
  });
});
