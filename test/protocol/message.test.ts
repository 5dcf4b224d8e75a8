import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Command } from "../../src/protocol/constants.js";
import { describeFrame } from "../../src/protocol/describe.js";
import { ecosterTypeOf } from "../../src/protocol/ecoster.js";
import type { Frame } from "../../src/protocol/frame.js";
import { interpretFrame, type Message } from "../../src/protocol/message.js";
import { END_OF_ALARMS, encodeAlarmRecord } from "../../src/protocol/payloads/alarm.js";
import { encodeGetParamsResponse } from "../../src/protocol/payloads/get-params.js";
import { encodeIdentity, THERMOSTAT_IDENTITY } from "../../src/protocol/payloads/identify.js";
import { encodeStructResponse, makeDescriptor } from "../../src/protocol/payloads/params-struct.js";
import {
  encodeAddressAssignment,
  encodePairingBeacon,
  encodeService,
  encodeTokenGrant,
} from "../../src/protocol/payloads/service.js";
import { encodeSettingsResponse } from "../../src/protocol/payloads/settings.js";
import { TypeCode } from "../../src/protocol/types.js";
import { frameOf } from "./payloads/helpers.js";
import { CAPTURED, GATEWAY, hex } from "./vectors.js";

function frame(
  command: number,
  payload: Buffer | string = Buffer.alloc(0),
  source = 100,
  destination = 1,
): Frame {
  return { destination, source, command, payload: typeof payload === "string" ? hex(payload) : payload };
}

describe("interpretFrame: every PROTOCOL.md §20 vector", () => {
  it.each<[string, string, Message]>([
    ["IDENTIFY", CAPTURED.identify, { kind: "identify" }],
    [
      "GET_PARAMS (poller)",
      CAPTURED.getParamsPoller,
      { kind: "get-params-request", count: 100, firstIndex: 100 },
    ],
    [
      "GET_PARAMS (thermostat)",
      CAPTURED.getParamsThermostat,
      { kind: "get-params-request", count: 255, firstIndex: 0 },
    ],
    ["NO_DATA", CAPTURED.noData, { kind: "no-data" }],
    ["MODIFY_PARAM_RESPONSE", CAPTURED.modifyResponse, { kind: "modify-result", result: 0xe5 }],
    [
      "STRUCT_WITH_RANGE",
      GATEWAY.structWithRange,
      { kind: "struct-request", withRange: true, count: 100, firstIndex: 0 },
    ],
    ["STRUCT", GATEWAY.struct, { kind: "struct-request", withRange: false, count: 100, firstIndex: 0 }],
    ["GET_SETTINGS", GATEWAY.getSettings, { kind: "get-settings" }],
    ["token return", GATEWAY.tokenReturn, { kind: "service", detail: { function: "token-return" } }],
    [
      "alarm request",
      GATEWAY.alarmRequest,
      { kind: "service", detail: { function: "alarm-read", alarmIndex: 0 } },
    ],
    [
      "IDENTIFY_RESPONSE",
      GATEWAY.identifyResponse,
      { kind: "identity", strings: ["PLUM", "EcoNEXT", "", "", "", ""] },
    ],
    [
      "device table",
      CAPTURED.deviceTable,
      {
        kind: "service",
        detail: {
          function: "device-table",
          devices: [
            { address: 100, temperature: 20.78 },
            { address: 165, temperature: 18.9 },
          ],
        },
      },
    ],
  ])("%s", (_name, bytes, expected) => {
    expect(interpretFrame(frameOf(bytes))).toEqual(expected);
  });

  it("MODIFY_PARAM", () => {
    const message = interpretFrame(frameOf(CAPTURED.modify));
    expect(message).toMatchObject({
      kind: "modify-request",
      request: { user: "USER-000", code: "4095", count: 1, index: 403 },
    });
  });

  it("clock", () => {
    const message = interpretFrame(frameOf(CAPTURED.clock));
    expect(message).toMatchObject({
      kind: "service",
      detail: {
        function: "clock",
        clock: { year: 2026, month: 1, day: 22, hour: 20, minute: 55, second: 7, weekday: 4 },
      },
    });
  });
});

describe("interpretFrame: other commands and bad payloads", () => {
  it("NO_DATA and ERROR end a sequence; NO_DATA must be empty", () => {
    expect(interpretFrame(frame(Command.NO_DATA))).toEqual({ kind: "no-data" });
    expect(interpretFrame(frame(Command.ERROR))).toEqual({ kind: "error" });
    expect(interpretFrame(frame(Command.ERROR, "01 02"))).toEqual({ kind: "error" });
    expect(interpretFrame(frame(Command.NO_DATA, "00 00"))).toEqual({
      kind: "malformed",
      command: Command.NO_DATA,
      reason: "expected an empty payload, got 2 bytes",
    });
  });

  it("marks payloads that do not fit their command as malformed, with the reason", () => {
    expect(interpretFrame(frame(Command.IDENTIFY, "00"))).toMatchObject({
      kind: "malformed",
      command: Command.IDENTIFY,
    });
    expect(interpretFrame(frame(Command.GET_SETTINGS, "00"))).toMatchObject({ kind: "malformed" });
    expect(interpretFrame(frame(Command.GET_PARAMS, "64 00"))).toEqual({
      kind: "malformed",
      command: Command.GET_PARAMS,
      reason: "GET_PARAMS request: first index at offset 1 needs 2 byte(s), 1 left",
    });
    expect(interpretFrame(frame(Command.MODIFY_PARAM, "55 53 45 52"))).toMatchObject({
      kind: "malformed",
      reason: /no terminating NUL/,
    });
    expect(interpretFrame(frame(Command.MODIFY_PARAM_RESPONSE))).toMatchObject({ kind: "malformed" });
    expect(interpretFrame(frame(Command.GET_PARAMS_RESPONSE, "01 00"))).toEqual({
      kind: "malformed",
      command: Command.GET_PARAMS_RESPONSE,
      reason: "GET_PARAMS response of 2 bytes has no header",
    });
    expect(interpretFrame(frame(Command.SERVICE, "23"))).toMatchObject({
      kind: "malformed",
      command: Command.SERVICE,
    });
    expect(interpretFrame(frame(Command.SERVICE, "23 00 00"))).toMatchObject({
      kind: "malformed",
      reason: /clock broadcast/,
    });
    expect(interpretFrame(frame(Command.GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE, "01 00 00 41"))).toMatchObject(
      { kind: "malformed" },
    );
  });

  it("reports an unknown command", () => {
    expect(interpretFrame(frame(0x55, "01 02"))).toEqual({ kind: "unknown", command: 0x55 });
  });

  it("SERVICE: token grant, pairing beacon, address assignment and unknown functions", () => {
    expect(interpretFrame(frame(Command.SERVICE, encodeTokenGrant(), 100, 114))).toEqual({
      kind: "service",
      detail: { function: "token-grant" },
    });
    expect(interpretFrame(frame(Command.SERVICE, encodePairingBeacon(), 100, 0xffff))).toEqual({
      kind: "service",
      detail: { function: "pairing-beacon" },
    });
    expect(interpretFrame(frame(Command.SERVICE, encodeAddressAssignment(166)))).toEqual({
      kind: "service",
      detail: { function: "address-assignment", address: 166 },
    });
    expect(interpretFrame(frame(Command.SERVICE, encodeService(0x1234, hex("aa bb"))))).toEqual({
      kind: "service",
      detail: { function: "unknown", code: 0x1234, body: hex("aa bb") },
    });
  });

  it("GET_PARAMS response: header only without types, values with them, the reason when they do not fit", () => {
    const payload = encodeGetParamsResponse(0, [
      { flag: 0x00, type: TypeCode.FLOAT, value: 18.9 },
      { flag: 0x81, type: TypeCode.UINT8, value: 3 },
    ]);
    const response = frame(Command.GET_PARAMS_RESPONSE, payload, 165, 100);
    expect(interpretFrame(response)).toEqual({ kind: "get-params-response", count: 2, firstIndex: 0 });
    const asked: number[] = [];
    const typeOf = (address: number) => {
      asked.push(address);
      return address === 165 ? ecosterTypeOf : undefined;
    };
    expect(interpretFrame(response, { typeOf })).toEqual({
      kind: "get-params-response",
      count: 2,
      firstIndex: 0,
      values: [
        { index: 0, flag: 0x00, value: 18.9 },
        { index: 1, flag: 0x81, value: 3 },
      ],
    });
    expect(asked).toEqual([165]);
    expect(interpretFrame({ ...response, source: 1 }, { typeOf })).toEqual({
      kind: "get-params-response",
      count: 2,
      firstIndex: 0,
    });
    const wrong = interpretFrame(response, { typeOf: () => () => TypeCode.UINT32 });
    expect(wrong).toMatchObject({
      kind: "get-params-response",
      count: 2,
      firstIndex: 0,
      typeError: "GET_PARAMS response: value of index 1 (uint32): uint32 at offset 9 needs 4 bytes, 1 left",
    });
    expect(wrong).not.toHaveProperty("values");
  });

  it("descriptor responses with and without range", () => {
    const entry = makeDescriptor({
      name: "PrDay",
      unit: "'C",
      typeByte: 0x27,
      min: { kind: "literal", value: 10 },
      max: { kind: "literal", value: 35 },
    });
    const withRange = interpretFrame(
      frame(
        Command.GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE,
        encodeStructResponse({ firstIndex: 4, entries: [entry] }, true),
      ),
    );
    expect(withRange).toMatchObject({
      kind: "struct-response",
      withRange: true,
      batch: { firstIndex: 4, entries: [{ name: "PrDay", min: { kind: "literal", value: 10 } }] },
    });
    const noRange = interpretFrame(
      frame(
        Command.GET_PARAMS_STRUCT_RESPONSE,
        encodeStructResponse({ firstIndex: 4, entries: [entry] }, false),
      ),
    );
    expect(noRange).toMatchObject({
      kind: "struct-response",
      withRange: false,
      batch: { entries: [{ name: "PrDay", exponent: 0 }] },
    });
  });

  it("GET_SETTINGS response", () => {
    const settings = { uid: 1, deviceName: "x", softwareVersion: "y", productId: 2, deviceType: 3 };
    expect(interpretFrame(frame(Command.GET_SETTINGS_RESPONSE, encodeSettingsResponse(settings)))).toEqual({
      kind: "settings",
      settings,
    });
  });

  it("SERVICE_RESPONSE from the panel: its alarm record", () => {
    const record = {
      code: 9,
      from: { year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 5 },
      to: undefined,
    };
    const message = interpretFrame(frame(Command.SERVICE_RESPONSE, encodeAlarmRecord(record), 100, 114));
    expect(message).toMatchObject({ kind: "service-response", alarm: record });
    const end = interpretFrame(frame(Command.SERVICE_RESPONSE, END_OF_ALARMS, 100, 114));
    expect(end).toMatchObject({
      kind: "service-response",
      alarm: { code: 255, from: undefined, to: undefined },
    });
    expect(interpretFrame(frame(Command.SERVICE_RESPONSE, "01 02", 100, 114))).toEqual({
      kind: "service-response",
      body: hex("01 02"),
    });
  });

  it("SERVICE_RESPONSE from a thermostat (pairing answer) is not read as an alarm record", () => {
    const identity = encodeIdentity(THERMOSTAT_IDENTITY);
    const message = interpretFrame(frame(Command.SERVICE_RESPONSE, identity, 163, 100));
    expect(message).toEqual({ kind: "service-response", body: identity });
  });

  it("never throws, whatever the frame", () => {
    const anyFrame = fc.record({
      destination: fc.integer({ min: 0, max: 0xffff }),
      source: fc.constantFrom(1, 100, 165, 0xffff, 114),
      command: fc.oneof(fc.constantFrom(...Object.values(Command)), fc.integer({ min: 0, max: 255 })),
      payload: fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)),
    });
    fc.assert(
      fc.property(anyFrame, (f) => {
        const message = interpretFrame(f, { typeOf: () => ecosterTypeOf });
        expect(typeof describeFrame(f, message)).toBe("string");
      }),
      { numRuns: 500 },
    );
  });
});
