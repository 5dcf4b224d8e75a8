import { describe, expect, it } from "vitest";
import {
  Command,
  decodeGetParamsResponse,
  decodeModifyResponse,
  decodeStructWithRangeResponse,
  ECOSTER_PARAMETERS,
  ecosterTypeOf,
  encodeModifyRequest,
  encodeRangeRequest,
  type Frame,
  WriteAuth,
} from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { ThermostatEmulator, VIRTUAL_THERMOSTAT_IDENTITY } from "../../src/thermostat/emulator.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

const OWN = 166;
/** PROTOCOL.md §17.2, the hex of the identity as a real panel accepts it. */
const IDENTITY_HEX =
  "504c554d2053702e207a206f2e6f2e0065636f535445525f343000303030303030303030320030330030300048322e302e305f533030312e32345f44364146435f5f00";

function setup(temperature = 21.37) {
  const sim = new VirtualClock();
  const clock = gatewayClockOn(sim);
  let value = temperature;
  const emulator = new ThermostatEmulator({ clock, temperature: () => value });
  return { sim, emulator, setTemperature: (t: number) => (value = t) };
}

function request(command: number, payload: Buffer, destination = OWN): Frame {
  return { source: 100, destination, command, payload };
}

const readAll = (emulator: ThermostatEmulator, first = 0) =>
  emulator.reply(request(Command.GET_PARAMS, encodeRangeRequest({ count: 255, firstIndex: first })), OWN);

describe("ThermostatEmulator (PROTOCOL.md §17.2–§17.4)", () => {
  it("answers IDENTIFY with the 67-byte ecoSTER_40 identity, byte for byte", () => {
    const { emulator } = setup();
    const reply = emulator.reply(request(Command.IDENTIFY, Buffer.alloc(0)), OWN)!;
    expect(VIRTUAL_THERMOSTAT_IDENTITY.length).toBe(67);
    expect(reply).toEqual({
      source: OWN,
      destination: 100,
      command: Command.IDENTIFY_RESPONSE,
      payload: Buffer.from(IDENTITY_HEX, "hex"),
    });
  });

  it("does not answer frames for another address, or commands it does not know (0x01)", () => {
    const { emulator } = setup();
    expect(emulator.reply(request(Command.IDENTIFY, Buffer.alloc(0), 165), OWN)).toBeUndefined();
    const struct = request(Command.GET_PARAMS_STRUCT, encodeRangeRequest({ count: 100, firstIndex: 0 }));
    expect(emulator.reply(struct, OWN)).toBeUndefined();
    expect(emulator.reply(request(Command.GET_PARAMS, Buffer.from([1])), OWN)).toBeUndefined();
  });

  it("serves all 35 values with their flags (the panel's ff 00 00), then NO_DATA at 35", () => {
    const { emulator } = setup(21.37);
    const reply = readAll(emulator)!;
    expect(reply.command).toBe(Command.GET_PARAMS_RESPONSE);
    const batch = decodeGetParamsResponse(reply.payload, ecosterTypeOf);
    expect(batch.ok).toBe(true);
    if (!batch.ok) return;
    expect(batch.value.values).toHaveLength(35);
    const byIndex = new Map(batch.value.values.map((v) => [v.index, v]));
    expect(byIndex.get(0)!.value).toBeCloseTo(21.37, 5);
    expect(byIndex.get(3)!.value).toBeCloseTo(21.37, 5);
    expect(byIndex.get(1)!.value).toBe(3);
    expect(byIndex.get(4)!.value).toBe(19.5);
    expect(byIndex.get(24)!.value).toBe("0000000002");
    expect(byIndex.get(27)!.value).toBe("Dec 28 2022 10:41:09");
    expect(Number.isNaN(byIndex.get(23)!.value)).toBe(true);
    expect(batch.value.values.map((v) => v.flag)).toEqual(ECOSTER_PARAMETERS.map((p) => p.flag));
    // ExtSens is NaN as 00 00 c0 7f on the wire.
    expect(reply.payload.includes(Buffer.from("0000c07f", "hex"))).toBe(true);
    expect(readAll(emulator, 35)).toEqual({
      source: OWN,
      destination: 100,
      command: Command.NO_DATA,
      payload: Buffer.alloc(0),
    });
  });

  it("reports seconds since start in Run (30)", () => {
    const { emulator, sim } = setup();
    sim.advance(125_400);
    const reply = emulator.reply(
      request(Command.GET_PARAMS, encodeRangeRequest({ count: 1, firstIndex: 30 })),
      OWN,
    )!;
    expect(reply.payload).toEqual(Buffer.from([1, 30, 0, 0x00, 125, 0, 0, 0]));
  });

  it("sends descriptors in ≤ 240-byte batches of 14, 16 and 5 entries, NO_DATA past the end", () => {
    const { emulator } = setup();
    const sizes: number[] = [];
    const names: string[] = [];
    let first = 0;
    for (;;) {
      const reply = emulator.reply(
        request(Command.GET_PARAMS_STRUCT_WITH_RANGE, encodeRangeRequest({ count: 100, firstIndex: first })),
        OWN,
      )!;
      if (reply.command === Command.NO_DATA) break;
      expect(reply.command).toBe(Command.GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE);
      expect(reply.payload.length).toBeLessThanOrEqual(240);
      const batch = decodeStructWithRangeResponse(reply.payload);
      expect(batch.ok).toBe(true);
      if (!batch.ok) return;
      expect(batch.value.firstIndex).toBe(first);
      sizes.push(batch.value.entries.length);
      names.push(...batch.value.entries.map((e) => e.name));
      for (const entry of batch.value.entries) expect(entry.extra).toBe(0);
      first += batch.value.entries.length;
    }
    expect(sizes).toEqual([14, 16, 5]);
    expect(names).toEqual(ECOSTER_PARAMETERS.map((p) => p.name));
  });

  it("stores written raw bytes, echoes them with the written flag, and keeps schedule words as written", () => {
    const { emulator } = setup();
    const write = (index: number, valueBytes: Buffer) =>
      emulator.reply(
        request(Command.MODIFY_PARAM, encodeModifyRequest({ ...WriteAuth.PANEL, index, valueBytes })),
        OWN,
      );
    const prDay = Buffer.alloc(4);
    prDay.writeFloatLE(22.5);
    const answer = write(4, prDay)!;
    expect(answer.command).toBe(Command.MODIFY_PARAM_RESPONSE);
    expect(decodeModifyResponse(answer.payload)).toEqual({ ok: true, value: { result: 0 } });
    const scheduleA = Buffer.from([0x00, 0xf0, 0xff, 0x0f]);
    const scheduleB = Buffer.from([0xff, 0x03]);
    write(11, scheduleA);
    write(12, scheduleB);
    // Wrong size (u16 into a float) and an unknown index are acknowledged but not stored.
    expect(write(5, Buffer.from([1, 2]))?.command).toBe(Command.MODIFY_PARAM_RESPONSE);
    expect(write(99, Buffer.from([1]))?.command).toBe(Command.MODIFY_PARAM_RESPONSE);
    expect(emulator.valueBytes(4)).toEqual(prDay);
    expect(emulator.flagOf(4)).toBe(0x01);
    expect(emulator.valueBytes(11)).toEqual(scheduleA);
    expect(emulator.valueBytes(12)).toEqual(scheduleB);
    expect(emulator.valueBytes(5)).toEqual(Buffer.from([0, 0, 0x90, 0x41])); // 18.0, untouched
    expect([...emulator.writtenValues().keys()]).toEqual([4, 11, 12]);
    const batch = decodeGetParamsResponse(readAll(emulator)!.payload, ecosterTypeOf);
    if (!batch.ok) throw batch.error;
    expect(batch.value.values[4]!.value).toBe(22.5);
    expect(batch.value.values[11]!.value).toBe(0x0ffff000);
    expect(batch.value.values[12]!.value).toBe(0x03ff);
  });

  it("restores written values given at construction", () => {
    const clock = gatewayClockOn(new VirtualClock());
    const emulator = new ThermostatEmulator({
      clock,
      temperature: () => 20,
      written: new Map([
        [1, Buffer.from([2])],
        [0, Buffer.from([0, 0, 0, 0])], // computed: ignored
        [4, Buffer.from([1])], // wrong size: ignored
      ]),
    });
    expect(emulator.valueBytes(1)).toEqual(Buffer.from([2]));
    expect(emulator.valueBytes(0)).toEqual(Buffer.from([0, 0, 0xa0, 0x41]));
    expect([...emulator.writtenValues().keys()]).toEqual([1]);
  });
});
