import { describe, expect, it, vi } from "vitest";
import { RealClock, RunawayTimersError, VirtualClock } from "../../src/sim/clock.js";

describe("VirtualClock", () => {
  it("runs due timers in time order, ties in the order they were set, with now() at each due time", () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    clock.advance(15);
    expect(seen).toEqual(["a@10"]);
    expect(clock.now()).toBe(15);
    clock.advance(5);
    expect(seen).toEqual(["a@10", "b@20", "c@20"]);
  });

  it("runs timers set by timers within the same advance, and cancels cleared ones", () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const cancelled = clock.setTimeout(() => seen.push(-1), 5);
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 0);
      clock.setTimeout(() => seen.push(clock.now()), 3);
    }, 1);
    clock.clearTimeout(cancelled);
    clock.advance(10);
    expect(seen).toEqual([1, 1, 4]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("repeats intervals without drift until cleared", () => {
    const clock = new VirtualClock();
    const ticks: number[] = [];
    const handle = clock.setInterval(() => ticks.push(clock.now()), 2.5);
    clock.advance(10);
    clock.clearInterval(handle);
    clock.advance(10);
    expect(ticks).toEqual([2.5, 5, 7.5, 10]);
  });

  it("stops a zero-delay loop that would keep time from moving", () => {
    const clock = new VirtualClock({ maxTimersPerAdvance: 1000 });
    const loop = () => clock.setTimeout(loop, 0);
    loop();
    expect(() => clock.advance(1)).toThrow(RunawayTimersError);
  });

  it("runUntil stops when the condition holds, or reports false at the limit", async () => {
    const clock = new VirtualClock();
    let fired = 0;
    clock.setInterval(() => fired++, 100);
    expect(await clock.runUntil(() => fired === 3, 10_000)).toBe(true);
    expect(clock.now()).toBe(300);
    expect(await clock.runUntil(() => fired === 1000, 1_000)).toBe(false);
    expect(clock.now()).toBe(1300);
  });

  it("runFor lets promise continuations run at their simulated time", async () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    const task = (async () => {
      await wait(10);
      seen.push(clock.now());
      await wait(10);
      seen.push(clock.now());
    })();
    await clock.runFor(50);
    await task;
    expect(seen).toEqual([10, 20]);
  });

  it("gives the wall-clock date of simulated time", () => {
    const clock = new VirtualClock({ startDate: new Date(2026, 0, 22, 20, 55, 7) });
    clock.advance(60_000);
    expect(clock.date().getMinutes()).toBe(56);
    expect(clock.date().getSeconds()).toBe(7);
  });

  it("rejects a non-finite delay", () => {
    expect(() => new VirtualClock().setTimeout(() => {}, Number.NaN)).toThrow(RangeError);
  });
});

describe("RealClock", () => {
  it("reports the due time inside a callback, so follow-up work stays on an exact timeline", async () => {
    const clock = new RealClock();
    const times = await new Promise<number[]>((resolve) =>
      clock.setTimeout(() => {
        const first = clock.now();
        clock.setTimeout(() => {
          const second = clock.now();
          clock.setTimeout(() => resolve([first, second, clock.now()]), 3);
        }, 5);
      }, 1),
    );
    const [first, second, third] = times as [number, number, number];
    // Exact up to floating-point rounding, whatever the event loop's lateness.
    expect(second - first).toBeCloseTo(5, 9);
    expect(third - second).toBeCloseTo(3, 9);
    expect(clock.now()).toBeGreaterThanOrEqual(third);
  });

  it("fires intervals on exact multiples of the interval and stops when cleared", async () => {
    const clock = new RealClock();
    const ticks = await new Promise<number[]>((resolve) =>
      clock.setTimeout(() => {
        const start = clock.now();
        const seen: number[] = [];
        const handle = clock.setInterval(() => {
          seen.push(clock.now() - start);
          if (seen.length === 3) {
            clock.clearInterval(handle);
            resolve(seen);
          }
        }, 4);
      }, 1),
    );
    expect(ticks.map((t) => Math.round(t * 1e9) / 1e9)).toEqual([4, 8, 12]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("does not run a cleared timeout, and leaves no Node timer behind", () => {
    // Node's timers, immediates and performance.now() faked: a second passes at once, and a timeout
    // that was not really cleared would run in it, as the one that is not cleared does.
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"],
    });
    try {
      const clock = new RealClock();
      const ran: string[] = [];
      // 1 ms waits on setImmediate, 10 ms on setTimeout first (see RealClock.schedule).
      clock.clearTimeout(clock.setTimeout(() => ran.push("cleared 1 ms"), 1));
      clock.clearTimeout(clock.setTimeout(() => ran.push("cleared 10 ms"), 10));
      clock.setTimeout(() => ran.push("kept 20 ms"), 20);
      vi.advanceTimersByTime(1_000);
      expect(ran).toEqual(["kept 20 ms"]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
