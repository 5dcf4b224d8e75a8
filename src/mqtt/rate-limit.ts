/**
 * MQTT commands share one write budget (API_WRITE_RATE_LIMIT writes a minute; 0 = off): an
 * automation stuck in a loop must not hammer the controller through the broker either. A sliding
 * window of the last minute's accepted commands.
 */

const WINDOW_MS = 60_000;

export class CommandRateLimit {
  private times: number[] = [];

  constructor(
    private readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one command if it is within the limit. */
  take(): boolean {
    if (this.limitPerMinute <= 0) return true;
    const now = this.now();
    const since = now - WINDOW_MS;
    if (this.times.length > 0 && this.times[0]! <= since) this.times = this.times.filter((t) => t > since);
    if (this.times.length >= this.limitPerMinute) return false;
    this.times.push(now);
    return true;
  }
}
