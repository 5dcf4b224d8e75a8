/**
 * Time for the simulator. Everything in `src/sim/` schedules through a {@link SimClock}, so the
 * same bus runs in real time ({@link RealClock}) or as a discrete-event simulation
 * ({@link VirtualClock}: `advance(ms)` runs 30 s of bus in milliseconds).
 */

/** Opaque timer handle of a {@link SimClock}. */
export interface TimerHandle {
  readonly id: number;
}

export interface SimClock {
  /** Milliseconds since the clock started (may be fractional). Never decreases. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Calls `callback` every `intervalMs`, without drift. */
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** Local wall-clock date at simulated time `now()` (clock broadcasts, alarm dates). */
  date(): Date;
}

function checkDelay(delayMs: number, what: string): number {
  if (!Number.isFinite(delayMs))
    throw new RangeError(`${what} must be a finite number of ms, got ${delayMs}`);
  return Math.max(0, delayMs);
}

/**
 * Real time. Inside a timer callback `now()` is the time the timer was due, not the (slightly
 * later) moment the event loop ran it: work scheduled from callbacks stays on an exact timeline,
 * so a wire-speed simulation tracks the baud rate without accumulating event-loop jitter.
 */
export class RealClock implements SimClock {
  private readonly origin = performance.now();
  private readonly startEpochMs = Date.now();
  private logical: number | undefined;
  private last = 0;
  private nextId = 1;
  /** What each pending timer waits on now: a Node timeout, or the event loop's next turn. */
  private readonly timers = new Map<number, { timeout: NodeJS.Timeout } | { immediate: NodeJS.Immediate }>();

  now(): number {
    if (this.logical !== undefined) return this.logical;
    const real = performance.now() - this.origin;
    if (real > this.last) this.last = real;
    return this.last;
  }

  /** Real milliseconds since the clock started, ignoring the due-time view of callbacks. */
  realNow(): number {
    return performance.now() - this.origin;
  }

  private schedule(id: number, due: number, run: () => void): void {
    const fire = () => {
      this.timers.delete(id);
      const previous = this.logical;
      this.logical = Math.max(due, this.last);
      this.last = this.logical;
      try {
        run();
      } finally {
        this.logical = previous;
      }
    };
    // Node's timers have 1 ms granularity and may fire a fraction of a millisecond early; the last
    // stretch is waited out on the event loop (setImmediate), so nothing happens before its time.
    const arm = (remaining: number) =>
      this.timers.set(
        id,
        remaining > 1 ? { timeout: setTimeout(wait, remaining - 1) } : { immediate: setImmediate(wait) },
      );
    const wait = () => {
      const remaining = due - this.realNow();
      if (remaining <= 0) fire();
      else arm(remaining);
    };
    arm(due - this.realNow()); // never synchronously, even when already due
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.schedule(id, this.now() + checkDelay(delayMs, "delay"), callback);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const timer = this.timers.get(handle.id);
    if (timer && "timeout" in timer) clearTimeout(timer.timeout);
    else if (timer) clearImmediate(timer.immediate);
    this.timers.delete(handle.id);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    const interval = checkDelay(intervalMs, "interval");
    if (interval === 0) throw new RangeError("interval must be above 0 ms");
    const id = this.nextId++;
    let due = this.now() + interval;
    const tick = () => {
      due += interval;
      this.schedule(id, due, tick);
      callback();
    };
    this.schedule(id, due, tick);
    return { id };
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  date(): Date {
    return new Date(this.startEpochMs + this.now());
  }

  /** Timers not yet fired (for leak checks). */
  get pendingTimers(): number {
    return this.timers.size;
  }
}

interface VirtualTimer {
  id: number;
  due: number;
  /** Insertion order: timers due at the same time run in the order they were set. */
  seq: number;
  callback: () => void;
  intervalMs: number | undefined;
}

export interface VirtualClockOptions {
  /** Wall-clock date at time 0 (default 2026-01-22 20:55:07 local, the capture's clock broadcast). */
  startDate?: Date;
  /** Timers run by one advance before it gives up on a runaway zero-delay loop (default 10 million). */
  maxTimersPerAdvance?: number;
}

/** A timer loop that never lets simulated time move on. */
export class RunawayTimersError extends Error {
  override readonly name = "RunawayTimersError";
}

/**
 * Discrete-event time: nothing happens until the test advances the clock; then due timers run
 * instantly, in time order (ties in the order they were set), with `now()` set to each timer's due
 * time.
 */
export class VirtualClock implements SimClock {
  private current = 0;
  private seq = 0;
  private nextId = 1;
  /** Binary min-heap on (due, seq). */
  private readonly heap: VirtualTimer[] = [];
  private readonly live = new Map<number, VirtualTimer>();
  private readonly startEpochMs: number;
  private readonly maxTimersPerAdvance: number;

  constructor(options: VirtualClockOptions = {}) {
    this.startEpochMs = (options.startDate ?? new Date(2026, 0, 22, 20, 55, 7)).getTime();
    this.maxTimersPerAdvance = options.maxTimersPerAdvance ?? 10_000_000;
  }

  now(): number {
    return this.current;
  }

  date(): Date {
    return new Date(this.startEpochMs + this.current);
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.add(callback, checkDelay(delayMs, "delay"), undefined);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    const interval = checkDelay(intervalMs, "interval");
    if (interval === 0) throw new RangeError("interval must be above 0 ms");
    return this.add(callback, interval, interval);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.live.delete(handle.id);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /** Timers waiting to run. */
  get pendingTimers(): number {
    return this.live.size;
  }

  /** Due time of the next timer, or undefined when none is set. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.due;
  }

  /** Runs every timer due within `ms` from now, synchronously; then time is now + ms. */
  advance(ms: number): void {
    const target = this.current + checkDelay(ms, "advance");
    let ran = 0;
    for (;;) {
      const timer = this.popDue(target);
      if (!timer) break;
      if (++ran > this.maxTimersPerAdvance) {
        throw new RunawayTimersError(
          `more than ${this.maxTimersPerAdvance} timers ran within one advance at t=${this.current} ms: ` +
            "a zero-delay timer loop keeps simulated time from moving",
        );
      }
      this.fire(timer);
    }
    this.current = target;
  }

  /**
   * Like {@link advance}, but yields to the event loop between timers, so stream events, promise
   * continuations and I/O of the code under test run at the simulated time they belong to.
   */
  async runFor(ms: number): Promise<void> {
    const target = this.current + checkDelay(ms, "runFor");
    await yieldToEventLoop();
    let ran = 0;
    for (;;) {
      const timer = this.popDue(target);
      if (!timer) break;
      if (++ran > this.maxTimersPerAdvance) {
        throw new RunawayTimersError(`more than ${this.maxTimersPerAdvance} timers ran within runFor`);
      }
      this.fire(timer);
      await yieldToEventLoop();
    }
    this.current = target;
  }

  /**
   * Runs timers (yielding between them) until `condition()` holds or `maxMs` of simulated time have
   * passed. Returns whether the condition held.
   */
  async runUntil(condition: () => boolean, maxMs: number): Promise<boolean> {
    const target = this.current + checkDelay(maxMs, "runUntil");
    await yieldToEventLoop();
    let ran = 0;
    while (!condition()) {
      const timer = this.popDue(target);
      if (!timer) {
        this.current = target;
        return condition();
      }
      if (++ran > this.maxTimersPerAdvance) {
        throw new RunawayTimersError(`more than ${this.maxTimersPerAdvance} timers ran within runUntil`);
      }
      this.fire(timer);
      await yieldToEventLoop();
    }
    return true;
  }

  private add(callback: () => void, delayMs: number, intervalMs: number | undefined): TimerHandle {
    const timer: VirtualTimer = {
      id: this.nextId++,
      due: this.current + delayMs,
      seq: this.seq++,
      callback,
      intervalMs,
    };
    this.live.set(timer.id, timer);
    this.push(timer);
    return { id: timer.id };
  }

  private fire(timer: VirtualTimer): void {
    this.current = timer.due;
    if (timer.intervalMs !== undefined) {
      timer.due += timer.intervalMs;
      timer.seq = this.seq++;
      this.push(timer);
    } else {
      this.live.delete(timer.id);
    }
    timer.callback();
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.live.get(this.heap[0]!.id) !== this.heap[0]) this.pop();
  }

  private popDue(target: number): VirtualTimer | undefined {
    this.dropCancelled();
    const head = this.heap[0];
    if (!head || head.due > target) return undefined;
    return this.pop();
  }

  private before(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(timer: VirtualTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): VirtualTimer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
