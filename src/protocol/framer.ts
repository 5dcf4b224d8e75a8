/**
 * Streaming framer (PROTOCOL.md §4): feed it chunks of any size, get whole CRC-valid frames out.
 *
 * - A failed candidate (impossible LEN, wrong END, bad CRC) advances one byte, so a real frame
 *   behind garbage is always found.
 * - It does not stall behind a false 0x68 whose LEN points far ahead: while the candidate at the
 *   head is incomplete, a complete valid frame later in the buffer is emitted (look-ahead).
 * - The buffer is bounded: after each push it holds less than one maximum-size frame.
 * - Every dropped byte is counted and reported with its reason.
 *
 * Pure: no timers and no I/O. A link that sees the line go idle may call {@link Framer.discardPartial}.
 */
import { FRAME_BEGIN, FRAME_END, MAX_FRAME_LENGTH, MIN_FRAME_LENGTH, PAYLOAD_OFFSET } from "./constants.js";
import { crc16Xmodem } from "./crc.js";
import type { Frame } from "./frame.js";

/** Room for a pending candidate (< 1 maximum frame) plus a typical chunk. */
const BUFFER_CAPACITY = 2 * MAX_FRAME_LENGTH;

export interface FramedFrame extends Frame {
  /** The frame's bytes as received (a private copy). */
  raw: Buffer;
  /** Position of the frame's first byte in the stream fed to this framer. */
  offset: number;
}

export type DiscardReason =
  | "no-begin-marker"
  | "bad-length"
  | "bad-end-marker"
  | "crc-mismatch"
  | "skipped-to-later-frame"
  | "partial-on-idle";

export interface FramerStats {
  frames: number;
  discardedBytes: number;
  crcErrors: number;
  badEndMarkers: number;
  badLengths: number;
  /** Times an incomplete candidate was abandoned for a complete frame found behind it. */
  lookaheadResyncs: number;
}

export interface FramerOptions {
  /** Largest frame accepted (default and upper bound: 1024 bytes). */
  maxFrameLength?: number;
  /** Called for every run of dropped bytes, with its stream offset. The buffer is a copy. */
  onDiscard?: (bytes: Buffer, reason: DiscardReason, offset: number) => void;
}

export class Framer {
  private buffer = Buffer.alloc(BUFFER_CAPACITY);
  private buffered = 0;
  /** Stream offset of the first buffered byte. */
  private base = 0;
  private readonly maxFrameLength: number;
  private readonly onDiscard: FramerOptions["onDiscard"];
  readonly stats: FramerStats = {
    frames: 0,
    discardedBytes: 0,
    crcErrors: 0,
    badEndMarkers: 0,
    badLengths: 0,
    lookaheadResyncs: 0,
  };

  constructor(options: FramerOptions = {}) {
    const max = options.maxFrameLength ?? MAX_FRAME_LENGTH;
    if (!Number.isInteger(max) || max < MIN_FRAME_LENGTH || max > MAX_FRAME_LENGTH) {
      throw new RangeError(
        `maxFrameLength must be an integer in ${MIN_FRAME_LENGTH}..${MAX_FRAME_LENGTH}, got ${max}`,
      );
    }
    this.maxFrameLength = max;
    this.onDiscard = options.onDiscard;
  }

  /** Bytes held back, waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds received bytes; returns the frames they completed, in wire order. */
  push(chunk: Uint8Array): FramedFrame[] {
    if (chunk.length === 0) return [];
    const wasEmpty = this.buffered === 0;
    let data: Buffer;
    let end: number;
    if (wasEmpty) {
      // Nothing pending: scan the caller's chunk in place, copy only what is left over.
      data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      end = data.length;
    } else {
      this.ensureCapacity(this.buffered + chunk.length);
      this.buffer.set(chunk, this.buffered);
      this.buffered += chunk.length;
      data = this.buffer;
      end = this.buffered;
    }
    const frames: FramedFrame[] = [];
    const consumed = this.scan(data, end, frames);
    const rest = end - consumed;
    if (this.buffer.length > BUFFER_CAPACITY) {
      // A large chunk arrived while a frame was pending: keep the tail, give the memory back.
      const small = Buffer.alloc(BUFFER_CAPACITY);
      data.copy(small, 0, consumed, end);
      this.buffer = small;
    } else if (consumed > 0 || wasEmpty) {
      // Move the unfinished tail to the start of the buffer (it is already there otherwise).
      data.copy(this.buffer, 0, consumed, end);
    }
    this.buffered = rest;
    this.base += consumed;
    return frames;
  }

  /**
   * Drops whatever is buffered: an incomplete candidate that will not be completed because the
   * line went idle. Returns the number of bytes dropped.
   */
  discardPartial(): number {
    const count = this.buffered;
    if (count > 0) this.discard(this.buffer, 0, count, "partial-on-idle");
    this.buffered = 0;
    this.base += count;
    return count;
  }

  /** Forgets buffered bytes without counting them (after a link reconnect). */
  reset(): void {
    this.base += this.buffered;
    this.buffered = 0;
  }

  private ensureCapacity(size: number): void {
    if (size <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(size, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.buffered);
    this.buffer = grown;
  }

  /** Emits frames from `data[0, end)` into `out`; returns how many leading bytes are finished with. */
  private scan(data: Buffer, end: number, out: FramedFrame[]): number {
    let pos = 0;
    while (pos < end) {
      if (data[pos] !== FRAME_BEGIN) {
        const next = data.indexOf(FRAME_BEGIN, pos);
        const stop = next === -1 || next > end ? end : next;
        this.discard(data, pos, stop, "no-begin-marker");
        pos = stop;
        continue;
      }
      if (end - pos < 3) break; // cannot read LEN yet
      const total = this.claimedLength(data, pos);
      if (total === undefined) {
        this.stats.badLengths++;
        this.discard(data, pos, pos + 1, "bad-length");
        pos++;
        continue;
      }
      if (end - pos < total) {
        const later = this.findCompleteFrame(data, pos + 1, end);
        if (later === -1) break; // wait for more bytes
        this.stats.lookaheadResyncs++;
        this.discard(data, pos, later, "skipped-to-later-frame");
        pos = later;
        continue;
      }
      if (data[pos + total - 1] !== FRAME_END) {
        this.stats.badEndMarkers++;
        this.discard(data, pos, pos + 1, "bad-end-marker");
        pos++;
        continue;
      }
      if (!this.crcMatches(data, pos, total)) {
        this.stats.crcErrors++;
        this.discard(data, pos, pos + 1, "crc-mismatch");
        pos++;
        continue;
      }
      out.push(this.emit(data, pos, total));
      pos += total;
    }
    return pos;
  }

  private claimedLength(data: Buffer, pos: number): number | undefined {
    const total = (data[pos + 1]! | (data[pos + 2]! << 8)) + 6;
    return total < MIN_FRAME_LENGTH || total > this.maxFrameLength ? undefined : total;
  }

  private crcMatches(data: Buffer, pos: number, total: number): boolean {
    const crc = crc16Xmodem(data, pos + 1, pos + total - 3);
    return data[pos + total - 3] === crc >> 8 && data[pos + total - 2] === (crc & 0xff);
  }

  /** Position of the first later BEGIN that starts a complete, valid frame; -1 if none. */
  private findCompleteFrame(data: Buffer, from: number, end: number): number {
    let pos = data.indexOf(FRAME_BEGIN, from);
    while (pos !== -1 && end - pos >= MIN_FRAME_LENGTH) {
      const total = this.claimedLength(data, pos);
      if (
        total !== undefined &&
        end - pos >= total &&
        data[pos + total - 1] === FRAME_END &&
        this.crcMatches(data, pos, total)
      ) {
        return pos;
      }
      pos = data.indexOf(FRAME_BEGIN, pos + 1);
    }
    return -1;
  }

  private emit(data: Buffer, pos: number, total: number): FramedFrame {
    const raw = Buffer.allocUnsafe(total); // fully overwritten below
    data.copy(raw, 0, pos, pos + total);
    this.stats.frames++;
    return {
      destination: raw[3]! | (raw[4]! << 8),
      source: raw[5]! | (raw[6]! << 8),
      command: raw[7]!,
      payload: raw.subarray(PAYLOAD_OFFSET, total - 3),
      raw,
      offset: this.base + pos,
    };
  }

  private discard(data: Buffer, from: number, to: number, reason: DiscardReason): void {
    if (to <= from) return;
    this.stats.discardedBytes += to - from;
    this.onDiscard?.(Buffer.from(data.subarray(from, to)), reason, this.base + from);
  }
}
