/**
 * Fault injection. Every fault is off by default and has its own rate or switch; all draws come from
 * the simulation's seeded random stream, so a seed reproduces the same faults.
 *
 * Rates apply to frames transmitted by simulated devices (optionally only some addresses):
 * - `crcErrorRate`: the frame goes out with a corrupted CRC;
 * - `dropResponseRate`: a reply to a request is not sent at all;
 * - `truncateRate`: the frame is cut short (1 … length−1 bytes go out);
 * - `extraLatencyRate` / `extraLatencyMs`: a reply waits `extraLatencyMs` longer;
 * - `noiseRate` / `noiseMaxBytes`: after a transmission, 1 … `noiseMaxBytes` random bytes go on the
 *   wire (half of the bursts start with 0x68 and a plausible LEN: a false frame start, PROTOCOL.md §4).
 * Switches and timed faults: {@link Faults.silenceController}, {@link Faults.stopTokenGrants},
 * {@link Faults.stallTokenGrants}, {@link Faults.unplug}; silence, stall and unplug can also be
 * scheduled on the simulation's clock (`controllerSilence`, `tokenStall`, `linkUnplug`: first after
 * `afterMs`, for `durationMs`, again every `everyMs`).
 */
import { EventEmitter } from "node:events";
import { FRAME_BEGIN, MAX_FRAME_LENGTH } from "../protocol/index.js";
import type { SimClock, TimerHandle } from "./clock.js";
import type { Random } from "./random.js";

/**
 * A fault that happens on the simulation's clock: first `afterMs` after the simulation starts (or after
 * the schedule is set while it runs), lasting `durationMs`, and again every `everyMs` if given.
 */
export interface FaultSchedule {
  afterMs: number;
  durationMs: number;
  /** Period from one start to the next; must exceed `durationMs`. Undefined: once. */
  everyMs?: number | undefined;
}

export interface FaultOptions {
  crcErrorRate: number;
  dropResponseRate: number;
  truncateRate: number;
  noiseRate: number;
  noiseMaxBytes: number;
  extraLatencyRate: number;
  extraLatencyMs: number;
  /** Device addresses the rates apply to; undefined = every simulated device. */
  appliesTo: readonly number[] | undefined;
  /** Whether the panel grants the token at all (false = "panel stops granting"). */
  tokenGrants: boolean;
  /** When the controller falls silent (ignores every request); undefined = never. */
  controllerSilence: FaultSchedule | undefined;
  /** When the link is unplugged (endpoints dropped, attach refused); undefined = never. */
  linkUnplug: FaultSchedule | undefined;
  /** When the panel stalls: no token grants for `durationMs` (a busy or rebooting panel); undefined = never. */
  tokenStall: FaultSchedule | undefined;
}

export const DEFAULT_FAULTS: Readonly<FaultOptions> = {
  crcErrorRate: 0,
  dropResponseRate: 0,
  truncateRate: 0,
  noiseRate: 0,
  noiseMaxBytes: 8,
  extraLatencyRate: 0,
  extraLatencyMs: 0,
  appliesTo: undefined,
  tokenGrants: true,
  controllerSilence: undefined,
  linkUnplug: undefined,
  tokenStall: undefined,
};

const SCHEDULES = ["controllerSilence", "linkUnplug", "tokenStall"] as const;

function validateSchedule(key: string, schedule: FaultSchedule | undefined): void {
  if (schedule === undefined) return;
  if (typeof schedule !== "object" || schedule === null) {
    throw new RangeError(
      `fault ${key} must be { afterMs, durationMs, everyMs? }, got ${JSON.stringify(schedule)}`,
    );
  }
  const { afterMs, durationMs, everyMs } = schedule;
  if (!(Number.isFinite(afterMs) && afterMs >= 0)) {
    throw new RangeError(`fault ${key}.afterMs must be a duration ≥ 0 ms, got ${afterMs}`);
  }
  if (!(Number.isFinite(durationMs) && durationMs > 0)) {
    throw new RangeError(`fault ${key}.durationMs must be a duration > 0 ms, got ${durationMs}`);
  }
  if (everyMs !== undefined && !(Number.isFinite(everyMs) && everyMs > durationMs)) {
    throw new RangeError(
      `fault ${key}.everyMs must be longer than durationMs (${durationMs} ms), got ${everyMs}`,
    );
  }
}

const RATES = ["crcErrorRate", "dropResponseRate", "truncateRate", "noiseRate", "extraLatencyRate"] as const;

/** Checks a (partial) fault configuration; throws a RangeError naming the bad field. */
export function validateFaults(faults: Partial<FaultOptions>): void {
  for (const key of RATES) {
    const value = faults[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw new RangeError(`fault ${key} must be a probability between 0 and 1, got ${value}`);
    }
  }
  if (faults.noiseMaxBytes !== undefined) {
    const n = faults.noiseMaxBytes;
    if (!Number.isInteger(n) || n < 1 || n > MAX_FRAME_LENGTH) {
      throw new RangeError(`fault noiseMaxBytes must be an integer in 1..${MAX_FRAME_LENGTH}, got ${n}`);
    }
  }
  if (
    faults.extraLatencyMs !== undefined &&
    !(Number.isFinite(faults.extraLatencyMs) && faults.extraLatencyMs >= 0)
  ) {
    throw new RangeError(`fault extraLatencyMs must be ≥ 0, got ${faults.extraLatencyMs}`);
  }
  for (const key of SCHEDULES) validateSchedule(key, faults[key]);
}

/** What happens to one device transmission. */
export interface TransmissionPlan {
  /** The bytes to send, or undefined when the reply is dropped. */
  bytes: Buffer | undefined;
  extraDelayMs: number;
}

export interface FaultCounts {
  crcErrors: number;
  droppedResponses: number;
  truncatedFrames: number;
  noiseBursts: number;
  noiseBytes: number;
  delayedResponses: number;
  /** Requests the controller ignored while silenced. */
  silencedRequests: number;
  /** Token grants the panel skipped because grants are stopped. */
  skippedTokenGrants: number;
  unplugs: number;
}

export interface FaultEvents {
  unplugged: [];
  plugged: [];
}

export class Faults extends EventEmitter<FaultEvents> {
  private options: FaultOptions;
  readonly counts: FaultCounts = {
    crcErrors: 0,
    droppedResponses: 0,
    truncatedFrames: 0,
    noiseBursts: 0,
    noiseBytes: 0,
    delayedResponses: 0,
    silencedRequests: 0,
    skippedTokenGrants: 0,
    unplugs: 0,
  };
  private silentUntilMs = Number.NEGATIVE_INFINITY;
  private stalledUntilMs = Number.NEGATIVE_INFINITY;
  private unpluggedFlag = false;
  private plugTimer: TimerHandle | undefined;
  private started = false;
  private readonly scheduleTimers: Record<(typeof SCHEDULES)[number], TimerHandle[]> = {
    controllerSilence: [],
    linkUnplug: [],
    tokenStall: [],
  };

  constructor(
    private readonly clock: SimClock,
    private readonly random: Random,
    options: Partial<FaultOptions> = {},
  ) {
    super();
    validateFaults(options);
    this.options = { ...DEFAULT_FAULTS, ...options };
  }

  /** The current configuration (a copy). */
  get config(): FaultOptions {
    return { ...this.options };
  }

  /** Changes rates or switches while the simulation runs. */
  set(changes: Partial<FaultOptions>): void {
    validateFaults(changes);
    this.options = { ...this.options, ...changes };
    // A schedule set while running counts from now.
    if (this.started) for (const key of SCHEDULES) if (key in changes) this.arm(key);
  }

  /** @internal Arms the scheduled faults (times count from now). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const key of SCHEDULES) this.arm(key);
  }

  private arm(key: (typeof SCHEDULES)[number]): void {
    for (const timer of this.scheduleTimers[key]) this.clock.clearTimeout(timer);
    this.scheduleTimers[key] = [];
    const schedule = this.options[key];
    if (!schedule) return;
    const { afterMs, durationMs, everyMs } = schedule;
    const fire =
      key === "controllerSilence"
        ? () => this.silenceController(durationMs)
        : key === "tokenStall"
          ? () => this.stallTokenGrants(durationMs)
          : () => this.unplug(durationMs);
    const timers = this.scheduleTimers[key];
    timers.push(
      this.clock.setTimeout(() => {
        fire();
        if (everyMs !== undefined) timers.push(this.clock.setInterval(fire, everyMs));
      }, afterMs),
    );
  }

  private applies(address: number): boolean {
    return this.options.appliesTo === undefined || this.options.appliesTo.includes(address);
  }

  /** Decides the fate of a frame a device is about to transmit. */
  planTransmission(address: number, frame: Buffer, isReply: boolean): TransmissionPlan {
    if (!this.applies(address)) return { bytes: frame, extraDelayMs: 0 };
    const o = this.options;
    if (isReply && this.random.chance(o.dropResponseRate)) {
      this.counts.droppedResponses++;
      return { bytes: undefined, extraDelayMs: 0 };
    }
    let bytes = frame;
    if (this.random.chance(o.crcErrorRate)) {
      bytes = Buffer.from(bytes);
      // Flipping every bit of the CRC's low byte always breaks the check.
      bytes[bytes.length - 2]! ^= 0xff;
      this.counts.crcErrors++;
    }
    if (bytes.length > 1 && this.random.chance(o.truncateRate)) {
      bytes = bytes.subarray(0, this.random.int(1, bytes.length - 1));
      this.counts.truncatedFrames++;
    }
    let extraDelayMs = 0;
    if (isReply && o.extraLatencyMs > 0 && this.random.chance(o.extraLatencyRate)) {
      extraDelayMs = o.extraLatencyMs;
      this.counts.delayedResponses++;
    }
    return { bytes, extraDelayMs };
  }

  /** Noise to put on the wire after a transmission, or undefined. */
  planNoise(): Buffer | undefined {
    if (!this.random.chance(this.options.noiseRate)) return undefined;
    const noise = this.random.bytes(this.random.int(1, this.options.noiseMaxBytes));
    if (noise.length >= 3 && this.random.chance(0.5)) {
      // A false frame start whose LEN points beyond the noise (PROTOCOL.md §4 pitfall).
      noise[0] = FRAME_BEGIN;
      noise.writeUInt16LE(this.random.int(5, 200), 1);
    }
    this.counts.noiseBursts++;
    this.counts.noiseBytes += noise.length;
    return noise;
  }

  /** The controller ignores every request for the next `durationMs`. */
  silenceController(durationMs: number): void {
    if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
      throw new RangeError(`silence duration must be ≥ 0 ms, got ${durationMs}`);
    }
    this.silentUntilMs = this.clock.now() + durationMs;
  }

  /** @internal True (and counted) when the controller must ignore a request now. */
  controllerSilenced(): boolean {
    if (this.clock.now() >= this.silentUntilMs) return false;
    this.counts.silencedRequests++;
    return true;
  }

  get controllerSilent(): boolean {
    return this.clock.now() < this.silentUntilMs;
  }

  stopTokenGrants(): void {
    this.options.tokenGrants = false;
  }

  resumeTokenGrants(): void {
    this.options.tokenGrants = true;
  }

  /** The panel grants no token for the next `durationMs` (then grants resume by themselves). */
  stallTokenGrants(durationMs: number): void {
    if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
      throw new RangeError(`token stall duration must be ≥ 0 ms, got ${durationMs}`);
    }
    this.stalledUntilMs = this.clock.now() + durationMs;
  }

  /** True while grants are stopped (`tokenGrants: false`) or stalled for a while. */
  get tokenGrantsStopped(): boolean {
    return !this.options.tokenGrants || this.clock.now() < this.stalledUntilMs;
  }

  /**
   * Unplugs the link: endpoints are destroyed with a {@link LinkUnpluggedError}-style error and
   * nothing can attach; after `durationMs` (if given) it is plugged back in.
   */
  unplug(durationMs?: number): void {
    this.clock.clearTimeout(this.plugTimer);
    this.plugTimer = undefined;
    if (durationMs !== undefined) {
      if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
        throw new RangeError(`unplug duration must be ≥ 0 ms, got ${durationMs}`);
      }
      this.plugTimer = this.clock.setTimeout(() => this.plugIn(), durationMs);
    }
    if (this.unpluggedFlag) return;
    this.unpluggedFlag = true;
    this.counts.unplugs++;
    this.emit("unplugged");
  }

  plugIn(): void {
    this.clock.clearTimeout(this.plugTimer);
    this.plugTimer = undefined;
    if (!this.unpluggedFlag) return;
    this.unpluggedFlag = false;
    this.emit("plugged");
  }

  get unplugged(): boolean {
    return this.unpluggedFlag;
  }

  /** @internal Cancels the plug-in timer and the scheduled faults. */
  dispose(): void {
    this.clock.clearTimeout(this.plugTimer);
    this.plugTimer = undefined;
    for (const key of SCHEDULES) {
      for (const timer of this.scheduleTimers[key]) this.clock.clearTimeout(timer);
      this.scheduleTimers[key] = [];
    }
  }
}
