/**
 * Replays the real bus capture of PROTOCOL.md §19 through the framer and the payload codecs.
 * Needs ../shared/fixtures next to the repository; skips with the reason in its name otherwise.
 * (The same behaviour is proven without ../shared by the vector, framer and payload tests.)
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTypeTable, type TypeTable } from "../../src/cli/type-table.js";
import { Address, Command, commandName } from "../../src/protocol/constants.js";
import { ECOSTER_PARAMETERS, ecosterTypeOf } from "../../src/protocol/ecoster.js";
import { type FramedFrame, Framer } from "../../src/protocol/framer.js";
import { decodeGetParamsResponse } from "../../src/protocol/payloads/get-params.js";
import { CONTROLLER_IDENTITY, decodeIdentity } from "../../src/protocol/payloads/identify.js";
import { decodeModifyRequest, decodeModifyResponse } from "../../src/protocol/payloads/modify-param.js";
import { decodeRangeRequest } from "../../src/protocol/payloads/range-request.js";
import { decodeClock, decodeDeviceTable, decodeService } from "../../src/protocol/payloads/service.js";
import { decodeValue, TypeCode } from "../../src/protocol/types.js";
import { unwrap } from "./payloads/helpers.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(repoRoot, "..", "shared", "fixtures");
const capturePath = join(fixtures, "serial_capture.bin");
const dumpPath = join(fixtures, "ecomax360i-parameters.json");
const present = existsSync(capturePath) && existsSync(dumpPath);
const title = present
  ? "the reference bus capture (PROTOCOL.md §19)"
  : `the reference bus capture — SKIPPED: ${capturePath} or ${dumpPath} not found (clone next to shared/ to run it)`;

const FFFF = Address.BROADCAST;

function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function addTo(sets: Record<number, Set<number>>, key: number, value: number): void {
  const set = sets[key] ?? new Set<number>();
  set.add(value);
  sets[key] = set;
}

const flow = (f: FramedFrame) => `${commandName(f.command)} ${f.source}→${f.destination}`;

describe.skipIf(!present)(title, () => {
  let bytes: Buffer;
  let frames: FramedFrame[];
  let framer: Framer;
  let types: TypeTable;

  beforeAll(async () => {
    bytes = readFileSync(capturePath);
    framer = new Framer();
    frames = framer.push(bytes);
    types = await loadTypeTable(dumpPath);
  });

  const ofCommand = (command: number) => frames.filter((f) => f.command === command);

  it("is the documented file", () => {
    expect(bytes.length).toBe(69_681);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(
      "2ba12a7cfaa7c0e4713d33b3d1c7dea55430c990e3b13c3fb1f1b45d1afa7158",
    );
  });

  it("frames into 444 frames with no CRC failure and no discarded byte", () => {
    expect(frames).toHaveLength(444);
    expect(framer.stats).toMatchObject({
      frames: 444,
      crcErrors: 0,
      discardedBytes: 0,
      badEndMarkers: 0,
      badLengths: 0,
    });
    expect(framer.pendingBytes).toBe(0);
    expect(frames.reduce((n, f) => n + f.raw.length, 0)).toBe(bytes.length);
  });

  it("gives the same frames fed in 64-byte chunks", () => {
    const chunked = new Framer();
    const again: FramedFrame[] = [];
    for (let i = 0; i < bytes.length; i += 64) again.push(...chunked.push(bytes.subarray(i, i + 64)));
    expect(again.map((f) => f.offset)).toEqual(frames.map((f) => f.offset));
    expect(chunked.stats.discardedBytes).toBe(0);
  });

  it("has the per-command counts and flows of §19.2", () => {
    expect(tally(frames, (f) => commandName(f.command))).toEqual({
      GET_PARAMS: 185,
      GET_PARAMS_RESPONSE: 182,
      MODIFY_PARAM: 24,
      MODIFY_PARAM_RESPONSE: 24,
      IDENTIFY: 23,
      NO_DATA: 3,
      SERVICE: 2,
      IDENTIFY_RESPONSE: 1,
    });
    expect(tally(frames, flow)).toEqual({
      [`GET_PARAMS ${FFFF}→1`]: 179,
      "GET_PARAMS 100→165": 6,
      [`GET_PARAMS_RESPONSE 1→${FFFF}`]: 179,
      "GET_PARAMS_RESPONSE 165→100": 3,
      "MODIFY_PARAM 100→1": 24,
      "MODIFY_PARAM_RESPONSE 1→100": 24,
      "IDENTIFY 100→131": 14,
      "IDENTIFY 100→195": 2,
      "IDENTIFY 100→100": 2,
      "IDENTIFY 100→101": 2,
      "IDENTIFY 100→102": 2,
      "IDENTIFY 100→1": 1,
      "NO_DATA 165→100": 3,
      [`SERVICE 100→${FFFF}`]: 2,
      "IDENTIFY_RESPONSE 1→100": 1,
    });
  });

  it("has the by-source and by-destination counts of §19.2", () => {
    expect(tally(frames, (f) => String(f.source))).toEqual({ 1: 204, [FFFF]: 179, 100: 55, 165: 6 });
    expect(tally(frames, (f) => String(f.destination))).toEqual({
      1: 204,
      [FFFF]: 181,
      100: 33,
      131: 14,
      165: 6,
      195: 2,
      101: 2,
      102: 2,
    });
  });

  it("decodes every GET_PARAMS request to count and first index", () => {
    const requests = ofCommand(Command.GET_PARAMS).map((f) => ({
      source: f.source,
      ...unwrap(decodeRangeRequest(f.payload)),
    }));
    const poller = requests.filter((r) => r.source === FFFF);
    expect(poller.every((r) => r.count === 100 && r.firstIndex % 100 === 0 && r.firstIndex <= 1400)).toBe(
      true,
    );
    expect(tally(poller, (r) => String(r.firstIndex))).toEqual(
      Object.fromEntries(
        Array.from({ length: 15 }, (_, i) => [
          String(i * 100),
          i === 0 ? 11 : 12, // the capture starts with the request for block 100
        ]),
      ),
    );
    expect(requests.filter((r) => r.source === 100).map((r) => `${r.count}@${r.firstIndex}`)).toEqual([
      "255@0",
      "255@35",
      "255@0",
      "255@35",
      "255@0",
      "255@35",
    ]);
  });

  it("decodes every MODIFY_PARAM to its auth strings, index and value bytes, each answered 0xE5", () => {
    const writes = ofCommand(Command.MODIFY_PARAM).map((f) => unwrap(decodeModifyRequest(f.payload)));
    expect(writes.every((w) => w.user === "USER-000" && w.code === "4095" && w.count === 1)).toBe(true);
    expect(tally(writes, (w) => String(w.index))).toEqual({
      403: 3,
      404: 3,
      405: 3,
      406: 3,
      286: 3,
      288: 3,
      289: 3,
      290: 3,
    });
    // Every write in capture order, value bytes included (not just the last write per index):
    // batches of the four presence bitfields and of the four circuit-2 settings (PROTOCOL.md §5.5).
    const presence = ["403=01000000", "404=01000000", "406=02000000", "405=00000000"];
    const circuit2 = ["286=03", "288=00009841", "289=00009041", "290=0000003f"];
    expect(writes.map((w) => `${w.index}=${w.valueBytes.toString("hex")}`)).toEqual([
      ...presence,
      ...circuit2,
      ...presence,
      ...presence,
      ...circuit2,
      ...circuit2,
    ]);
    expect(writes).toHaveLength(24);
    // The value bytes decode with the dump's types: u32 bitfields, u8 work mode, float temperatures.
    const decoded = writes
      .slice(0, 8)
      .map((w) => [w.index, unwrap(decodeValue(types.get(w.index)!, w.valueBytes))]);
    expect(Object.fromEntries(decoded)).toMatchObject({ 403: 1, 404: 1, 405: 0, 406: 2 });
    const circuit = writes.filter((w) => w.index >= 286 && w.index <= 290).slice(0, 4);
    expect(circuit.map((w) => unwrap(decodeValue(types.get(w.index)!, w.valueBytes)))).toEqual([
      3, 19, 18, 0.5,
    ]);
    const results = ofCommand(Command.MODIFY_PARAM_RESPONSE).map(
      (f) => unwrap(decodeModifyResponse(f.payload)).result,
    );
    expect(results).toEqual(new Array(24).fill(0xe5));
  });

  it("decodes the controller's IDENTIFY answer to its six strings (84 bytes)", () => {
    const [answer] = ofCommand(Command.IDENTIFY_RESPONSE);
    expect(answer?.payload.length).toBe(84);
    expect(decodeIdentity(answer!.payload)).toEqual([...CONTROLLER_IDENTITY]);
    expect(decodeIdentity(answer!.payload)).toEqual([
      "PLUM Sp. z o. o.",
      "ecoMAX360i klient ID 114",
      "1008026009",
      "1.00",
      "",
      "H2.3.0_S024.25_D0x69FC__",
    ]);
  });

  it("decodes the device table to panel 100 at 20.78 °C and thermostat 165 at 18.9 °C, and the clock broadcast", () => {
    const services = ofCommand(Command.SERVICE);
    const fns = services.map((f) => unwrap(decodeService(f.payload)).function);
    expect(fns.sort()).toEqual([0x0023, 0x2001]);
    const table = services.find((f) => f.payload.readUInt16LE(0) === 0x2001)!;
    expect(unwrap(decodeDeviceTable(table.payload))).toEqual([
      { address: 100, temperature: 20.78 },
      { address: 165, temperature: 18.9 },
    ]);
    const clock = services.find((f) => f.payload.readUInt16LE(0) === 0x0023)!;
    expect(unwrap(decodeClock(clock.payload))).toMatchObject({
      year: 2026,
      month: 1,
      day: 22,
      hour: 20,
      minute: 55,
      second: 7,
      weekday: 4,
    });
  });

  it("decodes every controller GET_PARAMS response exactly to its end with the dump's types, with the §19.3 sizes", () => {
    const responses = frames.filter(
      (f) => f.command === Command.GET_PARAMS_RESPONSE && f.source === Address.CONTROLLER,
    );
    expect(responses).toHaveLength(179);
    const typeOf = (index: number) => types.get(index);
    const sizes: Record<number, Set<number>> = {};
    const counts: Record<number, Set<number>> = {};
    const flags = new Map<number, number>();
    for (const response of responses) {
      const batch = unwrap(decodeGetParamsResponse(response.payload, typeOf)); // strict: consumes every byte
      addTo(sizes, batch.firstIndex, response.payload.length);
      addTo(counts, batch.firstIndex, batch.values.length);
      for (const { index, flag } of batch.values) {
        expect(flags.get(index) ?? flag, `flag of ${index} changed`).toBe(flag);
        flags.set(index, flag);
      }
    }
    const table = [453, 307, 355, 403, 350, 458, 320, 306, 466, 378, 378, 380, 327, 296, 116];
    expect(Object.fromEntries(Object.entries(sizes).map(([first, set]) => [first, [...set]]))).toEqual(
      Object.fromEntries(table.map((size, i) => [String(i * 100), [size]])),
    );
    expect(Object.fromEntries(Object.entries(counts).map(([first, set]) => [first, [...set]]))).toEqual(
      Object.fromEntries(table.map((_, i) => [String(i * 100), [i === 14 ? 47 : 100]])),
    );
    expect(flags.size).toBe(1447);
    // §19.4: the strings of block 0 are the controller's software and hardware versions.
    const block = (first: number) => responses.find((r) => r.payload.readUInt16LE(1) === first)!.payload;
    const block0 = unwrap(decodeGetParamsResponse(block(0), typeOf));
    expect(block0.values.slice(0, 2)).toEqual([
      { index: 0, flag: 0xc2, value: "S024.25" },
      { index: 1, flag: 0xc2, value: "H2.3.0" },
    ]);
    // §19.4: 103–109 carry the range-reference flags.
    const block100 = unwrap(decodeGetParamsResponse(block(100), typeOf));
    expect(block100.values.slice(3, 10).map((v) => v.flag)).toEqual([
      0x31, 0x11, 0x21, 0x02, 0x21, 0x11, 0x31,
    ]);
  });

  it("answers each GET_PARAMS with the first index asked for", () => {
    for (let i = 0; i < frames.length - 1; i++) {
      const request = frames[i]!;
      if (request.command !== Command.GET_PARAMS) continue;
      const reply = frames[i + 1]!;
      expect(reply.source).toBe(request.destination);
      const asked = unwrap(decodeRangeRequest(request.payload));
      if (reply.command === Command.NO_DATA) {
        expect(asked.firstIndex).toBe(35);
        continue;
      }
      expect(reply.command).toBe(Command.GET_PARAMS_RESPONSE);
      expect(reply.payload.readUInt16LE(1)).toBe(asked.firstIndex);
      expect(reply.payload[0]).toBeLessThanOrEqual(asked.count);
    }
  });

  it("decodes the thermostat's responses with the ecoSTER table: 35 values in 180 bytes", () => {
    const responses = frames.filter((f) => f.command === Command.GET_PARAMS_RESPONSE && f.source === 165);
    expect(responses).toHaveLength(3);
    for (const response of responses) {
      expect(response.payload.length).toBe(180);
      const batch = unwrap(decodeGetParamsResponse(response.payload, ecosterTypeOf));
      expect(batch.values).toHaveLength(35);
      expect(batch.values.map((v) => v.index)).toEqual(ECOSTER_PARAMETERS.map((p) => p.index));
      const byIndex = new Map(batch.values.map((v) => [v.index, v]));
      expect(byIndex.get(0)).toEqual({ index: 0, flag: 0x00, value: 18.9 }); // IntrSens, as broadcast in 0x2001
      expect(byIndex.get(1)).toEqual({ index: 1, flag: 0x81, value: 3 });
      expect(byIndex.get(23)?.value).toBeNaN(); // ExtSens: no external sensor
      expect(byIndex.get(25)?.value).toBe("H2.0.0");
      expect(byIndex.get(26)?.value).toBe("S001.24");
      expect(byIndex.get(27)?.value).toBe("Dec 28 2022 10:41:09");
      // Flags are the table's, except where the real device's settings were written (§17.3).
      for (const p of ECOSTER_PARAMETERS)
        expect([p.flag, p.writtenFlag]).toContain(byIndex.get(p.index)!.flag);
      expect(response.payload.subarray(0, 9).toString("hex")).toBe("230000006838974181");
    }
  });

  it("the controller's work-time counters advance during the ~30 s capture", () => {
    const responses = frames.filter(
      (f) =>
        f.command === Command.GET_PARAMS_RESPONSE &&
        f.source === Address.CONTROLLER &&
        f.payload.readUInt16LE(1) === 900,
    );
    const worktime = responses.map(
      (r) =>
        unwrap(decodeGetParamsResponse(r.payload, (i) => types.get(i))).values.find((v) => v.index === 924)!
          .value as number,
    );
    expect(worktime).toHaveLength(12);
    expect(worktime[11]! - worktime[0]!).toBe(29);
    expect(types.get(924)).toBe(TypeCode.UINT32);
  });
});
