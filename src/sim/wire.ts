/**
 * The simulated RS-485 wire: half-duplex, one talker at a time.
 *
 * - A transmission occupies the wire for 10 bits per byte at the baud rate (`wireDelay`), and
 *   reaches every other connected party when its last byte is on the wire. Without wire delay it
 *   takes no time (and can never collide).
 * - Two transmissions that overlap in time collide: both arrive garbled (the overlapping bytes are
 *   corrupted, so neither passes its CRC).
 * - Simulated devices use {@link Wire.transmitWhenFree} (carrier sense: they wait for silence);
 *   external endpoints use {@link Wire.transmit} and can collide, exactly like a gateway that
 *   ignores the token.
 * - A sender's transmissions that follow each other without a gap form one burst (a frame written
 *   in several chunks is not a collision with itself).
 */
import { EventEmitter } from "node:events";
import { type FramedFrame, Framer } from "../protocol/index.js";
import { BusLog, type BusLogEntry } from "./bus-log.js";
import type { SimClock, TimerHandle } from "./clock.js";
import type { Random } from "./random.js";

/** Bits per byte on the line: start + 8 data + stop (8N1). */
export const BITS_PER_BYTE = 10;

export interface Transceiver {
  /** Name in the bus log. */
  readonly name: string;
  /**
   * `device`s always send whole frames per transmission; `endpoint`s may split a frame over several
   * writes, so the log waits a little for the rest before calling the bytes undecodable.
   */
  readonly kind: "device" | "endpoint" | "noise";
  /** Bytes another party put on the wire (garbled where a collision hit them). */
  receive(bytes: Buffer): void;
}

export interface WireOptions {
  baudRate: number;
  wireDelay: boolean;
  maxLogEntries: number;
  /** Garbling of collided bytes. */
  random: Random;
  /** How long the log waits for the rest of an endpoint's partial frame (default 100 ms). */
  partialFlushMs?: number;
}

interface Burst {
  sender: Transceiver;
  parts: Buffer[];
  length: number;
  startMs: number;
  endMs: number;
  collided: boolean;
  /** Other bursts it overlapped. */
  overlaps: Burst[];
  timer: TimerHandle | undefined;
  onEnd: (() => void)[];
}

interface QueuedTransmission {
  sender: Transceiver;
  bytes: Buffer;
  onEnd: (() => void) | undefined;
}

interface QuietWaiter {
  gapMs: number;
  callback: () => void;
  timer: TimerHandle | undefined;
}

/** Per-sender reassembly for the log (endpoint frames may span writes). */
interface SenderTrack {
  framer: Framer;
  /** Stream offset of the next byte from this sender. */
  offset: number;
  bursts: { offset: number; length: number; startMs: number; collided: boolean }[];
  discards: { offset: number; bytes: Buffer }[];
  flushTimer: TimerHandle | undefined;
}

export interface WireEvents {
  frame: [entry: BusLogEntry];
}

export class Wire extends EventEmitter<WireEvents> {
  readonly log: BusLog;
  readonly baudRate: number;
  readonly wireDelay: boolean;
  /** Time one byte takes on the wire, in ms (0 without wire delay). */
  readonly byteTimeMs: number;
  private readonly parties = new Set<Transceiver>();
  private readonly active: Burst[] = [];
  private readonly queue: QueuedTransmission[] = [];
  private readonly quietWaiters = new Set<QuietWaiter>();
  private readonly tracks = new Map<Transceiver, SenderTrack>();
  private readonly burstListeners = new Set<(sender: Transceiver, endMs: number) => void>();
  private readonly random: Random;
  private readonly partialFlushMs: number;
  private lastEndMs = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** Bytes put on the wire, and bursts that collided. */
  readonly stats = { bytes: 0, bursts: 0, collisions: 0 };

  constructor(
    private readonly clock: SimClock,
    options: WireOptions,
  ) {
    super();
    if (!Number.isFinite(options.baudRate) || options.baudRate <= 0) {
      throw new RangeError(`baudRate must be a positive number, got ${options.baudRate}`);
    }
    this.baudRate = options.baudRate;
    this.wireDelay = options.wireDelay;
    this.byteTimeMs = options.wireDelay ? (BITS_PER_BYTE * 1000) / options.baudRate : 0;
    this.log = new BusLog(options.maxLogEntries);
    this.random = options.random;
    this.partialFlushMs = options.partialFlushMs ?? 100;
  }

  /** Connects a party; returns the function that disconnects it. */
  connect(party: Transceiver): () => void {
    this.parties.add(party);
    return () => this.disconnect(party);
  }

  disconnect(party: Transceiver): void {
    this.parties.delete(party);
    for (let i = this.queue.length - 1; i >= 0; i--)
      if (this.queue[i]!.sender === party) this.queue.splice(i, 1);
    this.flushTrack(party);
  }

  /** True while a transmission is on the wire (or, without wire delay, not yet delivered). */
  get busy(): boolean {
    return this.active.length > 0;
  }

  /** End time of the last transmission (−Infinity before the first). */
  get lastActivityMs(): number {
    return this.lastEndMs;
  }

  /** Time `byteCount` bytes occupy the wire. */
  durationMs(byteCount: number): number {
    return byteCount * this.byteTimeMs;
  }

  /** Puts bytes on the wire now, whatever else is on it (an external transceiver). */
  transmit(sender: Transceiver, bytes: Uint8Array, onEnd?: () => void): void {
    if (this.closed || bytes.length === 0) {
      onEnd?.();
      return;
    }
    const chunk = Buffer.from(bytes);
    const now = this.clock.now();
    const duration = this.durationMs(chunk.length);
    this.stats.bytes += chunk.length;
    const own = this.active.find((burst) => burst.sender === sender);
    if (own) {
      own.parts.push(chunk);
      own.length += chunk.length;
      own.endMs = Math.max(own.endMs, now) + duration;
      if (onEnd) own.onEnd.push(onEnd);
      this.markOverlaps(own);
      this.scheduleEnd(own);
      return;
    }
    const burst: Burst = {
      sender,
      parts: [chunk],
      length: chunk.length,
      startMs: now,
      endMs: now + duration,
      collided: false,
      overlaps: [],
      timer: undefined,
      onEnd: onEnd ? [onEnd] : [],
    };
    this.stats.bursts++;
    this.active.push(burst);
    this.markOverlaps(burst);
    this.scheduleEnd(burst);
  }

  /** Waits for a free wire (behind earlier waiters), then transmits: a polite device. */
  transmitWhenFree(sender: Transceiver, bytes: Uint8Array, onEnd?: () => void): void {
    if (this.closed) return;
    if (!this.busy && this.queue.length === 0) {
      this.transmit(sender, bytes, onEnd);
      return;
    }
    this.queue.push({ sender, bytes: Buffer.from(bytes), onEnd });
  }

  /**
   * Calls `callback` once the wire has been silent for `gapMs` (nothing on it, nothing queued).
   * Returns a function that cancels the wait.
   */
  whenQuiet(gapMs: number, callback: () => void): () => void {
    const waiter: QuietWaiter = { gapMs, callback, timer: undefined };
    this.quietWaiters.add(waiter);
    this.checkQuiet(waiter);
    return () => {
      this.clock.clearTimeout(waiter.timer);
      this.quietWaiters.delete(waiter);
    };
  }

  /** @internal Called after each transmission ends (noise injection). */
  onBurstEnd(listener: (sender: Transceiver, endMs: number) => void): () => void {
    this.burstListeners.add(listener);
    return () => this.burstListeners.delete(listener);
  }

  /** Stops all timers; nothing more is transmitted or delivered. */
  close(): void {
    this.closed = true;
    const unfinished = [
      ...this.active.flatMap((burst) => burst.onEnd),
      ...this.queue.flatMap((q) => (q.onEnd ? [q.onEnd] : [])),
    ];
    for (const burst of this.active) this.clock.clearTimeout(burst.timer);
    this.active.length = 0;
    this.queue.length = 0;
    // Writers waiting for their bytes to leave are released: nothing more will be sent.
    for (const callback of unfinished) callback();
    for (const waiter of this.quietWaiters) this.clock.clearTimeout(waiter.timer);
    this.quietWaiters.clear();
    for (const party of [...this.tracks.keys()]) this.flushTrack(party);
    this.parties.clear();
  }

  private markOverlaps(burst: Burst): void {
    if (!this.wireDelay) return;
    for (const other of this.active) {
      if (other === burst || other.sender === burst.sender) continue;
      const overlapping = other.startMs < burst.endMs && burst.startMs < other.endMs;
      if (overlapping && !burst.overlaps.includes(other)) {
        burst.overlaps.push(other);
        other.overlaps.push(burst);
        if (!burst.collided || !other.collided) this.stats.collisions++;
        burst.collided = true;
        other.collided = true;
      }
    }
  }

  private scheduleEnd(burst: Burst): void {
    this.clock.clearTimeout(burst.timer);
    burst.timer = this.clock.setTimeout(() => this.finish(burst), burst.endMs - this.clock.now());
  }

  private finish(burst: Burst): void {
    const index = this.active.indexOf(burst);
    if (index === -1) return;
    this.active.splice(index, 1);
    this.lastEndMs = Math.max(this.lastEndMs, burst.endMs);
    const bytes = Buffer.concat(burst.parts, burst.length);
    if (burst.collided) this.garble(bytes, burst);
    // Waiting devices go first: they sensed the wire before anyone reacting to this burst.
    this.drainQueue();
    for (const party of [...this.parties]) {
      if (party !== burst.sender && this.parties.has(party)) party.receive(Buffer.from(bytes));
    }
    this.record(burst, bytes);
    for (const callback of burst.onEnd) callback();
    for (const listener of this.burstListeners) listener(burst.sender, burst.endMs);
    for (const waiter of [...this.quietWaiters]) this.checkQuiet(waiter);
  }

  private drainQueue(): void {
    while (!this.busy && this.queue.length > 0) {
      const next = this.queue.shift()!;
      // A party that disconnected while waiting no longer transmits (noise is never connected).
      if (next.sender.kind === "noise" || this.parties.has(next.sender)) {
        this.transmit(next.sender, next.bytes, next.onEnd);
      }
    }
  }

  private checkQuiet(waiter: QuietWaiter): void {
    if (!this.quietWaiters.has(waiter)) return;
    this.clock.clearTimeout(waiter.timer);
    waiter.timer = undefined;
    if (this.busy || this.queue.length > 0) return; // re-checked when a transmission ends
    const wait = this.lastEndMs + waiter.gapMs - this.clock.now();
    if (wait <= 0) {
      this.quietWaiters.delete(waiter);
      waiter.callback();
      return;
    }
    waiter.timer = this.clock.setTimeout(() => this.checkQuiet(waiter), wait);
  }

  /** Corrupts the bytes that overlapped other transmissions, so that no frame there survives. */
  private garble(bytes: Buffer, burst: Burst): void {
    const ranges: [number, number][] = [];
    for (const other of burst.overlaps) {
      const from = Math.max(burst.startMs, other.startMs);
      const to = Math.min(burst.endMs, other.endMs);
      const first = Math.max(0, Math.floor((from - burst.startMs) / this.byteTimeMs));
      const last = Math.min(
        bytes.length,
        Math.max(first + 1, Math.ceil((to - burst.startMs) / this.byteTimeMs)),
      );
      ranges.push([first, last]);
      for (let i = first; i < last; i++) bytes[i]! ^= this.random.int(1, 255);
    }
    // A corrupted frame passes CRC-16 with probability 2^-16; make "garbled" certain.
    for (let attempt = 0; attempt < 8; attempt++) {
      const survivor = new Framer()
        .push(bytes)
        .find((frame) => ranges.some(([a, b]) => frame.offset < b && a < frame.offset + frame.raw.length));
      if (!survivor) return;
      bytes[survivor.offset + survivor.raw.length - 1]! ^= 0xff;
    }
  }

  private track(sender: Transceiver): SenderTrack {
    let track = this.tracks.get(sender);
    if (!track) {
      const created: SenderTrack = {
        framer: new Framer({
          onDiscard: (run, _reason, offset) => created.discards.push({ offset, bytes: run }),
        }),
        offset: 0,
        bursts: [],
        discards: [],
        flushTimer: undefined,
      };
      track = created;
      this.tracks.set(sender, track);
    }
    return track;
  }

  private record(burst: Burst, bytes: Buffer): void {
    const track = this.track(burst.sender);
    track.bursts.push({
      offset: track.offset,
      length: bytes.length,
      startMs: burst.startMs,
      collided: burst.collided,
    });
    if (track.bursts.length > 64) track.bursts.splice(0, track.bursts.length - 64);
    track.offset += bytes.length;
    const frames = track.framer.push(bytes);
    this.clock.clearTimeout(track.flushTimer);
    track.flushTimer = undefined;
    if (burst.sender.kind !== "endpoint") track.framer.discardPartial();
    else if (track.framer.pendingBytes > 0) {
      track.flushTimer = this.clock.setTimeout(() => {
        track.flushTimer = undefined;
        track.framer.discardPartial();
        this.emitEntries(burst.sender, track, []);
      }, this.partialFlushMs);
    }
    this.emitEntries(burst.sender, track, frames);
  }

  private flushTrack(party: Transceiver): void {
    const track = this.tracks.get(party);
    if (!track) return;
    this.clock.clearTimeout(track.flushTimer);
    track.framer.discardPartial();
    this.emitEntries(party, track, []);
    this.tracks.delete(party);
  }

  private emitEntries(sender: Transceiver, track: SenderTrack, frames: FramedFrame[]): void {
    // Adjacent discarded runs become one undecodable entry.
    const junk: { offset: number; bytes: Buffer }[] = [];
    for (const run of track.discards.sort((a, b) => a.offset - b.offset)) {
      const previous = junk[junk.length - 1];
      if (previous && previous.offset + previous.bytes.length === run.offset) {
        previous.bytes = Buffer.concat([previous.bytes, run.bytes]);
      } else junk.push({ ...run });
    }
    track.discards.length = 0;
    const items: { offset: number; bytes: Buffer; frame?: FramedFrame }[] = [
      ...junk,
      ...frames.map((frame) => ({ offset: frame.offset, bytes: frame.raw, frame })),
    ].sort((a, b) => a.offset - b.offset);
    for (const item of items) {
      const entry: BusLogEntry = {
        timeMs: this.timeAt(track, item.offset),
        sender: sender.name,
        bytes: item.bytes,
        collided: this.collidedAt(track, item.offset, item.bytes.length),
      };
      if (item.frame) {
        const { destination, source, command, payload } = item.frame;
        entry.frame = { destination, source, command, payload };
      }
      this.log.add(entry);
      this.emit("frame", entry);
    }
  }

  private timeAt(track: SenderTrack, offset: number): number {
    for (let i = track.bursts.length - 1; i >= 0; i--) {
      const burst = track.bursts[i]!;
      if (offset >= burst.offset) return burst.startMs + (offset - burst.offset) * this.byteTimeMs;
    }
    return track.bursts[0]?.startMs ?? this.clock.now();
  }

  private collidedAt(track: SenderTrack, offset: number, length: number): boolean {
    return track.bursts.some(
      (burst) => burst.collided && burst.offset < offset + length && offset < burst.offset + burst.length,
    );
  }
}
