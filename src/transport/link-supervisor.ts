/**
 * Keeps the link open: opens it, reports it up or down, retries with capped exponential back-off
 * forever, and reopens it when no valid frame arrived for too long (a dead adapter often stays
 * "open", and line noise on a dead bus still delivers bytes: only frames count, reported by the
 * bus through {@link LinkSupervisor.frameReceived}). One timer at a time; stop() leaves no timer, socket or listener behind.
 */
import { EventEmitter } from "node:events";
import { type Clock, type ClockTimer, systemClock } from "../util/clock.js";
import { type Link, LinkError } from "./link.js";

export type LinkState = "stopped" | "connecting" | "up" | "waiting";

export interface LinkSupervisorOptions {
  createLink: () => Link;
  reconnectDelayMinMs: number;
  reconnectDelayMaxMs: number;
  /** Reopen when no valid frame was reported for this long; 0 disables the watchdog. */
  silenceTimeoutMs: number;
  /** Times the back-off and the watchdog (default: the system clock). */
  clock?: Clock;
}

export interface LinkSupervisorEvents {
  up: [link: Link];
  down: [info: { error: LinkError; retryInMs: number; attempt: number }];
  data: [chunk: Buffer];
}

export class LinkSupervisor extends EventEmitter<LinkSupervisorEvents> {
  private link: Link | undefined;
  private readonly clock: Clock;
  private timer: ClockTimer | undefined;
  private silenceTimer: ClockTimer | undefined;
  /** When the last valid frame was reported, or the link came up (clock.now()). */
  private lastFrameAt = 0;
  private failures = 0;
  private _state: LinkState = "stopped";
  private _lastError: LinkError | undefined;
  private lastByteAt = 0;
  private readonly onData = (chunk: Buffer) => {
    this.lastByteAt = this.clock.now();
    this.emit("data", chunk);
  };
  private readonly onLost = (error: LinkError) => {
    void this.drop(error);
  };

  constructor(private readonly options: LinkSupervisorOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    if (options.reconnectDelayMinMs <= 0 || options.reconnectDelayMaxMs < options.reconnectDelayMinMs) {
      throw new RangeError("reconnect delays must satisfy 0 < min ≤ max");
    }
  }

  get state(): LinkState {
    return this._state;
  }

  get lastError(): LinkError | undefined {
    return this._lastError;
  }

  /** The open link, when up. */
  get current(): Link | undefined {
    return this._state === "up" ? this.link : undefined;
  }

  /** Time of the last received byte (ms since epoch), 0 if none yet. */
  get lastByteTime(): number {
    return this.lastByteAt;
  }

  start(): void {
    if (this._state !== "stopped") return;
    void this.connect();
  }

  async stop(): Promise<void> {
    this._state = "stopped";
    this.clearTimers();
    const link = this.link;
    this.link = undefined;
    if (link) {
      this.detach(link);
      await link.close();
    }
  }

  /** A valid frame was decoded from the link's bytes: the bus is alive (resets the silence watchdog). */
  frameReceived(): void {
    this.lastFrameAt = this.clock.now();
  }

  /** Writes through the open link; rejects with a LinkError when it is down. */
  write(bytes: Buffer): Promise<void> {
    const link = this.current;
    if (!link) return Promise.reject(new LinkError("write-failed", "the bus link is down"));
    return link.write(bytes);
  }

  /** Closes and reopens the link (after a silent bus or an unresponsive controller). */
  async restart(reason: string): Promise<void> {
    if (this._state !== "up") return;
    await this.drop(new LinkError("lost", reason));
  }

  /** Delay before the next attempt after `failures` consecutive failures. */
  backoffMs(failures: number): number {
    const { reconnectDelayMinMs: min, reconnectDelayMaxMs: max } = this.options;
    return Math.min(max, min * 2 ** Math.min(failures, 30));
  }

  private async connect(): Promise<void> {
    this._state = "connecting";
    const link = this.options.createLink();
    this.link = link;
    try {
      await link.open();
    } catch (error) {
      if (this.link !== link) return; // stopped meanwhile
      this.link = undefined;
      const linkError =
        error instanceof LinkError
          ? error
          : new LinkError("other", (error as Error).message, undefined, { cause: error });
      this.scheduleRetry(linkError);
      return;
    }
    if (this.link !== link || (this._state as LinkState) === "stopped") {
      await link.close();
      return;
    }
    this.failures = 0;
    this._state = "up";
    this._lastError = undefined;
    this.lastByteAt = this.clock.now();
    this.lastFrameAt = this.lastByteAt;
    link.on("data", this.onData);
    link.on("lost", this.onLost);
    if (this.options.silenceTimeoutMs > 0) this.armSilenceWatchdog(this.options.silenceTimeoutMs);
    this.emit("up", link);
  }

  /**
   * One timer, not one per frame: when it fires early (frames came meanwhile) it is set again for
   * what is left of the silence timeout counted from the last frame.
   */
  private armSilenceWatchdog(delayMs: number): void {
    this.silenceTimer = this.clock.setTimeout(() => {
      this.silenceTimer = undefined;
      const silentMs = this.clock.now() - this.lastFrameAt;
      if (silentMs < this.options.silenceTimeoutMs) {
        this.armSilenceWatchdog(this.options.silenceTimeoutMs - silentMs);
        return;
      }
      void this.drop(
        new LinkError(
          "lost",
          `no valid frame on the bus for ${Math.round(this.options.silenceTimeoutMs / 1000)} s`,
          "check the RS-485 wiring (A/B) and that the heat pump is powered",
        ),
      );
    }, delayMs);
  }

  private async drop(error: LinkError): Promise<void> {
    const link = this.link;
    if (this._state !== "up" || !link) return;
    this.link = undefined;
    this.clearTimers();
    this.detach(link);
    await link.close();
    if ((this._state as LinkState) === "stopped") return; // stopped while closing
    this.scheduleRetry(error);
  }

  private scheduleRetry(error: LinkError): void {
    if (this._state === "stopped") return;
    const delay = this.backoffMs(this.failures);
    this.failures++;
    this._lastError = error;
    this._state = "waiting";
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
    this.emit("down", { error, retryInMs: delay, attempt: this.failures });
  }

  private detach(link: Link): void {
    link.off("data", this.onData);
    link.off("lost", this.onLost);
  }

  private clearTimers(): void {
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.silenceTimer);
    this.timer = undefined;
    this.silenceTimer = undefined;
  }
}
