import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AddressManager } from "../../src/bus/address.js";
import { type BusOptions, Gm3Bus } from "../../src/bus/bus.js";
import { BusError } from "../../src/bus/errors.js";
import { Priority } from "../../src/bus/request.js";
import { modifyParameterRequest, readValuesRequest } from "../../src/bus/requests.js";
import {
  Command,
  encodeDeviceTable,
  encodeGetParamsResponse,
  encodeModifyResponse,
  encodeTokenGrant,
  TypeCode,
} from "../../src/protocol/index.js";
import { FakeLink } from "../helpers/fake-link.js";

const GATEWAY = 114;
const PANEL = 100;
const CONTROLLER = 1;

const baseOptions: BusOptions = {
  panelAddress: PANEL,
  turnaroundMs: 20,
  responseTimeoutMs: 2000,
  retryAttempts: 3,
  retryBackoffMs: 50,
  tokenRequired: true,
  tokenWaitTimeoutMs: 5000,
  maxTokenHoldMs: 15_000,
};

function setup(options: Partial<BusOptions> = {}, address: number | "auto" = GATEWAY) {
  const link = new FakeLink();
  const persisted: number[] = [];
  const manager = new AddressManager({
    fixedAddress: address === "auto" ? undefined : address,
    tentativeTimeoutMs: 20_000,
    persist: async (a) => {
      persisted.push(a);
    },
  });
  const bus = new Gm3Bus(link as never, manager, { ...baseOptions, ...options });
  return { link, bus, manager, persisted };
}

const uint8 = () => TypeCode.UINT8;

function valuesReply(first: number, values: number[], destination = GATEWAY) {
  return {
    destination,
    source: CONTROLLER,
    command: Command.GET_PARAMS_RESPONSE,
    payload: encodeGetParamsResponse(
      first,
      values.map((value) => ({ flag: 0x01, type: TypeCode.UINT8, value })),
    ),
  };
}

function grant(to = GATEWAY) {
  return { destination: to, source: PANEL, command: Command.SERVICE, payload: encodeTokenGrant() };
}

const isTokenReturn = (f: { command: number; payload: Buffer }) =>
  f.command === Command.SERVICE && f.payload.readUInt16LE(0) === 0x0800;

describe("Gm3Bus", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers the first IDENTIFY probe of a run with the gateway identity, without the token", async () => {
    const { link, bus } = setup();
    const probe = {
      destination: GATEWAY,
      source: PANEL,
      command: Command.IDENTIFY,
      payload: Buffer.alloc(0),
    };
    link.deliver(probe);
    link.deliver(probe);
    await vi.advanceTimersByTimeAsync(1);
    expect(link.written).toHaveLength(1);
    expect(link.written[0]).toMatchObject({
      destination: PANEL,
      source: GATEWAY,
      command: Command.IDENTIFY_RESPONSE,
    });
    expect(link.written[0]!.payload.toString("hex")).toBe("504c554d0045636f4e45585400000000" + "00");
    // Another frame in between resets the run.
    link.deliver({ destination: 131, source: PANEL, command: Command.IDENTIFY, payload: Buffer.alloc(0) });
    link.deliver(probe);
    await vi.advanceTimersByTimeAsync(1);
    expect(link.written).toHaveLength(2);
    expect(bus.stats.identifyAnswers).toBe(2);
  });

  it("claims a free address in 105–130 only after a device table, and keeps it once granted the token", async () => {
    const { link, manager, persisted } = setup({}, "auto");
    link.deliver({ destination: 118, source: PANEL, command: Command.IDENTIFY, payload: Buffer.alloc(0) });
    await vi.advanceTimersByTimeAsync(1);
    expect(link.written).toHaveLength(0); // no table seen yet
    link.deliver({
      destination: 0xffff,
      source: PANEL,
      command: Command.SERVICE,
      payload: encodeDeviceTable([
        { address: 100, temperature: 20.5 },
        { address: 118, temperature: 19 },
      ]),
    });
    link.deliver({ destination: 118, source: PANEL, command: Command.IDENTIFY, payload: Buffer.alloc(0) });
    link.deliver({ destination: 140, source: PANEL, command: Command.IDENTIFY, payload: Buffer.alloc(0) });
    await vi.advanceTimersByTimeAsync(1);
    expect(link.written).toHaveLength(0); // 118 is taken, 140 outside the range
    link.deliver({ destination: 119, source: PANEL, command: Command.IDENTIFY, payload: Buffer.alloc(0) });
    await vi.advanceTimersByTimeAsync(1);
    expect(manager.address).toBe(119);
    expect(manager.state).toBe("tentative");
    expect(link.written.at(-1)).toMatchObject({ source: 119, command: Command.IDENTIFY_RESPONSE });
    link.deliver(grant(119));
    await vi.advanceTimersByTimeAsync(100);
    expect(manager.state).toBe("paired");
    expect(persisted).toEqual([119]);
  });

  it("drops a claim that the panel does not confirm within 20 s", async () => {
    const { link, manager } = setup({}, "auto");
    link.deliver({
      destination: 0xffff,
      source: PANEL,
      command: Command.SERVICE,
      payload: encodeDeviceTable([]),
    });
    link.deliver({ destination: 110, source: PANEL, command: Command.IDENTIFY, payload: Buffer.alloc(0) });
    await vi.advanceTimersByTimeAsync(19_000);
    expect(manager.address).toBe(110);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(manager.address).toBeUndefined();
    expect(manager.state).toBe("unassigned");
  });

  it("transmits only while holding the token and returns it when the work is done", async () => {
    const { link, bus } = setup();
    const result = bus.request(
      readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 2, typeOf: uint8 }),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect(link.written).toHaveLength(0);
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(19);
    expect(link.written).toHaveLength(0); // turnaround
    await vi.advanceTimersByTimeAsync(2);
    expect(link.written).toHaveLength(1);
    expect(link.written[0]).toMatchObject({
      destination: CONTROLLER,
      source: GATEWAY,
      command: Command.GET_PARAMS,
    });
    link.deliver(valuesReply(0, [7, 8]));
    await expect(result).resolves.toMatchObject({
      firstIndex: 0,
      values: [
        { index: 0, value: 7 },
        { index: 1, value: 8 },
      ],
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(link.written).toHaveLength(2);
    expect(isTokenReturn(link.written[1]!)).toBe(true);
    expect(link.written[1]!.destination).toBe(PANEL);
    expect(bus.holdingToken).toBe(false);
    expect(bus.stats.tokenGrants).toBe(1);
    expect(bus.stats.tokenReturns).toBe(1);
    expect(bus.stats.lastTokenWaitMs).toBeGreaterThanOrEqual(5_000);
  });

  it("sends a queued write before queued poll batches", async () => {
    const { link, bus } = setup();
    const polls = [0, 100].map((first) =>
      bus.request(readValuesRequest({ destination: CONTROLLER, firstIndex: first, count: 1, typeOf: uint8 })),
    );
    const write = bus.request(
      modifyParameterRequest({ destination: CONTROLLER, index: 103, valueBytes: Buffer.from([50]) }),
    );
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    expect(link.written[0]!.command).toBe(Command.MODIFY_PARAM);
    link.deliver({
      destination: GATEWAY,
      source: CONTROLLER,
      command: Command.MODIFY_PARAM_RESPONSE,
      payload: encodeModifyResponse(0xe5),
    });
    await expect(write).resolves.toBe(0xe5);
    await vi.advanceTimersByTimeAsync(25);
    expect(link.written[1]).toMatchObject({ command: Command.GET_PARAMS });
    link.deliver(valuesReply(0, [1]));
    await vi.advanceTimersByTimeAsync(25);
    link.deliver(valuesReply(100, [2]));
    await Promise.all(polls);
  });

  it("never takes the poller's replies (to 0xFFFF, or for another first index) as its own", async () => {
    const { link, bus } = setup();
    const result = bus.request(
      readValuesRequest({ destination: CONTROLLER, firstIndex: 100, count: 2, typeOf: uint8 }),
    );
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    link.deliver(valuesReply(100, [66, 66], 0xffff)); // the controller answering the poller
    link.deliver(valuesReply(0, [55, 55])); // to us, but another block
    link.deliver({ ...valuesReply(100, [44, 44]), source: 165 }); // another device
    link.deliver(valuesReply(100, [1, 2]));
    await expect(result).resolves.toMatchObject({ values: [{ value: 1 }, { value: 2 }] });
  });

  it("retries a silent request and fails with timeout after the configured attempts", async () => {
    const { link, bus } = setup({ retryAttempts: 3 });
    const result = bus.request(
      readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 }),
    );
    const settled = result.catch((e: unknown) => e);
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await settled;
    expect(error).toBeInstanceOf(BusError);
    expect((error as BusError).reason).toBe("timeout");
    expect((error as BusError).attempts).toBe(3);
    expect(link.written.filter((f) => f.command === Command.GET_PARAMS)).toHaveLength(3);
    expect(bus.stats.retries.timeout).toBe(2);
    expect(bus.stats.failures.timeout).toBe(1);
    // The token goes back even though the request failed.
    expect(isTokenReturn(link.written.at(-1)!)).toBe(true);
  });

  it("reports garbled when only corrupt replies came", async () => {
    const { link, bus } = setup({ retryAttempts: 1 });
    const result = bus
      .request(readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 }))
      .catch((e: unknown) => e);
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    const { encodeFrameOrThrow } = await import("../../src/protocol/index.js");
    const bytes = encodeFrameOrThrow(valuesReply(0, [9]));
    bytes[bytes.length - 2]! ^= 0xff; // break the CRC
    link.deliverBytes(bytes);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(((await result) as BusError).reason).toBe("garbled");
    expect(bus.stats.crcErrors).toBeGreaterThan(0);
  });

  it("tells a reply that does not parse (undecodable) from line noise, both garbled", async () => {
    const { encodeFrameOrThrow } = await import("../../src/protocol/index.js");
    // A broken CRC: garbled, but nothing says the known types are wrong.
    const noisy = setup({ retryAttempts: 1 });
    const noise = noisy.bus
      .request(readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 }))
      .catch((e: unknown) => e);
    noisy.link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    const broken = encodeFrameOrThrow(valuesReply(0, [9]));
    broken[broken.length - 2]! ^= 0xff;
    noisy.link.deliverBytes(broken);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(noise).resolves.toMatchObject({ reason: "garbled", undecodable: false });
    // A valid frame whose value does not fit the known type (2 bytes for a uint8): undecodable.
    const strange = setup({ retryAttempts: 1 });
    const mismatch = strange.bus
      .request(readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 }))
      .catch((e: unknown) => e);
    strange.link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    strange.link.deliver({
      destination: GATEWAY,
      source: CONTROLLER,
      command: Command.GET_PARAMS_RESPONSE,
      payload: encodeGetParamsResponse(0, [{ flag: 0x01, type: TypeCode.UINT16, value: 700 }]),
    });
    await vi.advanceTimersByTimeAsync(3_000);
    await expect(mismatch).resolves.toMatchObject({ reason: "garbled", undecodable: true });
  });

  it("drops a reply that arrives after its timeout", async () => {
    const { link, bus } = setup({ retryAttempts: 1 });
    const result = bus
      .request(readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 }))
      .catch((e: unknown) => e);
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(2_100);
    expect(((await result) as BusError).reason).toBe("timeout");
    link.deliver(valuesReply(0, [3]));
    expect(bus.stats.lateReplies).toBe(1);
  });

  it("fails a request with no-token when no grant comes before its deadline", async () => {
    const { bus } = setup();
    const result = bus
      .request(
        modifyParameterRequest({
          destination: CONTROLLER,
          index: 1,
          valueBytes: Buffer.from([1]),
          deadline: Date.now() + 8_000,
        }),
      )
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(8_001);
    const error = (await result) as BusError;
    expect(error.reason).toBe("no-token");
    expect(error.attempts).toBe(0);
    expect(error.maybeDelivered).toBe(false);
  });

  it("transmits without a grant after the token wait when the token is not required", async () => {
    const { link, bus } = setup({ tokenRequired: false, tokenWaitTimeoutMs: 5_000 });
    const result = bus.request(
      readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 }),
    );
    await vi.advanceTimersByTimeAsync(4_900);
    expect(link.written).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(link.written).toHaveLength(1);
    link.deliver(valuesReply(0, [4]));
    await expect(result).resolves.toMatchObject({ values: [{ value: 4 }] });
  });

  it("fails the request in flight and queued ones with link-down when the link drops", async () => {
    const { link, bus } = setup();
    const first = bus
      .request(readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 }))
      .catch((e: unknown) => e);
    const second = bus
      .request(readValuesRequest({ destination: CONTROLLER, firstIndex: 1, count: 1, typeOf: uint8 }))
      .catch((e: unknown) => e);
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    link.goDown();
    expect(((await first) as BusError).reason).toBe("link-down");
    expect(((await second) as BusError).reason).toBe("link-down");
    expect(bus.holdingToken).toBe(false);
    await expect(
      bus.request(readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 })),
    ).rejects.toMatchObject({
      reason: "link-down",
    });
  });

  it("gives the token back after the longest hold even with work left", async () => {
    const { link, bus } = setup({ maxTokenHoldMs: 100 });
    const requests = [0, 1, 2].map((first) =>
      bus.request(
        readValuesRequest({
          destination: CONTROLLER,
          firstIndex: first,
          count: 1,
          typeOf: uint8,
          priority: Priority.POLL,
        }),
      ),
    );
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    await vi.advanceTimersByTimeAsync(90);
    link.deliver(valuesReply(0, [1]));
    await vi.advanceTimersByTimeAsync(50);
    const returnsBefore = link.written.filter(isTokenReturn).length;
    expect(returnsBefore).toBe(1);
    expect(bus.holdingToken).toBe(false);
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    link.deliver(valuesReply(1, [2]));
    await vi.advanceTimersByTimeAsync(25);
    link.deliver(valuesReply(2, [3]));
    await Promise.all(requests);
  });

  it("lets the request in flight finish and returns the token when closed", async () => {
    const { link, bus } = setup();
    const inFlight = bus.request(
      readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: uint8 }),
    );
    const queued = bus
      .request(readValuesRequest({ destination: CONTROLLER, firstIndex: 1, count: 1, typeOf: uint8 }))
      .catch((e: unknown) => e);
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    expect(link.written).toHaveLength(1);
    let closed = false;
    const closing = bus.close().then(() => {
      closed = true;
    });
    expect(((await queued) as BusError).reason).toBe("link-down");
    await vi.advanceTimersByTimeAsync(50);
    expect(closed).toBe(false);
    link.deliver(valuesReply(0, [5]));
    await expect(inFlight).resolves.toMatchObject({ values: [{ value: 5 }] });
    await vi.advanceTimersByTimeAsync(100);
    await closing;
    expect(link.written.filter((f) => f.command === Command.GET_PARAMS)).toHaveLength(1);
    expect(isTokenReturn(link.written.at(-1)!)).toBe(true);
    expect(bus.stats.tokenReturns).toBe(1);
  });
});
