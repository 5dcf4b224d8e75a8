/**
 * Waiting for the bus link to be up, bounded in time: a write whose answer was lost with the link
 * is read back once the link returns (never sent again), if that happens in time.
 */
import type { Clock, ClockTimer } from "../util/clock.js";

interface Waiter {
  resolve(up: boolean): void;
  timer: ClockTimer;
}

export class LinkWaiters {
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly isUp: () => boolean,
  ) {}

  /** True at once when the link is up; else when it comes up before `until`; false after it, or once closed. */
  whenUp(until: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.isUp()) return Promise.resolve(true);
    const remaining = until - this.clock.now();
    if (remaining <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: this.clock.setTimeout(() => this.settle(waiter, false), remaining),
      };
      this.waiters.add(waiter);
    });
  }

  /** The link came up: every waiter goes on. */
  up(): void {
    for (const waiter of [...this.waiters]) this.settle(waiter, true);
  }

  /** The gateway stops: nobody waits any longer. */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) this.settle(waiter, false);
  }

  private settle(waiter: Waiter, up: boolean): void {
    if (!this.waiters.delete(waiter)) return;
    this.clock.clearTimeout(waiter.timer);
    waiter.resolve(up);
  }
}
