/** One period of the link being up, in which the core's bus loop runs; aborted when the link goes down or the core stops. */
import type { Clock, ClockTimer } from "../util/clock.js";

/** Thrown out of a session's waits once it was aborted. */
export class SessionAborted extends Error {}

export class Session {
  aborted = false;
  private wake: (() => void) | undefined;
  private timer: ClockTimer | undefined;

  constructor(private readonly clock: Clock) {}

  abort(): void {
    this.aborted = true;
    this.clock.clearTimeout(this.timer);
    this.wake?.();
  }

  check(): void {
    if (this.aborted) throw new SessionAborted();
  }

  async sleep(ms: number): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = this.clock.setTimeout(resolve, ms);
    });
    this.wake = undefined;
    this.timer = undefined;
    this.check();
  }
}
