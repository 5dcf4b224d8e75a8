import { afterEach, describe, expect, it } from "vitest";
import {
  Command,
  decodeGetParamsResponse,
  decodeIdentity,
  decodeModifyResponse,
  decodeStructWithRangeResponse,
  ECOSTER_PARAMETERS,
  ecosterTypeOf,
  encodeModifyRequest,
  encodeRangeRequest,
  encodeValue,
  THERMOSTAT_IDENTITY,
  WriteAuth,
} from "../../src/protocol/index.js";
import type { Simulation } from "../../src/sim/simulation.js";
import { quietSimulation, TestClient } from "./helpers.js";

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function start() {
  const created = quietSimulation();
  sim = created.sim;
  return { ...created, client: new TestClient(created.sim.attach("panel-like"), created.clock, 100) };
}

const range = (count: number, firstIndex: number) => encodeRangeRequest({ count, firstIndex });

describe("ecoSTER thermostat at 165 (PROTOCOL.md §17.4)", () => {
  it("answers IDENTIFY with the 67-byte identity", async () => {
    const { client } = start();
    const reply = await client.request({
      destination: 165,
      command: Command.IDENTIFY,
      payload: Buffer.alloc(0),
    });
    expect(reply?.payload.length).toBe(67);
    expect(decodeIdentity(reply!.payload)).toEqual(THERMOSTAT_IDENTITY);
  });

  it("serves descriptors in ≤ 240-byte batches of 14, 16 and 5 entries, then NO_DATA", async () => {
    const { client } = start();
    const sizes: number[] = [];
    let first = 0;
    for (;;) {
      const reply = await client.request({
        destination: 165,
        command: Command.GET_PARAMS_STRUCT_WITH_RANGE,
        payload: range(100, first),
      });
      if (reply?.command === Command.NO_DATA) break;
      expect(reply!.payload.length).toBeLessThanOrEqual(240);
      const batch = decodeStructWithRangeResponse(reply!.payload);
      if (!batch.ok) throw batch.error;
      for (const [i, entry] of batch.value.entries.entries()) {
        const p = ECOSTER_PARAMETERS[first + i]!;
        expect(entry).toMatchObject({
          name: p.name,
          unit: p.unit,
          typeCode: p.type,
          writable: p.writable,
          extra: 0,
        });
        expect(entry.min).toEqual({ kind: "literal", value: p.min });
        expect(entry.max).toEqual({ kind: "literal", value: p.max });
      }
      sizes.push(batch.value.entries.length);
      first += batch.value.entries.length;
    }
    expect(sizes).toEqual([14, 16, 5]);
  });

  it("answers the panel's poll: 35 values in a 180-byte payload, then NO_DATA at 35", async () => {
    const { client } = start();
    const reply = await client.request({
      destination: 165,
      command: Command.GET_PARAMS,
      payload: range(255, 0),
    });
    expect(reply?.payload.length).toBe(180);
    const batch = decodeGetParamsResponse(reply!.payload, ecosterTypeOf);
    if (!batch.ok) throw batch.error;
    expect(batch.value.values.map((v) => v.flag)).toEqual(ECOSTER_PARAMETERS.map((p) => p.flag));
    expect(batch.value.values[0]!.value).toBe(18.9);
    expect(batch.value.values[23]!.value).toBeNaN();
    const end = await client.request({
      destination: 165,
      command: Command.GET_PARAMS,
      payload: range(255, 35),
    });
    expect(end?.command).toBe(Command.NO_DATA);
  });

  it("stores a write, answers 0xA9 0x00 and marks the value written in its flag", async () => {
    const { client, sim: s } = start();
    const value = encodeValue(7, 21.5);
    if (!value.ok) throw value.error;
    const reply = await client.request({
      destination: 165,
      command: Command.MODIFY_PARAM,
      payload: encodeModifyRequest({ ...WriteAuth.PANEL_TO_THERMOSTAT, index: 4, valueBytes: value.value }),
    });
    const result = decodeModifyResponse(reply!.payload);
    expect(result.ok && result.value.result).toBe(0);
    expect(s.thermostat.getValue(4)).toBe(21.5);
    const read = await client.request({
      destination: 165,
      command: Command.GET_PARAMS,
      payload: range(1, 4),
    });
    expect(read!.payload.subarray(3)).toEqual(Buffer.concat([Buffer.from([0x01]), value.value]));
  });

  it("does not answer GET_PARAMS_STRUCT (0x01)", async () => {
    const { client } = start();
    const reply = await client.request(
      { destination: 165, command: Command.GET_PARAMS_STRUCT, payload: range(100, 0) },
      500,
    );
    expect(reply).toBeUndefined();
  });

  it("mirrors its room temperature into PresetNow", () => {
    const { sim: s } = start();
    s.thermostat.roomTemperature = 22.25;
    expect(s.thermostat.getValue(0)).toBe(22.25);
    expect(s.thermostat.getValue(3)).toBe(22.25);
  });
});
