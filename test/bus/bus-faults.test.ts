/**
 * The bus survives what would otherwise escape it: a request that cannot become a frame fails with
 * a reason before it is queued (nothing is sent, the next request goes out as usual), and an error
 * raised while handling one received frame drops that frame only.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AddressManager } from "../../src/bus/address.js";
import { Gm3Bus } from "../../src/bus/bus.js";
import { BusError } from "../../src/bus/errors.js";
import { Priority } from "../../src/bus/request.js";
import { readValuesRequest } from "../../src/bus/requests.js";
import {
  Command,
  encodeFrameOrThrow,
  encodeGetParamsResponse,
  encodeTokenGrant,
  MAX_FRAME_LENGTH,
  MIN_FRAME_LENGTH,
  TypeCode,
} from "../../src/protocol/index.js";
import { FakeLink } from "../helpers/fake-link.js";

const GATEWAY = 114;
const PANEL = 100;
const CONTROLLER = 1;

function setup() {
  const link = new FakeLink();
  const manager = new AddressManager({
    fixedAddress: GATEWAY,
    tentativeTimeoutMs: 20_000,
    persist: async () => {},
  });
  const bus = new Gm3Bus(link as never, manager, {
    panelAddress: PANEL,
    turnaroundMs: 20,
    responseTimeoutMs: 2000,
    retryAttempts: 1,
    retryBackoffMs: 50,
    tokenRequired: true,
    tokenWaitTimeoutMs: 5000,
    maxTokenHoldMs: 15_000,
  });
  const faults: string[] = [];
  bus.on("fault", (error, context) => faults.push(`${context}: ${error.message}`));
  return { link, bus, faults };
}

const grant = () => ({
  destination: GATEWAY,
  source: PANEL,
  command: Command.SERVICE,
  payload: encodeTokenGrant(),
});
const valuesReply = (first: number, value: number) => ({
  destination: GATEWAY,
  source: CONTROLLER,
  command: Command.GET_PARAMS_RESPONSE,
  payload: encodeGetParamsResponse(first, [{ flag: 0x01, type: TypeCode.UINT8, value }]),
});

/** A request whose payload is `payloadBytes` long (its reply rule is never consulted here). */
function rawRequest(payloadBytes: number) {
  return {
    destination: CONTROLLER,
    command: Command.MODIFY_PARAM,
    payload: Buffer.alloc(payloadBytes, 0x41),
    priority: Priority.WRITE,
    maxAttempts: 1,
    label: `oversized ${payloadBytes}`,
    judge: () => undefined,
  };
}

describe("Gm3Bus faults", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fails a request over the 1,024-byte frame limit at once with 'unsendable', sends nothing, and carries on", async () => {
    const { link, bus } = setup();
    const tooBig = MAX_FRAME_LENGTH - MIN_FRAME_LENGTH + 1;
    const refused = bus.request(rawRequest(tooBig));
    const error = await refused.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({ reason: "unsendable", attempts: 0, maybeDelivered: false });
    expect((error as BusError).message).toMatch(/1025-byte frame \(max 1024\).*nothing was sent/);
    expect(bus.queueLength).toBe(0);
    expect(bus.stats.failures.unsendable).toBe(1);

    // The wire is free for the next request.
    const next = bus.request(
      readValuesRequest({ destination: CONTROLLER, firstIndex: 7, count: 1, typeOf: () => TypeCode.UINT8 }),
    );
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(25);
    expect(link.written.map((f) => f.command)).toEqual([Command.GET_PARAMS]);
    link.deliver(valuesReply(7, 42));
    await expect(next).resolves.toMatchObject({ values: [{ index: 7, value: 42 }] });
  });

  it("sends a request of exactly 1,024 bytes", async () => {
    const { link, bus } = setup();
    const pending = bus
      .request({ ...rawRequest(MAX_FRAME_LENGTH - MIN_FRAME_LENGTH), timeoutMs: 10 })
      .catch((error: unknown) => error);
    link.deliver(grant());
    await vi.advanceTimersByTimeAsync(100);
    await expect(pending).resolves.toMatchObject({ reason: "timeout", attempts: 1 });
    expect(link.written).toHaveLength(2); // the request, then the token back
    expect(link.written[0]!.payload.length).toBe(MAX_FRAME_LENGTH - MIN_FRAME_LENGTH);
  });

  it("drops a frame whose handling throws, reports it as a fault, and handles the frames after it", async () => {
    const { link, bus, faults } = setup();
    let thrown = 0;
    bus.on("frame", (frame) => {
      if (frame.command === Command.SERVICE && thrown++ === 0) throw new Error("listener bug");
    });
    const pending = bus.request(
      readValuesRequest({ destination: CONTROLLER, firstIndex: 3, count: 1, typeOf: () => TypeCode.UINT8 }),
    );
    // Two grants in one chunk: the first trips the listener, the second is handled.
    expect(() =>
      link.deliverBytes(Buffer.concat([encodeFrameOrThrow(grant()), encodeFrameOrThrow(grant())])),
    ).not.toThrow();
    expect(faults).toEqual([expect.stringMatching(/handling a frame from 100 \(SERVICE\): listener bug/)]);
    await vi.advanceTimersByTimeAsync(25);
    expect(link.written.map((f) => f.command)).toEqual([Command.GET_PARAMS]);
    link.deliver(valuesReply(3, 9));
    await expect(pending).resolves.toMatchObject({ values: [{ index: 3, value: 9 }] });
  });
});
