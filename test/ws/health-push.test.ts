/**
 * Health that changes only because time passes (no poll for too long → degraded) is pushed to
 * WebSocket clients: the hub re-assesses it on a low-rate timer and sends a status only when the
 * state changed. Fake timers move the clock; the health is the real /health assessment.
 */
import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveSocket } from "../../src/bridges/ws/channel.js";
import { type LiveCore, LiveHub } from "../../src/bridges/ws/hub.js";
import type { GatewayStatus } from "../../src/gateway/status.js";
import { systemClock } from "../../src/util/clock.js";
import { assessHealth } from "../../src/views/index.js";

const POLL_INTERVAL_MS = 2_000;
const CHECK_MS = 2_000;

class FakeSocket implements LiveSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly messages: { type: string; health?: string; reason?: string | null }[] = [];
  send(data: string, callback: (error?: Error) => void): void {
    this.messages.push(JSON.parse(data));
    callback();
  }
  close(): void {
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }
  statuses(): { health?: string; reason?: string | null }[] {
    return this.messages.filter((m) => m.type === "status");
  }
}

/** A core that has completed a poll at `lastPollAt` and is otherwise quiet. */
function fakeCore() {
  const core = Object.assign(new EventEmitter(), {
    store: Object.assign(new EventEmitter(), { all: () => [], get: () => undefined }),
    writes: new EventEmitter(),
    alarms: [],
    clock: systemClock,
    lastPollAt: Date.now(),
    dataReady: () => true,
    status: () =>
      ({
        dataReady: true,
        link: { state: "up" },
        discovery: { state: "done" },
        parameters: { servingSnapshot: false },
        data: { state: "fresh" },
        poll: { consecutiveFailures: 0, lastCompletedAt: core.lastPollAt, lastDurationMs: 0 },
      }) as unknown as GatewayStatus,
  });
  return core;
}

describe("the live hub's health re-assessment", () => {
  let hub: LiveHub | undefined;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    hub?.close();
    hub = undefined;
    vi.useRealTimers();
  });

  function start(core: ReturnType<typeof fakeCore>, healthCheckMs = CHECK_MS) {
    hub = new LiveHub(core as unknown as LiveCore, {
      maxQueueMessages: 100,
      highWaterBytes: 1 << 20,
      closeGraceMs: 1_000,
      encoding: { fields: () => "", value: () => "null" },
      health: (status) => assessHealth(status, POLL_INTERVAL_MS, Date.now()),
      healthCheckMs,
    });
    const socket = new FakeSocket();
    hub.attach(socket, undefined);
    return socket;
  }

  it("pushes a status when polls stop long enough to make the gateway degraded, once per change", () => {
    const core = fakeCore();
    const socket = start(core);
    expect(socket.statuses().map((s) => s.health)).toEqual(["healthy"]);
    // Healthy up to 3 × the poll interval (6 s): checks find no change and send nothing.
    vi.advanceTimersByTime(3 * CHECK_MS);
    expect(socket.statuses()).toHaveLength(1);
    // Past it, the next check notices: degraded, with the reason /health gives.
    vi.advanceTimersByTime(CHECK_MS);
    expect(socket.statuses()).toHaveLength(2);
    expect(socket.statuses()[1]).toMatchObject({ health: "degraded" });
    expect(socket.statuses()[1]!.reason).toMatch(/^no complete poll for \d+ s/);
    // Still degraded, only older: nothing more.
    vi.advanceTimersByTime(5 * CHECK_MS);
    expect(socket.statuses()).toHaveLength(2);
    // A poll completes but its event is not seen by the hub (say, the time jumps): the next check
    // sends healthy again.
    core.lastPollAt = Date.now();
    vi.advanceTimersByTime(CHECK_MS);
    expect(socket.statuses().map((s) => s.health)).toEqual(["healthy", "degraded", "healthy"]);
  });

  it("checks nothing with healthCheckMs 0, and stops checking when closed", () => {
    const quiet = start(fakeCore(), 0);
    vi.advanceTimersByTime(20 * CHECK_MS);
    expect(quiet.statuses()).toHaveLength(1);
    hub!.close();
    const core = fakeCore();
    const assessed = vi.spyOn(core, "status");
    start(core);
    vi.advanceTimersByTime(CHECK_MS);
    const calls = assessed.mock.calls.length;
    expect(calls).toBeGreaterThan(0);
    hub!.close();
    vi.advanceTimersByTime(20 * CHECK_MS);
    expect(assessed.mock.calls.length).toBe(calls);
  });
});
