import { describe, expect, it } from "vitest";
import { PayloadError } from "../../../src/protocol/payloads/reader.js";
import { decodeSettingsResponse, encodeSettingsResponse } from "../../../src/protocol/payloads/settings.js";
import { GATEWAY } from "../vectors.js";
import { failure, frameOf, unwrap } from "./helpers.js";

describe("GET_SETTINGS (PROTOCOL.md §5.1)", () => {
  it("the §20 request is empty and goes to broadcast", () => {
    const frame = frameOf(GATEWAY.getSettings);
    expect(frame).toMatchObject({ destination: 0xffff, source: 114, command: 0x00 });
    expect(frame.payload.length).toBe(0);
  });

  const settings = {
    uid: 0xdeadbeef,
    deviceName: "ecoMAX360i",
    softwareVersion: "S024.25",
    productId: 0x1234,
    deviceType: 7,
  };

  it("encodes the claimed response layout: uid u32 LE, two strings, product u16 LE, type u8", () => {
    expect(encodeSettingsResponse(settings).toString("hex")).toBe(
      `efbeadde${Buffer.from("ecoMAX360i\0S024.25\0").toString("hex")}341207`,
    );
  });

  it("decodes what it encodes", () => {
    expect(unwrap(decodeSettingsResponse(encodeSettingsResponse(settings)))).toEqual(settings);
  });

  it("refuses a truncated response and trailing bytes", () => {
    const bytes = encodeSettingsResponse(settings);
    failure(
      decodeSettingsResponse(bytes.subarray(0, bytes.length - 1)),
      PayloadError,
      /GET_SETTINGS response: device type at offset \d+ needs 1 byte\(s\), 0 left/,
    );
    failure(
      decodeSettingsResponse(bytes.subarray(0, 6)),
      PayloadError,
      /device name at offset 4 has no terminating NUL/,
    );
    failure(
      decodeSettingsResponse(Buffer.concat([bytes, Buffer.from([0])])),
      PayloadError,
      /1 unexpected trailing byte\(s\)/,
    );
  });
});
