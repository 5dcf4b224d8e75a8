/** The bus hook of the virtual thermostat: an emulated device answers first, ahead of queued work. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AddressManager } from "../../src/bus/address.js";
import { type BusOptions, Gm3Bus } from "../../src/bus/bus.js";
import { readValuesRequest } from "../../src/bus/requests.js";
import {
  Command,
  encodeAddressAssignment,
  encodePairingBeacon,
  encodeRangeRequest,
  TypeCode,
} from "../../src/protocol/index.js";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { systemClock } from "../../src/util/clock.js";
import { FakeLink } from "../helpers/fake-link.js";

const options: BusOptions = {
  panelAddress: 100,
  turnaroundMs: 20,
  responseTimeoutMs: 2000,
  retryAttempts: 3,
  retryBackoffMs: 50,
  tokenRequired: true,
  tokenWaitTimeoutMs: 5000,
  maxTokenHoldMs: 15_000,
};

async function setup() {
  const link = new FakeLink();
  const manager = new AddressManager({
    fixedAddress: 114,
    tentativeTimeoutMs: 20_000,
    persist: async () => {},
  });
  const thermostat = await VirtualThermostat.open({ clock: systemClock, enabled: true });
  const bus = new Gm3Bus(link as never, manager, { ...options, responder: thermostat });
  return { link, bus, thermostat };
}

describe("Gm3Bus responder (the virtual thermostat's hook)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends pairing answers after 20 ms and poll replies at once, while gateway work waits for the token", async () => {
    const { link, bus, thermostat } = await setup();
    // Gateway work queued (no token yet): it must not delay the thermostat's replies.
    const pending = bus
      .request(readValuesRequest({ destination: 1, firstIndex: 0, count: 10, typeOf: () => TypeCode.UINT8 }))
      .catch(() => undefined);
    thermostat.startPairing();
    link.deliver({
      source: 100,
      destination: 0xffff,
      command: Command.SERVICE,
      payload: encodePairingBeacon(),
    });
    await vi.advanceTimersByTimeAsync(19);
    expect(link.written).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(link.written.map((f) => [f.source, f.command])).toEqual([[163, Command.SERVICE_RESPONSE]]);
    link.deliver({
      source: 100,
      destination: 163,
      command: Command.SERVICE,
      payload: encodeAddressAssignment(170),
    });
    await vi.advanceTimersByTimeAsync(20);
    expect(thermostat.status()).toMatchObject({ pairing_state: "paired", bus_address: 170 });
    link.deliver({
      source: 100,
      destination: 170,
      command: Command.GET_PARAMS,
      payload: encodeRangeRequest({ count: 255, firstIndex: 0 }),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(link.written).toHaveLength(3);
    expect(link.written[2]).toMatchObject({
      source: 170,
      destination: 100,
      command: Command.GET_PARAMS_RESPONSE,
    });
    expect(link.written.every((f) => f.destination === 100)).toBe(true); // nothing of the gateway's went out
    bus.setResponder(undefined);
    link.deliver({ source: 100, destination: 170, command: Command.IDENTIFY, payload: Buffer.alloc(0) });
    await vi.advanceTimersByTimeAsync(1);
    expect(link.written).toHaveLength(3);
    thermostat.close();
    await bus.close();
    await pending;
  });
});
