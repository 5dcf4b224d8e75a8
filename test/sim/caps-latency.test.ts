/**
 * Configured response caps and reply latencies: a gateway walking a space needs as many batches as
 * the caps dictate, and a device answers exactly its configured latency after a request's last byte.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  Command,
  decodeGetParamsResponse,
  decodeStructResponse,
  ecosterTypeOf,
  encodeRangeRequest,
  type ParameterDescriptor,
} from "../../src/protocol/index.js";
import { DEFAULT_CAPS, type SimulationCaps } from "../../src/sim/options.js";
import { defaultProfile } from "../../src/sim/profile/load.js";
import type { Simulation } from "../../src/sim/simulation.js";
import { quietSimulation, TestClient } from "./helpers.js";

const profile = defaultProfile();
const TYPES: Record<number, (index: number) => number | undefined> = {
  1: (i) => profile.regulator[i]?.typeCode,
  100: (i) => profile.panel[i]?.typeCode,
  165: ecosterTypeOf,
};

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function start(caps: Partial<SimulationCaps> = {}, options: Parameters<typeof quietSimulation>[0] = {}) {
  const created = quietSimulation({ caps: { ...DEFAULT_CAPS, ...caps }, ...options });
  sim = created.sim;
  // Source 100 (the panel's address): the thermostat answers the panel; the panel's cycle is off.
  const client = new TestClient(created.sim.attach("gateway"), created.clock, 100);
  return { ...created, client };
}

/** Reads a value space like a gateway, 100 asked each time, continuing after what was returned. */
async function readAll(client: TestClient, destination: number) {
  const batches: { payload: Buffer; indices: number[] }[] = [];
  let first = 0;
  for (let guard = 0; guard < 2_000; guard++) {
    const reply = await client.request({
      destination,
      command: Command.GET_PARAMS,
      payload: encodeRangeRequest({ count: 100, firstIndex: first }),
    });
    if (!reply) throw new Error(`no reply at ${first}`);
    if (reply.command === Command.NO_DATA) return { batches, end: first };
    const decoded = decodeGetParamsResponse(reply.payload, TYPES[destination]!);
    if (!decoded.ok) throw decoded.error;
    const indices = decoded.value.values.map((v) => v.index);
    expect(indices[0]).toBe(first);
    batches.push({ payload: reply.payload, indices });
    first += indices.length;
  }
  throw new Error("the walk did not end");
}

/** The panel's descriptors (0x01 → 0x81), 100 asked each time. */
async function panelDescriptors(client: TestClient) {
  const batches: { payload: Buffer; entries: ParameterDescriptor[] }[] = [];
  let first = 0;
  for (let guard = 0; guard < 1_000; guard++) {
    const reply = await client.request({
      destination: 100,
      source: 114,
      command: Command.GET_PARAMS_STRUCT,
      payload: encodeRangeRequest({ count: 100, firstIndex: first }),
    });
    if (!reply) throw new Error(`no reply at ${first}`);
    if (reply.command === Command.NO_DATA) return { batches, end: first };
    const decoded = decodeStructResponse(reply.payload);
    if (!decoded.ok) throw decoded.error;
    batches.push({ payload: reply.payload, entries: decoded.value.entries });
    first += decoded.value.entries.length;
  }
  throw new Error("the walk did not end");
}

describe("configured value caps", () => {
  it("controller: 100 values per answer by default (15 batches), maxCount 40 gives 37", async () => {
    const defaults = start();
    const standard = await readAll(defaults.client, 1);
    expect(standard.end).toBe(1447);
    expect(standard.batches).toHaveLength(15);
    await sim!.stop();

    const { client } = start({ controllerValues: { maxCount: 40, maxPayloadBytes: 1013 } });
    const { batches, end } = await readAll(client, 1);
    expect(end).toBe(1447);
    expect(batches).toHaveLength(Math.ceil(1447 / 40));
    expect(batches.slice(0, -1).every((b) => b.indices.length === 40)).toBe(true);
    expect(batches.at(-1)!.indices).toHaveLength(1447 - 36 * 40);
  });

  it("panel: a 120-byte payload cap cuts every answer short, so more batches cover the 423 values", async () => {
    const { client } = start({ panelValues: { maxCount: 255, maxPayloadBytes: 120 } });
    const { batches, end } = await readAll(client, 100);
    expect(end).toBe(423);
    expect(batches.flatMap((b) => b.indices)).toEqual([...Array(423).keys()]);
    for (const batch of batches) expect(batch.payload.length).toBeLessThanOrEqual(120);
    // Default: 5 answers of ≤ 100; each value takes ≥ 2 bytes (flag + value), so ≥ 423·2/120 here.
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil((423 * 2) / 120));
    expect(batches.length).toBeGreaterThan(5);
  });

  it("thermostat: maxCount 4 splits its space into batches of 4", async () => {
    const { client, sim: s } = start({ thermostatValues: { maxCount: 4, maxPayloadBytes: 1013 } });
    const count = s.thermostat.parameterCount;
    const { batches, end } = await readAll(client, 165);
    expect(end).toBe(count);
    expect(batches).toHaveLength(Math.ceil(count / 4));
    expect(batches.slice(0, -1).every((b) => b.indices.length === 4)).toBe(true);
  });
});

describe("configured panel descriptor cap", () => {
  it("a 380-byte cap roughly halves the 43 batches; maxCount 7 gives ceil(423 / 7)", async () => {
    const standard = await panelDescriptors(start().client);
    expect(standard.end).toBe(423);
    await sim!.stop();

    const { client } = start({ panelDescriptors: { maxCount: 255, maxPayloadBytes: 380 } });
    const wider = await panelDescriptors(client);
    expect(wider.end).toBe(423);
    expect(wider.batches.flatMap((b) => b.entries.map((e) => e.name))).toEqual(
      standard.batches.flatMap((b) => b.entries.map((e) => e.name)),
    );
    for (const batch of wider.batches) expect(batch.payload.length).toBeLessThanOrEqual(380);
    expect(wider.batches.length).toBeLessThan(standard.batches.length * 0.6);
    expect(wider.batches.length).toBeGreaterThanOrEqual(Math.ceil(standard.batches.length / 2.1));
    await sim!.stop();

    const counted = await panelDescriptors(
      start({ panelDescriptors: { maxCount: 7, maxPayloadBytes: 1013 } }).client,
    );
    expect(counted.end).toBe(423);
    expect(counted.batches).toHaveLength(Math.ceil(423 / 7));
    expect(counted.batches.slice(0, -1).every((b) => b.entries.length === 7)).toBe(true);
  });
});

describe("configured reply latency", () => {
  it("each device answers its configured latency after the request's last byte", async () => {
    const latencies = { 1: 37, 100: 11, 165: 23 } as const;
    const { client, sim: s } = start(
      {},
      {
        controllerLatencyMs: latencies[1],
        panelLatencyMs: latencies[100],
        thermostatLatencyMs: latencies[165],
      },
    );
    expect(s.bus.byteTimeMs).toBeGreaterThan(0); // wire delay on: the gap is measured between bytes
    for (const destination of [1, 100, 165] as const) {
      s.bus.log.clear();
      const reply = await client.request({
        destination,
        source: destination === 100 ? 114 : 100,
        command: Command.GET_PARAMS,
        payload: encodeRangeRequest({ count: 5, firstIndex: 0 }),
      });
      expect(reply?.command).toBe(Command.GET_PARAMS_RESPONSE);
      const [request, answer] = s.bus.log.entries;
      expect(request!.sender).toBe("gateway");
      expect(answer!.frame?.source).toBe(destination);
      const requestEnd = request!.timeMs + request!.bytes.length * s.bus.byteTimeMs;
      expect(answer!.timeMs - requestEnd, `device ${destination}`).toBeCloseTo(latencies[destination], 6);
    }
  });
});
