import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLOSE_TOO_SLOW, ClientChannel, type LiveSocket } from "../../src/bridges/ws/channel.js";
import { parseFilter } from "../../src/bridges/ws/filter.js";

/** A socket whose buffer the test controls: sends complete only when `drain()` is called. */
class FakeSocket implements LiveSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly delivered: string[] = [];
  private readonly pending: (() => void)[] = [];
  closedWith: { code: number; reason: string } | undefined;
  terminated = false;

  send(data: string, callback: (error?: Error) => void): void {
    this.bufferedAmount += data.length;
    this.pending.push(() => {
      this.bufferedAmount -= data.length;
      this.delivered.push(data);
      callback();
    });
  }
  drain(): void {
    while (this.pending.length > 0) this.pending.shift()!();
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

const options = { maxQueueMessages: 3, highWaterBytes: 10, closeGraceMs: 1_000 };

describe("a WebSocket client's bounded channel", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("hands messages to the socket only while its buffer is below the high-water mark", () => {
    const socket = new FakeSocket();
    const channel = new ClientChannel(socket, options, () => {});
    channel.push("0123456789ab"); // 12 bytes: above the mark once sent
    channel.push("x");
    channel.push("y");
    expect(channel.queued).toBe(2);
    expect(socket.bufferedAmount).toBe(12);
    // Once the socket has written the first one, the rest follow in order.
    socket.drain();
    expect(socket.delivered).toEqual(["0123456789ab", "x", "y"]);
    expect(channel.queued).toBe(0);
  });

  it("closes a client that falls more than WS_MAX_QUEUE messages behind with 4008, then drops it", () => {
    const socket = new FakeSocket();
    let tooSlow = 0;
    const channel = new ClientChannel(socket, options, () => tooSlow++);
    channel.push("a very long first message");
    for (let i = 0; i < 3; i++) channel.push(`m${i}`);
    expect(socket.closedWith).toBeUndefined();
    channel.push("one too many");
    expect(tooSlow).toBe(1);
    expect(socket.closedWith?.code).toBe(CLOSE_TOO_SLOW);
    expect(socket.closedWith?.reason).toMatch(/too slow/);
    expect(Buffer.byteLength(socket.closedWith!.reason)).toBeLessThanOrEqual(123);
    expect(channel.queued).toBe(0);
    channel.push("after close");
    expect(channel.queued).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(socket.terminated).toBe(true);
  });
});

describe("the WebSocket parameter filter", () => {
  it("reads names and indices, comma-separated or repeated, or mixed in parameters=", () => {
    const filter = parseFilter({
      names: ["TempWthr,HDWTSetPoint", "UID"],
      indices: "61, 103",
      parameters: "em,10010",
    });
    expect([...filter!.names].sort()).toEqual(["HDWTSetPoint", "TempWthr", "UID", "em"]);
    expect([...filter!.indices].sort((a, b) => a - b)).toEqual([61, 103, 10010]);
    expect(parseFilter({})).toBeUndefined();
    expect(parseFilter({ key: "secret" })).toBeUndefined();
  });

  it("refuses malformed filters with a message", () => {
    expect(() => parseFilter({ indices: "abc" })).toThrow(/not a parameter index/);
    expect(() => parseFilter({ indices: "70000" })).toThrow(/not a parameter index/);
    expect(() => parseFilter({ names: "" })).toThrow(/lists no parameter/);
  });
});
