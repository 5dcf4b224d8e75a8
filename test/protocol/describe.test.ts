import { describe, expect, it } from "vitest";
import { Command, commandName } from "../../src/protocol/constants.js";
import { describeAddress, describeFrame, describeMessage } from "../../src/protocol/describe.js";
import { ecosterTypeOf } from "../../src/protocol/ecoster.js";
import type { Frame } from "../../src/protocol/frame.js";
import { interpretFrame } from "../../src/protocol/message.js";
import { encodeAlarmRecord } from "../../src/protocol/payloads/alarm.js";
import { encodeGetParamsResponse } from "../../src/protocol/payloads/get-params.js";
import { encodeStructResponse, makeDescriptor } from "../../src/protocol/payloads/params-struct.js";
import { TypeCode } from "../../src/protocol/types.js";
import { frameOf } from "./payloads/helpers.js";
import { CAPTURED, GATEWAY, hex } from "./vectors.js";

function line(frame: Frame): string {
  return describeFrame(
    frame,
    interpretFrame(frame, { typeOf: (a) => (a === 165 ? ecosterTypeOf : undefined) }),
  );
}

describe("one-line frame summaries", () => {
  it("names addresses by role", () => {
    expect(describeAddress(1)).toBe("1(controller)");
    expect(describeAddress(100)).toBe("100(panel)");
    expect(describeAddress(0xffff)).toBe("0xFFFF");
    expect(describeAddress(131)).toBe("131");
  });

  it("names commands, unknown ones by code", () => {
    expect(commandName(Command.GET_PARAMS_RESPONSE)).toBe("GET_PARAMS_RESPONSE");
    expect(commandName(0x05)).toBe("CMD_0x05");
  });

  it.each([
    [CAPTURED.identify, "100(panel) → 131 IDENTIFY"],
    [CAPTURED.getParamsPoller, "0xFFFF → 1(controller) GET_PARAMS count 100 from #100"],
    [CAPTURED.noData, "165 → 100(panel) NO_DATA"],
    [CAPTURED.modify, "100(panel) → 1(controller) MODIFY_PARAM USER-000/4095 #403 ← 01 00 00 00"],
    [CAPTURED.modifyResponse, "1(controller) → 100(panel) MODIFY_PARAM_RESPONSE result 0xe5"],
    [CAPTURED.deviceTable, "100(panel) → 0xFFFF SERVICE device table: 100=20.78°C, 165=18.9°C"],
    [CAPTURED.clock, "100(panel) → 0xFFFF SERVICE clock 2026-01-22 20:55:07 weekday 4"],
    [GATEWAY.tokenReturn, "114 → 100(panel) SERVICE token return"],
    [GATEWAY.alarmRequest, "114 → 100(panel) SERVICE alarm read #0"],
    [GATEWAY.structWithRange, "114 → 1(controller) GET_PARAMS_STRUCT_WITH_RANGE count 100 from #0"],
    [GATEWAY.getSettings, "114 → 0xFFFF GET_SETTINGS"],
    [
      GATEWAY.identifyResponse,
      '114 → 100(panel) IDENTIFY_RESPONSE manufacturer="PLUM" model="EcoNEXT" serial="" version="" subclass="" firmware=""',
    ],
  ])("%s → %s", (bytes, expected) => {
    expect(line(frameOf(bytes))).toBe(expected);
  });

  it("shows the first values of a GET_PARAMS response, strings quoted and NaN spelled out", () => {
    const payload = encodeGetParamsResponse(
      20,
      [Number.NaN, "1008856273", "H2.0.0", "S001.24", "Dec 28 2022 10:41:09", 0, 0].map((value, i) => ({
        flag: 0,
        type: [
          TypeCode.FLOAT,
          TypeCode.STRING,
          TypeCode.STRING,
          TypeCode.STRING,
          TypeCode.STRING,
          TypeCode.UINT8,
          TypeCode.UINT8,
        ][i]!,
        value,
      })),
    );
    const frame = { destination: 100, source: 165, command: Command.GET_PARAMS_RESPONSE, payload };
    const typeOf = () => (index: number) =>
      index === 20 ? TypeCode.FLOAT : index < 25 ? TypeCode.STRING : TypeCode.UINT8;
    expect(describeFrame(frame, interpretFrame(frame, { typeOf }))).toBe(
      '165 → 100(panel) GET_PARAMS_RESPONSE 7 values from #20: #20=NaN #21="1008856273" #22="H2.0.0" #23="S001.24" #24="Dec 28 2022 10:41:09" #25=0 …',
    );
    expect(describeFrame(frame, interpretFrame(frame))).toBe(
      "165 → 100(panel) GET_PARAMS_RESPONSE 7 values from #20",
    );
  });

  it("says why values were not decoded", () => {
    const frame = {
      destination: 100,
      source: 165,
      command: Command.GET_PARAMS_RESPONSE,
      payload: hex("01 00 00 00"),
    };
    expect(line(frame)).toBe(
      "165 → 100(panel) GET_PARAMS_RESPONSE 1 values from #0 (not decoded: GET_PARAMS response: value of index 0 (float): float at offset 4 needs 4 bytes, 0 left)",
    );
  });

  it("summarises descriptors with type, writable flag, unit and range", () => {
    const entries = [
      makeDescriptor({
        name: "HDWTSetPoint",
        unit: "C",
        typeByte: 0x34,
        min: { kind: "reference", index: 107 },
        max: { kind: "reference", index: 108 },
      }),
      makeDescriptor({
        name: "Offset",
        unit: "",
        typeByte: 0x17,
        min: { kind: "literal", value: -5 },
        max: { kind: "none" },
      }),
    ];
    const frame = {
      destination: 114,
      source: 1,
      command: Command.GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE,
      payload: encodeStructResponse({ firstIndex: 103, entries }, true),
    };
    expect(line(frame)).toBe(
      '1(controller) → 114 GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE 2 descriptors from #103: #103 "HDWTSetPoint" uint8 rw [C] @107..@108; #104 "Offset" float -5..–',
    );
  });

  it("summarises alarm records and unknown payloads", () => {
    const active = encodeAlarmRecord({
      code: 42,
      from: { year: 2025, month: 12, day: 31, hour: 23, minute: 59, second: 59 },
      to: undefined,
    });
    const reply = (payload: Buffer) => ({
      destination: 114,
      source: 100,
      command: Command.SERVICE_RESPONSE,
      payload,
    });
    expect(line(reply(active))).toBe(
      "100(panel) → 114 SERVICE_RESPONSE alarm code 42 from 2025-12-31T23:59:59 (active)",
    );
    expect(line(reply(Buffer.alloc(15, 0xff)))).toBe("100(panel) → 114 SERVICE_RESPONSE alarm: end of list");
    expect(line(reply(hex("01 02 03")))).toBe("100(panel) → 114 SERVICE_RESPONSE 01 02 03");
    expect(line({ destination: 1, source: 100, command: 0x55, payload: hex("00") })).toBe(
      "100(panel) → 1(controller) CMD_0x55",
    );
    expect(describeMessage({ kind: "malformed", command: 0x40, reason: "too short" })).toBe(
      "MALFORMED: too short",
    );
  });

  it("shortens long byte runs", () => {
    const message = interpretFrame({
      destination: 0xffff,
      source: 100,
      command: Command.SERVICE,
      payload: Buffer.concat([hex("34 12"), Buffer.alloc(30, 0xab)]),
    });
    expect(describeMessage(message)).toBe(`function 0x1234 ${"ab ".repeat(24).trim()} … (30 bytes)`);
  });
});
