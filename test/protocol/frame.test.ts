import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Command, MAX_FRAME_LENGTH, MIN_FRAME_LENGTH } from "../../src/protocol/constants.js";
import {
  claimedFrameLength,
  decodeFrame,
  encodeFrame,
  encodeFrameOrThrow,
  type Frame,
  FrameError,
  type FrameErrorReason,
} from "../../src/protocol/frame.js";
import { CAPTURED, GATEWAY, hex } from "./vectors.js";

/** The header fields PROTOCOL.md states for each §20 vector. */
const documented: {
  name: string;
  bytes: string;
  destination: number;
  source: number;
  command: number;
  payloadLength: number;
}[] = [
  {
    name: "IDENTIFY 100→131",
    bytes: CAPTURED.identify,
    destination: 131,
    source: 100,
    command: Command.IDENTIFY,
    payloadLength: 0,
  },
  {
    name: "GET_PARAMS 0xFFFF→1",
    bytes: CAPTURED.getParamsPoller,
    destination: 1,
    source: 0xffff,
    command: Command.GET_PARAMS,
    payloadLength: 3,
  },
  {
    name: "GET_PARAMS 100→165",
    bytes: CAPTURED.getParamsThermostat,
    destination: 165,
    source: 100,
    command: Command.GET_PARAMS,
    payloadLength: 3,
  },
  {
    name: "NO_DATA 165→100",
    bytes: CAPTURED.noData,
    destination: 100,
    source: 165,
    command: Command.NO_DATA,
    payloadLength: 0,
  },
  {
    name: "MODIFY_PARAM 100→1",
    bytes: CAPTURED.modify,
    destination: 1,
    source: 100,
    command: Command.MODIFY_PARAM,
    payloadLength: 21,
  },
  {
    name: "MODIFY_PARAM_RESPONSE 1→100",
    bytes: CAPTURED.modifyResponse,
    destination: 100,
    source: 1,
    command: Command.MODIFY_PARAM_RESPONSE,
    payloadLength: 1,
  },
  {
    name: "SERVICE 0x2001 100→FFFF",
    bytes: CAPTURED.deviceTable,
    destination: 0xffff,
    source: 100,
    command: Command.SERVICE,
    payloadLength: 16,
  },
  {
    name: "SERVICE 0x0023 100→FFFF",
    bytes: CAPTURED.clock,
    destination: 0xffff,
    source: 100,
    command: Command.SERVICE,
    payloadLength: 20,
  },
  {
    name: "token return 114→100",
    bytes: GATEWAY.tokenReturn,
    destination: 100,
    source: 114,
    command: Command.SERVICE,
    payloadLength: 4,
  },
  {
    name: "IDENTIFY_RESPONSE 114→100",
    bytes: GATEWAY.identifyResponse,
    destination: 100,
    source: 114,
    command: Command.IDENTIFY_RESPONSE,
    payloadLength: 17,
  },
  {
    name: "STRUCT_WITH_RANGE 114→1",
    bytes: GATEWAY.structWithRange,
    destination: 1,
    source: 114,
    command: Command.GET_PARAMS_STRUCT_WITH_RANGE,
    payloadLength: 3,
  },
  {
    name: "STRUCT 114→100",
    bytes: GATEWAY.struct,
    destination: 100,
    source: 114,
    command: Command.GET_PARAMS_STRUCT,
    payloadLength: 3,
  },
  {
    name: "GET_PARAMS 114→1",
    bytes: GATEWAY.getParams,
    destination: 1,
    source: 114,
    command: Command.GET_PARAMS,
    payloadLength: 3,
  },
  {
    name: "MODIFY 114→1",
    bytes: GATEWAY.modify,
    destination: 1,
    source: 114,
    command: Command.MODIFY_PARAM,
    payloadLength: 18,
  },
  {
    name: "alarm request 114→100",
    bytes: GATEWAY.alarmRequest,
    destination: 100,
    source: 114,
    command: Command.SERVICE,
    payloadLength: 11,
  },
  {
    name: "GET_SETTINGS 114→FFFF",
    bytes: GATEWAY.getSettings,
    destination: 0xffff,
    source: 114,
    command: Command.GET_SETTINGS,
    payloadLength: 0,
  },
];

function decodeOk(bytes: Uint8Array): Frame {
  const result = decodeFrame(bytes);
  if (!result.ok) throw result.error;
  return result.value;
}

function decodeError(bytes: Uint8Array): FrameError {
  const result = decodeFrame(bytes);
  if (result.ok) throw new Error("expected a frame error");
  expect(result.error).toBeInstanceOf(FrameError);
  return result.error;
}

function encodeError(frame: Frame): FrameError {
  const result = encodeFrame(frame);
  if (result.ok) throw new Error("expected an encode error");
  return result.error;
}

describe("frame round trip of every PROTOCOL.md vector", () => {
  it.each(documented)("$name: decode → documented header → encode gives identical bytes", (vector) => {
    const bytes = hex(vector.bytes);
    const frame = decodeOk(bytes);
    expect(frame.destination).toBe(vector.destination);
    expect(frame.source).toBe(vector.source);
    expect(frame.command).toBe(vector.command);
    expect(frame.payload.length).toBe(vector.payloadLength);
    expect(bytes.length).toBe(vector.payloadLength + MIN_FRAME_LENGTH);
    const encoded = encodeFrameOrThrow({ ...frame, payload: Buffer.from(frame.payload) });
    expect(encoded.toString("hex")).toBe(bytes.toString("hex"));
  });

  it("builds the §2 IDENTIFY example from its fields", () => {
    const bytes = encodeFrameOrThrow({
      destination: 131,
      source: 100,
      command: Command.IDENTIFY,
      payload: Buffer.alloc(0),
    });
    expect(bytes).toEqual(hex("68 05 00 83 00 64 00 09 63 27 16"));
  });

  it("decodes from a plain Uint8Array as well as a Buffer", () => {
    const bytes = new Uint8Array(hex(CAPTURED.modifyResponse));
    expect(decodeOk(bytes).payload).toEqual(Buffer.from([0xe5]));
  });

  it("reports the total length a LEN field claims", () => {
    expect(claimedFrameLength(hex(CAPTURED.identify), 0)).toBe(11);
    expect(claimedFrameLength(hex("68 04 00"), 0)).toBeUndefined(); // LEN 4 < 5
    expect(claimedFrameLength(hex("68 fb 03"), 0)).toBeUndefined(); // 1019 + 6 = 1025 > 1024
    expect(claimedFrameLength(hex("68 fa 03"), 0)).toBe(MAX_FRAME_LENGTH);
  });
});

describe("frame validation", () => {
  const identify = () => hex(CAPTURED.identify);

  const cases: { what: string; bytes: () => Buffer; reason: FrameErrorReason; message: RegExp }[] = [
    {
      what: "a frame shorter than 11 bytes",
      bytes: () => identify().subarray(0, 10),
      reason: "too-short",
      message: /10 bytes is shorter than the 11-byte minimum/,
    },
    {
      what: "no bytes at all",
      bytes: () => Buffer.alloc(0),
      reason: "too-short",
      message: /0 bytes is shorter/,
    },
    {
      what: "a wrong begin marker",
      bytes: () => {
        const b = identify();
        b[0] = 0x69;
        return b;
      },
      reason: "bad-begin",
      message: /begin marker is 0x69, expected 0x68/,
    },
    {
      what: "a wrong end marker",
      bytes: () => {
        const b = identify();
        b[10] = 0x17;
        return b;
      },
      reason: "bad-end",
      message: /end marker is 0x17, expected 0x16/,
    },
    {
      what: "a LEN field that does not match the byte count",
      bytes: () => Buffer.concat([identify().subarray(0, 10), Buffer.from([0x00, 0x16])]),
      reason: "length-mismatch",
      message: /LEN field 5 implies 11 bytes, frame has 12/,
    },
    {
      what: "a LEN field below the minimum",
      bytes: () => {
        const b = identify();
        b[1] = 0x04;
        return b;
      },
      reason: "length-mismatch",
      message: /LEN field 4 implies 10 bytes, frame has 11/,
    },
    {
      what: "a corrupted payload byte",
      bytes: () => {
        const b = hex(CAPTURED.modifyResponse);
        b[8] = 0xe6;
        return b;
      },
      reason: "crc-mismatch",
      message: /CRC is 0xA5AB, computed 0x[0-9A-F]{4}/,
    },
    {
      what: "a CRC stored little-endian",
      bytes: () => {
        const b = identify();
        b[8] = 0x27;
        b[9] = 0x63;
        return b;
      },
      reason: "crc-mismatch",
      message: /CRC is 0x2763, computed 0x6327/,
    },
    {
      what: "more than 1024 bytes",
      bytes: () => Buffer.alloc(MAX_FRAME_LENGTH + 1, 0x68),
      reason: "too-long",
      message: /1025 bytes is longer than the 1024-byte maximum/,
    },
  ];

  it.each(cases)("rejects $what with reason $reason and a message that says what was wrong", (c) => {
    const bytes = c.bytes();
    const error = decodeError(bytes);
    expect(error.reason).toBe(c.reason);
    expect(error.message).toMatch(c.message);
    expect(error.name).toBe("FrameError");
    expect(error.bytes).toEqual(bytes);
  });

  it("accepts a frame of exactly 1024 bytes", () => {
    const bytes = encodeFrameOrThrow({
      destination: 1,
      source: 2,
      command: 3,
      payload: Buffer.alloc(1013, 0xaa),
    });
    expect(bytes.length).toBe(MAX_FRAME_LENGTH);
    expect(decodeOk(bytes).payload.length).toBe(1013);
  });

  const badEncodes: { what: string; frame: Frame; reason: FrameErrorReason; message: RegExp }[] = [
    {
      what: "a negative destination",
      frame: { destination: -1, source: 1, command: 0x40, payload: Buffer.alloc(0) },
      reason: "bad-address",
      message: /destination address -1 is not a u16/,
    },
    {
      what: "a destination above 0xFFFF",
      frame: { destination: 0x10000, source: 1, command: 0x40, payload: Buffer.alloc(0) },
      reason: "bad-address",
      message: /destination address 65536 is not a u16/,
    },
    {
      what: "a fractional source",
      frame: { destination: 1, source: 1.5, command: 0x40, payload: Buffer.alloc(0) },
      reason: "bad-address",
      message: /source address 1.5 is not a u16/,
    },
    {
      what: "a NaN source",
      frame: { destination: 1, source: Number.NaN, command: 0x40, payload: Buffer.alloc(0) },
      reason: "bad-address",
      message: /source address NaN/,
    },
    {
      what: "a command above 0xFF",
      frame: { destination: 1, source: 100, command: 0x100, payload: Buffer.alloc(0) },
      reason: "bad-command",
      message: /command 256 is not a u8/,
    },
    {
      what: "a negative command",
      frame: { destination: 1, source: 100, command: -1, payload: Buffer.alloc(0) },
      reason: "bad-command",
      message: /command -1 is not a u8/,
    },
    {
      what: "a payload too large for 1024 bytes",
      frame: { destination: 1, source: 100, command: 0xc0, payload: Buffer.alloc(1014) },
      reason: "too-long",
      message: /payload of 1014 bytes gives a 1025-byte frame \(max 1024\)/,
    },
  ];

  it.each(badEncodes)("refuses to encode $what ($reason)", (c) => {
    const error = encodeError(c.frame);
    expect(error).toBeInstanceOf(FrameError);
    expect(error.reason).toBe(c.reason);
    expect(error.message).toMatch(c.message);
  });

  it("encodeFrameOrThrow throws the typed error", () => {
    expect(() =>
      encodeFrameOrThrow({ destination: 1, source: 1, command: 999, payload: Buffer.alloc(0) }),
    ).toThrow(FrameError);
  });
});

describe("frame properties", () => {
  const frameArb = fc.record({
    destination: fc.integer({ min: 0, max: 0xffff }),
    source: fc.integer({ min: 0, max: 0xffff }),
    command: fc.integer({ min: 0, max: 0xff }),
    payload: fc.uint8Array({ maxLength: MAX_FRAME_LENGTH - MIN_FRAME_LENGTH }).map((a) => Buffer.from(a)),
  });

  it("decode(encode(frame)) is the frame, for any frame", () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        const bytes = encodeFrameOrThrow(frame);
        expect(bytes.length).toBe(frame.payload.length + MIN_FRAME_LENGTH);
        const decoded = decodeOk(bytes);
        expect(decoded.destination).toBe(frame.destination);
        expect(decoded.source).toBe(frame.source);
        expect(decoded.command).toBe(frame.command);
        expect(decoded.payload.equals(frame.payload)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("any single flipped byte in LEN..CRC is detected", () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (frame, at, mask) => {
        const bytes = encodeFrameOrThrow(frame);
        const i = 1 + (at % (bytes.length - 2));
        bytes[i]! ^= mask;
        expect(decodeFrame(bytes).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
