/**
 * Bus time, apart from the token wait: how long an operation (a poll cycle, a discovery, the
 * controller check) held the bus, how long it waited for the panel's grants, and what physics
 * allows for the same exchanges — so "≤ 1.05 × floor" can be checked on a live bus, where a poll's
 * wall time is mostly the wait for the next grant (~10 s on a real panel).
 *
 * - `busMs`: time within the operation during which the gateway held the token;
 * - `tokenWaitMs`: the rest (waiting for a grant, before the first request or between grants);
 * - `wireFloorMs`: the bytes of the gateway's requests and the replies to it × 10 bits / baud, plus
 *   one turnaround per request — the device's own reply latency is not in it (on a live bus it is
 *   unknown), so the ratio includes it.
 *
 * Also the grant interval as observed: the time between two grants to the gateway.
 */
import type { Gm3Bus } from "../bus/bus.js";
import { Command, type FramedFrame, ServiceFunction } from "../protocol/index.js";
import type { Clock } from "../util/clock.js";

export interface BusTimeFigures {
  /** From the start of the operation to its end. */
  elapsedMs: number;
  busMs: number;
  tokenWaitMs: number;
  /** Request frames sent (retries included). */
  requests: number;
  /** Bytes of those requests and of the replies addressed to the gateway. */
  bytes: number;
  wireFloorMs: number;
}

export interface BusTimeOptions {
  baudRate: number;
  turnaroundMs: number;
  clock: Clock;
}

const BITS_PER_BYTE = 10; // 8N1: start bit, 8 data bits, stop bit
const COMMAND_OFFSET = 7;
const PAYLOAD_OFFSET = 8;

/** A token return or an IDENTIFY answer: frames the gateway sends that are not part of an exchange. */
function isHousekeeping(bytes: Buffer): boolean {
  const command = bytes[COMMAND_OFFSET];
  if (command === Command.IDENTIFY_RESPONSE) return true;
  return (
    command === Command.SERVICE &&
    bytes.length >= PAYLOAD_OFFSET + 2 &&
    bytes.readUInt16LE(PAYLOAD_OFFSET) === ServiceFunction.TOKEN_RETURN
  );
}

/** One measurement; `finish()` detaches it and returns the figures. */
export class BusTimeMeasurement {
  private readonly started: number;
  private heldSince: number | undefined;
  private heldMs = 0;
  private requests = 0;
  private bytes = 0;
  private done = false;
  private readonly onToken = ({ holding }: { holding: boolean }) => {
    const now = this.options.clock.now();
    if (holding) this.heldSince ??= now;
    else if (this.heldSince !== undefined) {
      this.heldMs += now - this.heldSince;
      this.heldSince = undefined;
    }
  };
  private readonly onSent = (bytes: Buffer) => {
    if (isHousekeeping(bytes)) return;
    this.requests++;
    this.bytes += bytes.length;
  };
  private readonly onFrame = (frame: FramedFrame) => {
    const own = this.bus.address.address;
    if (own === undefined || frame.destination !== own) return;
    // Grants and probes from the panel are the panel's business, not replies.
    if (frame.command === Command.SERVICE || frame.command === Command.IDENTIFY) return;
    this.bytes += frame.raw.length;
  };

  constructor(
    private readonly bus: Gm3Bus,
    private readonly options: BusTimeOptions,
  ) {
    this.started = options.clock.now();
    if (bus.holdingToken) this.heldSince = this.started;
    bus.on("token", this.onToken);
    bus.on("sent", this.onSent);
    bus.on("frame", this.onFrame);
  }

  finish(): BusTimeFigures {
    const now = this.options.clock.now();
    if (!this.done) {
      this.done = true;
      this.bus.off("token", this.onToken);
      this.bus.off("sent", this.onSent);
      this.bus.off("frame", this.onFrame);
      if (this.heldSince !== undefined) this.heldMs += now - this.heldSince;
      this.heldSince = undefined;
    }
    const elapsedMs = now - this.started;
    const busMs = Math.min(this.heldMs, elapsedMs);
    return {
      elapsedMs,
      busMs,
      tokenWaitMs: elapsedMs - busMs,
      requests: this.requests,
      bytes: this.bytes,
      wireFloorMs:
        (this.bytes * BITS_PER_BYTE * 1000) / this.options.baudRate +
        this.requests * this.options.turnaroundMs,
    };
  }
}

export interface GrantIntervals {
  /** Grants to the gateway seen (since the start). */
  grants: number;
  lastMs: number | undefined;
  /** Mean of the last intervals (up to {@link GRANT_WINDOW}). */
  averageMs: number | undefined;
  minMs: number | undefined;
  maxMs: number | undefined;
}

/** Intervals kept for the average, min and max: about ten minutes at the field cadence. */
export const GRANT_WINDOW = 60;

/**
 * The interval between grants to the gateway, as observed. An interval that spans a link outage
 * (no grant could be seen) is not one: the first grant after the link comes up starts afresh.
 */
export class GrantIntervalTracker {
  private lastGrantAt: number | undefined;
  private grants = 0;
  private readonly window: number[] = [];

  grant(at: number): void {
    this.grants++;
    if (this.lastGrantAt !== undefined && at >= this.lastGrantAt) {
      this.window.push(at - this.lastGrantAt);
      if (this.window.length > GRANT_WINDOW) this.window.shift();
    }
    this.lastGrantAt = at;
  }

  /** The link went down: the next grant does not end an interval. */
  interrupted(): void {
    this.lastGrantAt = undefined;
  }

  /** The usual time between grants (the median of the recent gaps, so one missed grant does not double it). */
  get intervalMs(): number | undefined {
    if (this.window.length === 0) return undefined;
    const sorted = [...this.window].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  /** Milliseconds until the next grant is due (0 when overdue); undefined before two grants. */
  nextInMs(now: number): number | undefined {
    const interval = this.intervalMs;
    if (interval === undefined || this.lastGrantAt === undefined) return undefined;
    return Math.max(0, this.lastGrantAt + interval - now);
  }

  get figures(): GrantIntervals {
    const w = this.window;
    return {
      grants: this.grants,
      lastMs: w.at(-1),
      averageMs: w.length === 0 ? undefined : w.reduce((a, b) => a + b, 0) / w.length,
      minMs: w.length === 0 ? undefined : Math.min(...w),
      maxMs: w.length === 0 ? undefined : Math.max(...w),
    };
  }
}

export function measureBusTime(bus: Gm3Bus, options: BusTimeOptions): BusTimeMeasurement {
  return new BusTimeMeasurement(bus, options);
}
