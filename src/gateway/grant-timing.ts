/**
 * The panel's token grants to this gateway as observed: the usual interval between them and when
 * the next one is due — what a queued write is waiting for ("waiting for the bus, ~N s").
 */
import type { Clock } from "../util/clock.js";

/** Gaps kept; their median is the interval, so one missed grant does not double the estimate. */
const GAPS_KEPT = 5;

export class GrantTiming {
  private lastAt: number | undefined;
  private readonly gaps: number[] = [];

  constructor(private readonly clock: Pick<Clock, "now">) {}

  /** A grant arrived (the gateway now holds the token). */
  granted(at = this.clock.now()): void {
    if (this.lastAt !== undefined && at > this.lastAt) {
      this.gaps.push(at - this.lastAt);
      if (this.gaps.length > GAPS_KEPT) this.gaps.shift();
    }
    this.lastAt = at;
  }

  /** The usual time between grants; undefined before the second grant. */
  get intervalMs(): number | undefined {
    if (this.gaps.length === 0) return undefined;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  /** Milliseconds until the next grant is due (0 when overdue); undefined before two grants. */
  nextInMs(now = this.clock.now()): number | undefined {
    const interval = this.intervalMs;
    if (interval === undefined || this.lastAt === undefined) return undefined;
    return Math.max(0, this.lastAt + interval - now);
  }
}
