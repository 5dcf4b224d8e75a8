/**
 * The gateway's {@link Clock} on the simulator's time. `src/sim/` knows only `protocol/`, so the
 * adapter lives here: the simulator counts (fractional) milliseconds since its start and knows the
 * wall-clock date at that moment; the gateway wants epoch milliseconds and a monotonic reading.
 */
import type { SimClock, TimerHandle } from "../../src/sim/index.js";
import type { Clock } from "../../src/util/clock.js";

export function gatewayClockOn(clock: SimClock): Clock {
  return {
    now: () => clock.date().getTime(),
    monotonicNow: () => clock.now(),
    setTimeout: (callback, delayMs) => clock.setTimeout(callback, delayMs),
    clearTimeout: (timer) => clock.clearTimeout(timer as TimerHandle | undefined),
  };
}
