import { describe, expect, it } from "vitest";
import { Command, encodeRangeRequest } from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Random } from "../../src/sim/random.js";
import { type Transceiver, Wire } from "../../src/sim/wire.js";
import { frameBytes } from "./helpers.js";

function setup(options: { baudRate?: number; wireDelay?: boolean; maxLogEntries?: number } = {}) {
  const clock = new VirtualClock();
  const wire = new Wire(clock, {
    baudRate: options.baudRate ?? 115_200,
    wireDelay: options.wireDelay ?? true,
    maxLogEntries: options.maxLogEntries ?? 1000,
    random: new Random(7),
  });
  const party = (name: string, kind: Transceiver["kind"] = "device") => {
    const received: Buffer[] = [];
    const t: Transceiver & { received: Buffer[] } = {
      name,
      kind,
      received,
      receive: (b) => received.push(b),
    };
    wire.connect(t);
    return t;
  };
  return { clock, wire, party };
}

const request = frameBytes({
  destination: 1,
  source: 114,
  command: Command.GET_PARAMS,
  payload: encodeRangeRequest({ count: 100, firstIndex: 100 }),
});

describe("Wire", () => {
  it("takes 10 bits per byte at the baud rate before the last byte arrives", () => {
    const { clock, wire, party } = setup();
    const a = party("a");
    const b = party("b");
    wire.transmit(a, request); // 14 bytes = 1.2153 ms at 115200
    clock.advance(1.2);
    expect(b.received).toHaveLength(0);
    clock.advance(0.02);
    expect(Buffer.concat(b.received)).toEqual(request);
  });

  it("runs at 38400 baud three times slower", () => {
    const { clock, wire, party } = setup({ baudRate: 38_400 });
    const a = party("a");
    const b = party("b");
    wire.transmit(a, request); // 14 bytes = 3.6458 ms
    clock.advance(3.6);
    expect(b.received).toHaveLength(0);
    clock.advance(0.05);
    expect(b.received).toHaveLength(1);
  });

  it("never echoes a sender's own bytes", () => {
    const { clock, wire, party } = setup();
    const a = party("a");
    party("b");
    wire.transmit(a, request);
    clock.advance(10);
    expect(a.received).toHaveLength(0);
  });

  it("garbles both frames when two parties talk at once, and logs them as collided", () => {
    const { clock, wire, party } = setup();
    const a = party("a", "endpoint");
    const b = party("b");
    const c = party("c");
    const other = frameBytes({
      destination: 100,
      source: 1,
      command: Command.NO_DATA,
      payload: Buffer.alloc(0),
    });
    wire.transmit(a, request);
    clock.advance(0.5); // a is mid-frame
    wire.transmit(b, other);
    clock.advance(200);
    expect(wire.stats.collisions).toBe(1);
    const seen = Buffer.concat(c.received);
    expect(seen.length).toBe(request.length + other.length);
    expect(seen.equals(Buffer.concat([request, other]))).toBe(false);
    const entries = wire.log.entries;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.collided && e.frame === undefined)).toBe(true);
  });

  it("lets a polite sender wait for the wire instead of colliding", () => {
    const { clock, wire, party } = setup();
    const a = party("a", "endpoint");
    const b = party("b");
    const c = party("c");
    const reply = frameBytes({
      destination: 114,
      source: 1,
      command: Command.NO_DATA,
      payload: Buffer.alloc(0),
    });
    wire.transmit(a, request);
    clock.advance(0.5);
    wire.transmitWhenFree(b, reply);
    clock.advance(10);
    expect(wire.stats.collisions).toBe(0);
    expect(Buffer.concat(c.received)).toEqual(Buffer.concat([request, reply]));
    expect(wire.log.entries.map((e) => e.sender)).toEqual(["a", "b"]);
    expect(wire.log.entries[1]!.timeMs).toBeCloseTo(14 * (10_000 / 115_200), 9);
  });

  it("treats a sender's back-to-back chunks as one transmission, and logs the frame they form", () => {
    const { clock, wire, party } = setup();
    const a = party("a", "endpoint");
    party("b");
    wire.transmit(a, request.subarray(0, 5));
    clock.advance(0.3);
    wire.transmit(a, request.subarray(5));
    clock.advance(10);
    expect(wire.stats.collisions).toBe(0);
    expect(wire.log.entries).toHaveLength(1);
    expect(wire.log.entries[0]!.frame).toMatchObject({
      source: 114,
      destination: 1,
      command: Command.GET_PARAMS,
    });
  });

  it("reassembles an endpoint's frame written in two separate bursts", () => {
    const { clock, wire, party } = setup();
    const a = party("a", "endpoint");
    wire.transmit(a, request.subarray(0, 5));
    clock.advance(5);
    wire.transmit(a, request.subarray(5));
    clock.advance(200);
    expect(wire.log.frames()).toHaveLength(1);
    expect(wire.log.entries).toHaveLength(1);
  });

  it("logs an endpoint's unfinished bytes as undecodable after a short wait", () => {
    const { clock, wire, party } = setup();
    const a = party("a", "endpoint");
    wire.transmit(a, request.subarray(0, 9));
    clock.advance(50);
    expect(wire.log.length).toBe(0);
    clock.advance(100);
    const [entry, ...rest] = wire.log.entries;
    expect(rest).toHaveLength(0);
    expect(entry).toMatchObject({ sender: "a", collided: false, timeMs: 0, bytes: request.subarray(0, 9) });
    expect(entry!.frame).toBeUndefined();
  });

  it("takes no time without wire delay and delivers on the next timer turn", () => {
    const { clock, wire, party } = setup({ wireDelay: false });
    const a = party("a");
    const b = party("b");
    wire.transmit(a, request);
    expect(b.received).toHaveLength(0);
    clock.advance(0);
    expect(b.received).toHaveLength(1);
    expect(clock.now()).toBe(0);
  });

  it("keeps a bounded log, reports each entry as a frame event, and can be cleared", () => {
    const { clock, wire, party } = setup({ maxLogEntries: 3 });
    const a = party("a");
    const events: number[] = [];
    wire.on("frame", (entry) => events.push(entry.frame!.payload[1]!));
    for (let first = 0; first < 5; first++) {
      const bytes = frameBytes({
        destination: 1,
        source: 114,
        command: Command.GET_PARAMS,
        payload: encodeRangeRequest({ count: 1, firstIndex: first }),
      });
      wire.transmitWhenFree(a, bytes);
    }
    clock.advance(100);
    expect(events).toEqual([0, 1, 2, 3, 4]);
    expect(wire.log.entries.map((e) => e.frame!.payload[1])).toEqual([2, 3, 4]);
    expect(wire.log.droppedEntries).toBe(2);
    wire.log.clear();
    expect(wire.log.length).toBe(0);
  });

  it("calls back once the wire has been quiet for a gap", () => {
    const { clock, wire, party } = setup();
    const a = party("a");
    wire.transmit(a, request);
    let quietAt: number | undefined;
    wire.whenQuiet(5, () => (quietAt = clock.now()));
    clock.advance(100);
    expect(quietAt).toBeCloseTo(14 * (10_000 / 115_200) + 5, 9);
  });
});
