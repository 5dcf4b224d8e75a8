import { afterEach, describe, expect, it } from "vitest";
import {
  CONTROLLER_IDENTITY,
  Command,
  decodeGetParamsResponse,
  decodeIdentity,
  decodeModifyResponse,
  decodeStructResponse,
  decodeStructWithRangeResponse,
  encodeModifyRequest,
  encodeRangeRequest,
  encodeValue,
  type FramedFrame,
  LimitFlag,
  MODIFY_RESULT_CONTROLLER,
  type ParameterDescriptor,
  WriteAuth,
} from "../../src/protocol/index.js";
import { defaultProfile } from "../../src/sim/profile/load.js";
import type { Simulation } from "../../src/sim/simulation.js";
import { quietSimulation, TestClient } from "./helpers.js";

const profile = defaultProfile();
const regulatorType = (index: number) => profile.regulator[index]?.typeCode;
const panelType = (index: number) => profile.panel[index]?.typeCode;

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function start(options: Parameters<typeof quietSimulation>[0] = {}) {
  const created = quietSimulation(options);
  sim = created.sim;
  const client = new TestClient(created.sim.attach("gateway"), created.clock);
  return { ...created, client };
}

/** Walks a descriptor space like a gateway: continue from first + count until NO_DATA. */
async function discover(client: TestClient, destination: number, command: number) {
  const batches: { payload: Buffer; entries: ParameterDescriptor[] }[] = [];
  let first = 0;
  for (let guard = 0; guard < 500; guard++) {
    const reply = await client.request({
      destination,
      command,
      payload: encodeRangeRequest({ count: 100, firstIndex: first }),
    });
    if (!reply) throw new Error(`no reply at ${first}`);
    if (reply.command === Command.NO_DATA) return { batches, end: first };
    expect(reply.command).toBe(command | 0x80);
    const decoded =
      command === Command.GET_PARAMS_STRUCT_WITH_RANGE
        ? decodeStructWithRangeResponse(reply.payload)
        : decodeStructResponse(reply.payload);
    if (!decoded.ok) throw decoded.error;
    expect(decoded.value.firstIndex).toBe(first);
    batches.push({ payload: reply.payload, entries: decoded.value.entries });
    first += decoded.value.entries.length;
  }
  throw new Error("discovery did not end");
}

function entrySize(entry: ParameterDescriptor, withRange: boolean): number {
  return Buffer.byteLength(entry.name) + 1 + Buffer.byteLength(entry.unit) + 1 + (withRange ? 6 : 2);
}

async function write(client: TestClient, index: number, valueBytes: Buffer, maxMs = 1_000) {
  return client.request(
    {
      destination: 1,
      command: Command.MODIFY_PARAM,
      payload: encodeModifyRequest({ ...WriteAuth.GATEWAY, index, valueBytes }),
    },
    maxMs,
  );
}

function encoded(type: number, value: unknown): Buffer {
  const result = encodeValue(type, value);
  if (!result.ok) throw result.error;
  return result.value;
}

async function readValues(client: TestClient, destination: number, firstIndex: number, count: number) {
  const reply = await client.request({
    destination,
    command: Command.GET_PARAMS,
    payload: encodeRangeRequest({ count, firstIndex }),
  });
  return reply as FramedFrame;
}

describe("controller discovery (0x02 → 0x82)", () => {
  it("serves all 1,447 descriptors in about 39 batches, each cut by the payload cap", async () => {
    const { client, sim: s } = start();
    const cap = s.options.caps.controllerDescriptors.maxPayloadBytes;
    const { batches, end } = await discover(client, 1, Command.GET_PARAMS_STRUCT_WITH_RANGE);
    expect(end).toBe(1447);
    const entries = batches.flatMap((b) => b.entries);
    expect(entries).toHaveLength(1447);
    expect(batches.length).toBeGreaterThanOrEqual(37);
    expect(batches.length).toBeLessThanOrEqual(41);
    let index = 0;
    for (const [i, batch] of batches.entries()) {
      expect(batch.payload.length).toBeLessThanOrEqual(cap);
      index += batch.entries.length;
      const next = entries[index];
      // The cap, not anything else, ended every batch but the last.
      if (i < batches.length - 1) expect(batch.payload.length + entrySize(next!, true)).toBeGreaterThan(cap);
    }
    entries.forEach((entry, i) => {
      const p = profile.regulator[i]!;
      expect([entry.name, entry.unit, entry.typeByte, entry.writable]).toEqual([
        p.name,
        p.unit,
        p.typeByte,
        p.writable,
      ]);
    });
    expect(entries[103]).toMatchObject({
      name: "HDWTSetPoint",
      min: { kind: "reference", index: 107 },
      max: { kind: "reference", index: 108 },
    });
    expect(entries[288]).toMatchObject({
      min: { kind: "literal", value: 10 },
      max: { kind: "literal", value: 35 },
    });
    expect(entries[0]!.extra! & (LimitFlag.NO_MIN | LimitFlag.NO_MAX)).toBe(
      LimitFlag.NO_MIN | LimitFlag.NO_MAX,
    );
    expect(s.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE).toBe(batches.length + 1);
  });

  it("follows a smaller configured cap with more batches", async () => {
    const { client } = start({
      caps: { controllerDescriptors: { maxCount: 20, maxPayloadBytes: 1013 } } as never,
    });
    const { batches, end } = await discover(client, 1, Command.GET_PARAMS_STRUCT_WITH_RANGE);
    expect(end).toBe(1447);
    expect(batches).toHaveLength(Math.ceil(1447 / 20));
    expect(batches.every((b, i) => i === batches.length - 1 || b.entries.length === 20)).toBe(true);
  });
});

describe("panel discovery (0x01 → 0x81)", () => {
  it("serves all 423 descriptors without range in about 43 batches", async () => {
    const { client, sim: s } = start();
    const cap = s.options.caps.panelDescriptors.maxPayloadBytes;
    const { batches, end } = await discover(client, 100, Command.GET_PARAMS_STRUCT);
    expect(end).toBe(423);
    const entries = batches.flatMap((b) => b.entries);
    expect(entries).toHaveLength(423);
    expect(batches.length).toBeGreaterThanOrEqual(41);
    expect(batches.length).toBeLessThanOrEqual(45);
    let index = 0;
    for (const [i, batch] of batches.entries()) {
      expect(batch.payload.length).toBeLessThanOrEqual(cap);
      index += batch.entries.length;
      if (i < batches.length - 1)
        expect(batch.payload.length + entrySize(entries[index]!, false)).toBeGreaterThan(cap);
    }
    entries.forEach((entry, i) => {
      const p = profile.panel[i]!;
      expect([entry.name, entry.typeByte, entry.exponent, entry.min.kind]).toEqual([
        p.name,
        p.typeByte,
        0,
        "none",
      ]);
    });
  });

  it("answers the panel's values by wire index 0..422 and NO_DATA at 423", async () => {
    const { client } = start();
    const reply = await readValues(client, 100, 0, 100);
    const batch = decodeGetParamsResponse(reply.payload, panelType);
    if (!batch.ok) throw batch.error;
    expect(batch.value.values).toHaveLength(100);
    expect(batch.value.values[1]).toMatchObject({ index: 1, value: profile.panel[1]!.value, flag: 0xc2 });
    const last = decodeGetParamsResponse((await readValues(client, 100, 400, 100)).payload, panelType);
    expect(last.ok && last.value.values.length).toBe(23);
    expect((await readValues(client, 100, 423, 100)).command).toBe(Command.NO_DATA);
  });
});

describe("controller values (0x40 → 0xC0)", () => {
  it("sends the capture's flag bytes for 103–109 and values from the profile", async () => {
    const { client } = start();
    const reply = await readValues(client, 1, 100, 100);
    expect(reply.command).toBe(Command.GET_PARAMS_RESPONSE);
    const batch = decodeGetParamsResponse(reply.payload, regulatorType);
    if (!batch.ok) throw batch.error;
    expect(batch.value.values).toHaveLength(100);
    // PROTOCOL.md §19.4: the values of 103–109 carry the flags 31 11 21 02 21 11 31.
    expect(batch.value.values.slice(3, 10).map((v) => v.flag)).toEqual([
      0x31, 0x11, 0x21, 0x02, 0x21, 0x11, 0x31,
    ]);
    expect(batch.value.values[3]).toMatchObject({ index: 103, value: 46 });
  });

  it("returns the 47 values left at 1400 and NO_DATA at or past 1447", async () => {
    const { client } = start();
    const tail = decodeGetParamsResponse((await readValues(client, 1, 1400, 100)).payload, regulatorType);
    expect(tail.ok && tail.value.values.length).toBe(47);
    expect((await readValues(client, 1, 1447, 100)).command).toBe(Command.NO_DATA);
    expect((await readValues(client, 1, 5000, 1)).command).toBe(Command.NO_DATA);
  });

  it("serves NaN floats as 00 00 c0 7f and strings NUL-terminated", async () => {
    const { client } = start();
    const reply = await readValues(client, 1, 62, 1);
    expect(reply.payload.subarray(3)).toEqual(Buffer.from([0xc2, 0x00, 0x00, 0xc0, 0x7f]));
    const strings = await readValues(client, 1, 0, 2);
    expect(strings.payload.subarray(3).toString("latin1")).toBe("\xc2S024.25\0\xc2H2.3.0\0");
  });
});

describe("controller IDENTIFY", () => {
  it("answers the six strings of the capture, 84 bytes", async () => {
    const { client } = start();
    const reply = await client.request({
      destination: 1,
      command: Command.IDENTIFY,
      payload: Buffer.alloc(0),
    });
    expect(reply?.command).toBe(Command.IDENTIFY_RESPONSE);
    expect(reply!.payload.length).toBe(84);
    expect(decodeIdentity(reply!.payload)).toEqual(CONTROLLER_IDENTITY);
  });
});

describe("controller writes (0x29 → 0xA9)", () => {
  it("applies a writable, in-range, well-typed value and answers 0xE5", async () => {
    const { client, sim: s } = start();
    const reply = await write(client, 288, encoded(7, 22.5));
    expect(reply?.command).toBe(Command.MODIFY_PARAM_RESPONSE);
    const result = decodeModifyResponse(reply!.payload);
    expect(result.ok && result.value.result).toBe(MODIFY_RESULT_CONTROLLER);
    expect(s.controller.getValue(288)).toBe(22.5);
    const back = decodeGetParamsResponse((await readValues(client, 1, 288, 1)).payload, regulatorType);
    expect(back.ok && back.value.values[0]!.value).toBe(22.5);
    expect(s.controller.writes.at(-1)).toMatchObject({
      index: 288,
      accepted: true,
      value: 22.5,
      source: 114,
    });
  });

  it("resolves referenced limits through current values at write time", async () => {
    const { client, sim: s } = start();
    const max = s.controller.getValue(108) as number;
    expect((await write(client, 103, encoded(4, max + 1)))?.command).toBe(Command.NO_DATA);
    expect(s.controller.getValue(103)).toBe(46);
    s.controller.setValue(108, max + 5);
    expect((await write(client, 103, encoded(4, max + 1)))?.command).toBe(Command.MODIFY_PARAM_RESPONSE);
    expect(s.controller.getValue(103)).toBe(max + 1);
    const min = s.controller.getValue(107) as number;
    expect((await write(client, 103, encoded(4, min - 1)))?.command).toBe(Command.NO_DATA);
  });

  it("rejects read-only, out-of-range, unknown and wrong-size writes and changes nothing", async () => {
    const { client, sim: s } = start();
    const before = [0, 288, 68].map((i) => s.controller.getValue(i));
    expect((await write(client, 0, encoded(12, "hacked")))?.command).toBe(Command.NO_DATA); // read-only PS
    expect((await write(client, 68, encoded(7, 20)))?.command).toBe(Command.NO_DATA); // read-only TempWthr
    expect((await write(client, 288, encoded(7, 35.5)))?.command).toBe(Command.NO_DATA); // above 35
    expect((await write(client, 288, encoded(7, Number.NaN)))?.command).toBe(Command.NO_DATA); // ill-typed
    expect((await write(client, 288, Buffer.from([1, 2])))?.command).toBe(Command.ERROR); // float needs 4 bytes
    expect((await write(client, 5000, encoded(4, 1)))?.command).toBe(Command.NO_DATA); // no such index
    expect([0, 288, 68].map((i) => s.controller.getValue(i))).toEqual(before);
    expect(s.controller.writes.map((w) => [w.index, w.accepted, w.reason])).toEqual([
      [0, false, "read-only"],
      [68, false, "read-only"],
      [288, false, "out-of-range"],
      [288, false, "ill-typed"],
      [288, false, "wrong-size"],
      [5000, false, "unknown-index"],
    ]);
  });

  it("answers a malformed write with ERROR and, when configured silent, not at all", async () => {
    const { client } = start();
    const malformed = await client.request({
      destination: 1,
      command: Command.MODIFY_PARAM,
      payload: Buffer.from("USER"),
    });
    expect(malformed?.command).toBe(Command.ERROR);
    await sim!.stop();
    const silent = start({ writeRejection: "silent" });
    expect(await write(silent.client, 0, encoded(12, "x"), 500)).toBeUndefined();
    expect((await write(silent.client, 288, encoded(7, 20)))?.command).toBe(Command.MODIFY_PARAM_RESPONSE);
  });

  it("lets the simulator side change values and rejects values that do not fit the type", () => {
    const { sim: s } = start();
    s.controller.setValue(924, 5);
    expect(s.controller.getValue(924)).toBe(5);
    expect(() => s.controller.setValue(103, 300)).toThrow(/uint8/);
    expect(() => s.controller.getValue(1447)).toThrow(/no parameter 1447/);
    expect(s.controller.parameterCount).toBe(1447);
  });
});
