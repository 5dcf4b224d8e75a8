/**
 * The one write budget of the gateway (API_WRITE_RATE_LIMIT writes a minute; 0 = no limit),
 * shared by every path a write comes in by — HTTP, MQTT, the dashboard, the CLI — since what it
 * protects is the controller (and the bus), whoever asks: an automation stuck in a loop must not
 * hammer it through the broker while Home Assistant is held back over HTTP, nor the other way
 * round. A sliding window of the last minute's writes; memory stays at most `limit` times.
 */
import type { Clock } from "../util/clock.js";

const WINDOW_MS = 60_000;
const MS_PER_SECOND = 1000;

export interface BudgetDecision {
  allowed: boolean;
  /** Seconds until one more write is allowed (when refused). */
  retryAfterSeconds: number;
}

export class WriteBudget {
  private times: number[] = [];

  constructor(
    readonly limitPerMinute: number,
    private readonly clock: Pick<Clock, "now">,
  ) {}

  /** Counts one write if it is within the budget. */
  take(): BudgetDecision {
    if (this.limitPerMinute <= 0) return { allowed: true, retryAfterSeconds: 0 };
    const now = this.clock.now();
    const since = now - WINDOW_MS;
    if (this.times.length > 0 && this.times[0]! <= since) this.times = this.times.filter((t) => t > since);
    if (this.times.length >= this.limitPerMinute) {
      const oldest = this.times[0] ?? now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / MS_PER_SECOND)),
      };
    }
    this.times.push(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }
}
