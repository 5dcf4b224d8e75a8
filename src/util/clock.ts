/**
 * The gateway's one source of time. Everything on the gateway side that reads the time or sets a
 * timer (bus, address claim, link supervisor, session loop, writer, store, the bridges' ages) takes
 * a {@link Clock}, defaulting to {@link systemClock}; tests pass a clock driven by the simulator's
 * virtual time, so a 10 s token cadence runs in milliseconds without shortening any interval.
 */

/** Opaque handle of a timer set on a {@link Clock}. */
export type ClockTimer = object;

export interface Clock {
  /** Wall-clock time, milliseconds since the epoch (timestamps, ages, deadlines). */
  now(): number;
  /**
   * A monotonic reading in milliseconds, possibly fractional, from an arbitrary origin: for short
   * intervals that must not be cut by rounding (the RS-485 turnaround).
   */
  monotonicNow(): number;
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
  clearTimeout(timer: ClockTimer | undefined): void;
}

/**
 * Real time. Each call goes through the globals as they are at that moment, so a test's fake
 * timers (`vi.useFakeTimers`) still take effect.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (timer) => {
    if (timer) clearTimeout(timer as NodeJS.Timeout);
  },
};

/** Resolves after `ms` on `clock` (at once, without a timer, for ms ≤ 0). */
export function delay(clock: Clock, ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => clock.setTimeout(resolve, ms));
}
