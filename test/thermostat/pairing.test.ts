import { describe, expect, it } from "vitest";
import {
  Command,
  encodeAddressAssignment,
  encodeDeviceTable,
  encodePairingBeacon,
  type Frame,
} from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { VIRTUAL_THERMOSTAT_IDENTITY } from "../../src/thermostat/emulator.js";
import { PairingMachine, type PairingSnapshot } from "../../src/thermostat/pairing.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

const beacon: Frame = {
  source: 100,
  destination: 0xffff,
  command: Command.SERVICE,
  payload: encodePairingBeacon(),
};
const assign = (address: number): Frame => ({
  source: 100,
  destination: 163,
  command: Command.SERVICE,
  payload: encodeAddressAssignment(address),
});
const table = (...addresses: number[]): Frame => ({
  source: 100,
  destination: 0xffff,
  command: Command.SERVICE,
  payload: encodeDeviceTable(addresses.map((address) => ({ address, temperature: 20 }))),
});
const identify = (destination: number): Frame => ({
  source: 100,
  destination,
  command: Command.IDENTIFY,
  payload: Buffer.alloc(0),
});

function setup(pairedAddress?: number) {
  const sim = new VirtualClock();
  const changes: PairingSnapshot[] = [];
  const machine = new PairingMachine({
    clock: gatewayClockOn(sim),
    ...(pairedAddress !== undefined ? { pairedAddress } : {}),
    onChange: (s) => changes.push(s),
  });
  return { sim, machine, changes };
}

describe("PairingMachine, beacon path (PROTOCOL.md §17.5 steps 1–3)", () => {
  it("answers the first beacon from 163 with the identity, then takes the 0x2005 address", () => {
    const { machine, changes } = setup();
    expect(machine.onFrame(beacon)).toBeUndefined(); // not requested: beacons are ignored
    const start = machine.startWindow();
    expect(start).toMatchObject({ ok: true, previous: "unpaired", snapshot: { state: "pairing_requested" } });
    const answer = machine.onFrame(beacon)!;
    expect(answer).toEqual({
      frame: {
        source: 163,
        destination: 100,
        command: Command.SERVICE_RESPONSE,
        payload: VIRTUAL_THERMOSTAT_IDENTITY,
      },
      turnaroundMs: 20,
    });
    expect(machine.state).toBe("beacon_responded");
    expect(machine.onFrame(beacon)).toBeUndefined(); // later beacons ignored
    const paired = machine.onFrame(assign(171))!;
    expect(paired.frame).toEqual({
      source: 171,
      destination: 100,
      command: Command.SERVICE_RESPONSE,
      payload: encodeAddressAssignment(171),
    });
    expect(paired.turnaroundMs).toBe(20);
    expect(machine.snapshot()).toEqual({ state: "paired", address: 171, windowEndsAt: undefined });
    expect(changes.map((c) => c.state)).toEqual(["pairing_requested", "beacon_responded", "paired"]);
  });

  it("closes the window after 60 s without progress; the beacon answer restarts it", () => {
    const { sim, machine } = setup();
    machine.startWindow();
    sim.advance(59_000);
    machine.onFrame(beacon);
    sim.advance(59_000);
    expect(machine.state).toBe("beacon_responded");
    sim.advance(1_001);
    expect(machine.snapshot()).toEqual({ state: "unpaired", address: undefined, windowEndsAt: undefined });
    expect(machine.onFrame(assign(171))).toBeUndefined();
  });

  it("a second request during the window answers with the state it is in; one while paired re-pairs", () => {
    const { machine } = setup(172);
    expect(machine.snapshot()).toMatchObject({ state: "paired", address: 172 });
    expect(machine.startWindow()).toMatchObject({ ok: true, previous: "paired" });
    expect(machine.address).toBeUndefined();
    expect(machine.startWindow()).toMatchObject({
      ok: false,
      reason: "window-open",
      snapshot: { state: "pairing_requested" },
    });
    machine.onFrame(beacon);
    expect(machine.startWindow()).toMatchObject({ ok: false, snapshot: { state: "beacon_responded" } });
  });
});

describe("PairingMachine, tentative path (PROTOCOL.md §17.5 step 4)", () => {
  it("claims a free IDENTIFY target in 160–199 after a beacon and a device table; paired when listed", () => {
    const { machine, changes } = setup();
    expect(machine.onFrame(identify(170))).toBeUndefined(); // no beacon, no table yet
    machine.onFrame(beacon);
    expect(machine.onFrame(identify(170))).toBeUndefined(); // no table yet
    machine.onFrame(table(100, 165));
    expect(machine.onFrame(identify(165))).toBeUndefined(); // occupied
    expect(machine.onFrame(identify(131))).toBeUndefined(); // outside 160–199
    const claim = machine.onFrame(identify(170))!;
    expect(claim).toEqual({
      frame: {
        source: 170,
        destination: 100,
        command: Command.IDENTIFY_RESPONSE,
        payload: VIRTUAL_THERMOSTAT_IDENTITY,
      },
      turnaroundMs: 0,
    });
    expect(machine.snapshot()).toMatchObject({ state: "tentative", address: 170 });
    machine.onFrame(table(100, 165));
    expect(machine.state).toBe("tentative");
    machine.onFrame(table(100, 165, 170));
    expect(machine.snapshot()).toMatchObject({ state: "paired", address: 170 });
    expect(changes.map((c) => c.state)).toEqual(["tentative", "paired"]);
  });

  it("reverts a tentative claim not confirmed within 60 s, and disarms 60 s after the last beacon", () => {
    const { sim, machine } = setup();
    machine.onFrame(beacon);
    machine.onFrame(table(100));
    machine.onFrame(identify(170));
    sim.advance(60_001);
    expect(machine.snapshot()).toMatchObject({ state: "unpaired", address: undefined });
    expect(machine.onFrame(identify(171))).toBeUndefined(); // beacon 60 s old: disarmed
    machine.onFrame(beacon);
    expect(machine.onFrame(identify(171))?.frame.source).toBe(171);
  });
});
