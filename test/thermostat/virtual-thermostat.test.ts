import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  Command,
  decodeGetParamsResponse,
  ecosterTypeOf,
  encodeAddressAssignment,
  encodeDeviceTable,
  encodeModifyRequest,
  encodePairingBeacon,
  encodeRangeRequest,
  type Frame,
  WriteAuth,
} from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { StateDirectory } from "../../src/state/state-file.js";
import { THERMOSTAT_STATE_FILE } from "../../src/thermostat/store.js";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gm3-thermostat-"));
  dirs.push(dir);
  return dir;
}

const fromPanel = (destination: number, command: number, payload: Buffer): Frame => ({
  source: 100,
  destination,
  command,
  payload,
});

async function open(dir: string | undefined, sim = new VirtualClock(), enabled = true) {
  const thermostat = await VirtualThermostat.open({
    clock: gatewayClockOn(sim),
    enabled,
    ...(dir ? { stateDirectory: new StateDirectory(dir) } : {}),
  });
  return { thermostat, sim };
}

function pairByBeacon(thermostat: VirtualThermostat, address: number): void {
  expect(thermostat.startPairing().ok).toBe(true);
  thermostat.handle(fromPanel(0xffff, Command.SERVICE, encodePairingBeacon()));
  thermostat.handle(fromPanel(163, Command.SERVICE, encodeAddressAssignment(address)));
  expect(thermostat.status()).toMatchObject({ pairing_state: "paired", bus_address: address });
}

function readTemperature(thermostat: VirtualThermostat, address: number): number {
  const reply = thermostat.handle(
    fromPanel(address, Command.GET_PARAMS, encodeRangeRequest({ count: 255, firstIndex: 0 })),
  );
  const batch = decodeGetParamsResponse(reply!.frame.payload, ecosterTypeOf);
  if (!batch.ok) throw batch.error;
  return batch.value.values[0]!.value as number;
}

describe("VirtualThermostat", () => {
  it("when disabled: no bus traffic, pairing refused with the reason, status says so", async () => {
    const { thermostat } = await open(undefined, undefined, false);
    expect(thermostat.startPairing()).toEqual({ ok: false, reason: "disabled", snapshot: undefined });
    expect(thermostat.handle(fromPanel(0xffff, Command.SERVICE, encodePairingBeacon()))).toBeUndefined();
    expect(thermostat.status()).toMatchObject({ enabled: false, pairing_state: null, bus_address: null });
  });

  it("keeps the pairing, the written values and the temperature across a restart (never 0.0)", async () => {
    const dir = tempDir();
    const { thermostat, sim } = await open(dir);
    pairByBeacon(thermostat, 168);
    thermostat.acceptTemperature(22.25);
    const hyst = Buffer.alloc(4);
    hyst.writeFloatLE(1.5);
    const ack = thermostat.handle(
      fromPanel(
        168,
        Command.MODIFY_PARAM,
        encodeModifyRequest({ ...WriteAuth.PANEL, index: 6, valueBytes: hyst }),
      ),
    );
    expect(ack?.frame.command).toBe(Command.MODIFY_PARAM_RESPONSE);
    expect(readTemperature(thermostat, 168)).toBe(22.25);
    await thermostat.flush();
    thermostat.close();
    const saved = JSON.parse(readFileSync(join(dir, THERMOSTAT_STATE_FILE), "utf8"));
    expect(saved).toMatchObject({ version: 1, address: 168, written: { 6: "0000c03f" } });

    sim.advance(3_600_000);
    const { thermostat: again } = await open(dir, sim);
    expect(again.status()).toMatchObject({
      pairing_state: "paired",
      bus_address: 168,
      temperature: 22.25,
      effective_temperature: 22.25,
      effective_source: "persisted",
      is_stale: false,
    });
    expect(readTemperature(again, 168)).toBe(22.25);
    expect(again.emulator.valueBytes(6)).toEqual(hyst);
    // Re-pairing keeps the value and the written settings.
    pairByBeacon(again, 169);
    expect(readTemperature(again, 169)).toBe(22.25);
    expect(again.emulator.valueBytes(6)).toEqual(hyst);
    again.close();
  });

  it("persists temperatures at most every 120 s", async () => {
    const dir = tempDir();
    const { thermostat, sim } = await open(dir);
    thermostat.acceptTemperature(20);
    await thermostat.settled;
    const read = () => JSON.parse(readFileSync(join(dir, THERMOSTAT_STATE_FILE), "utf8")).temperature.value;
    expect(read()).toBe(20);
    sim.advance(10_000);
    thermostat.acceptTemperature(21);
    await thermostat.settled;
    expect(read()).toBe(20);
    await sim.runFor(110_000);
    await thermostat.settled;
    expect(read()).toBe(21);
    thermostat.close();
  });

  it("serves a real ecoSTER's device-table reading as backup while the feed is stale", async () => {
    const { thermostat, sim } = await open(undefined);
    pairByBeacon(thermostat, 168);
    thermostat.acceptTemperature(21);
    const table = encodeDeviceTable([
      { address: 100, temperature: 20.5 },
      { address: 165, temperature: 18.9 },
      { address: 168, temperature: 21 },
    ]);
    sim.advance(301_000);
    thermostat.handle(fromPanel(0xffff, Command.SERVICE, table));
    expect(thermostat.status()).toMatchObject({ is_stale: true, effective_source: "backup:165" });
    expect(readTemperature(thermostat, 168)).toBeCloseTo(18.9, 5);
    thermostat.acceptTemperature(21.5);
    expect(thermostat.status()).toMatchObject({ is_stale: false, effective_source: "ha" });
    expect(readTemperature(thermostat, 168)).toBe(21.5);
    thermostat.close();
  });

  it("answers nothing for its address before pairing, and frames not from the panel", async () => {
    const { thermostat } = await open(undefined);
    const poll = fromPanel(168, Command.GET_PARAMS, encodeRangeRequest({ count: 255, firstIndex: 0 }));
    expect(thermostat.handle(poll)).toBeUndefined();
    pairByBeacon(thermostat, 168);
    expect(thermostat.handle({ ...poll, source: 114 })).toBeUndefined();
    expect(thermostat.handle(poll)?.turnaroundMs).toBe(0);
    thermostat.close();
  });
});
