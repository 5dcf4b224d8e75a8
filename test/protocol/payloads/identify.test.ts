import { describe, expect, it } from "vitest";
import {
  CONTROLLER_IDENTITY,
  decodeIdentity,
  encodeIdentity,
  GATEWAY_IDENTITY,
  IDENTITY_FIELDS,
  THERMOSTAT_IDENTITY,
} from "../../../src/protocol/payloads/identify.js";
import { CAPTURED, GATEWAY, GATEWAY_IDENTITY_PAYLOAD, hex, THERMOSTAT_IDENTITY_PAYLOAD } from "../vectors.js";
import { frameOf, payloadOf } from "./helpers.js";

describe("IDENTIFY (PROTOCOL.md §5.6, §12, §17.2)", () => {
  it("the request is empty", () => {
    expect(frameOf(CAPTURED.identify).payload.length).toBe(0);
  });

  it("the §20 gateway answer decodes to PLUM, EcoNEXT and four empty strings, and re-encodes identically", () => {
    const payload = payloadOf(GATEWAY.identifyResponse);
    expect(payload).toEqual(hex(GATEWAY_IDENTITY_PAYLOAD));
    expect(decodeIdentity(payload)).toEqual(["PLUM", "EcoNEXT", "", "", "", ""]);
    expect(encodeIdentity(decodeIdentity(payload))).toEqual(payload);
    expect(encodeIdentity(GATEWAY_IDENTITY)).toEqual(payload);
    expect(payload.length).toBe(17);
  });

  it("the §17.2 thermostat identity is 67 bytes with its six strings", () => {
    const payload = hex(THERMOSTAT_IDENTITY_PAYLOAD);
    expect(payload.length).toBe(67);
    expect(decodeIdentity(payload)).toEqual([
      "PLUM Sp. z o.o.",
      "ecoSTER_40",
      "0000000002",
      "03",
      "00",
      "H2.0.0_S001.24_D6AFC__",
    ]);
    expect(encodeIdentity(THERMOSTAT_IDENTITY)).toEqual(payload);
  });

  it("the controller's §5.6 answer is 84 bytes", () => {
    const payload = encodeIdentity(CONTROLLER_IDENTITY);
    expect(payload.length).toBe(84);
    expect(decodeIdentity(payload)).toEqual([...CONTROLLER_IDENTITY]);
  });

  it("keeps a last string without NUL and replaces invalid UTF-8, never throwing", () => {
    expect(decodeIdentity(hex("41 00 42"))).toEqual(["A", "B"]);
    expect(decodeIdentity(hex("ff 00"))).toEqual(["\ufffd"]);
    expect(decodeIdentity(Buffer.alloc(0))).toEqual([]);
  });

  it("refuses to encode a string containing NUL", () => {
    expect(() => encodeIdentity(["a\0b"])).toThrow(/cannot contain NUL/);
  });

  it("names the six fields", () => {
    expect(IDENTITY_FIELDS).toEqual(["manufacturer", "model", "serial", "version", "subclass", "firmware"]);
  });
});
