/**
 * "May a write go on the wire now?" — one decision of the core, asked by whatever sends writes
 * (today `SafeWriter`, just before its MODIFY_PARAM; a write queue at each grant). A write goes out
 * only to a controller verified since the link came up: after a reconnect or a restart from the
 * snapshot the parameter an index names may have moved (another controller, another firmware), so
 * a write waits until the check and the first complete poll with the known types have passed.
 *
 * `reason()` says why not (undefined: it may); `waitOpen(deadline)` resolves as soon as it may, or
 * with the reason still holding it at the deadline. The owner calls `changed()` whenever the inputs
 * of the decision may have changed.
 */
import { type Clock, type ClockTimer, systemClock } from "../util/clock.js";

interface Waiter {
  resolve(reason: string | undefined): void;
  timer: ClockTimer;
}

export class WriteGate {
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly holdReason: () => string | undefined,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Why a write may not go on the wire now; undefined when it may. */
  reason(): string | undefined {
    return this.holdReason();
  }

  /** Resolves with undefined once writes may go out, or with the reason they still may not at `deadline`. */
  waitOpen(deadline: number): Promise<string | undefined> {
    const now = this.reason();
    if (now === undefined) return Promise.resolve(undefined);
    const leftMs = deadline - this.clock.now();
    if (leftMs <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: this.clock.setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(this.reason());
        }, leftMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** The inputs may have changed: releases the waiters if writes may go out now. */
  changed(): void {
    if (this.waiters.size === 0 || this.reason() !== undefined) return;
    for (const waiter of this.waiters) {
      this.clock.clearTimeout(waiter.timer);
      waiter.resolve(undefined);
    }
    this.waiters.clear();
  }

  /** Ends every wait with `reason` (the core stops). */
  close(reason: string): void {
    for (const waiter of this.waiters) {
      this.clock.clearTimeout(waiter.timer);
      waiter.resolve(reason);
    }
    this.waiters.clear();
  }
}
