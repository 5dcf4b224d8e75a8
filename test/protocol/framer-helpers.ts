/** Helpers shared by the framer tests: building streams of frames and feeding them in pieces. */
import { encodeFrameOrThrow, type Frame } from "../../src/protocol/frame.js";
import {
  type DiscardReason,
  type FramedFrame,
  Framer,
  type FramerOptions,
} from "../../src/protocol/framer.js";

export interface DiscardEvent {
  offset: number;
  length: number;
  reason: DiscardReason;
  bytes: Buffer;
}

/** A framer that records every discard. */
export function recordingFramer(options: Omit<FramerOptions, "onDiscard"> = {}) {
  const discards: DiscardEvent[] = [];
  const framer = new Framer({
    ...options,
    onDiscard: (bytes, reason, offset) => discards.push({ offset, length: bytes.length, reason, bytes }),
  });
  return { framer, discards };
}

/** Pushes `chunks` in order and returns every frame emitted, checking the buffer bound after each. */
export function feed(framer: Framer, chunks: readonly Uint8Array[]): FramedFrame[] {
  const out: FramedFrame[] = [];
  for (const chunk of chunks) {
    out.push(...framer.push(chunk));
    if (framer.pendingBytes >= 1024) throw new Error(`framer holds ${framer.pendingBytes} bytes`);
  }
  return out;
}

/** Splits `bytes` at the given cut positions. */
export function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(bytes.length, c))))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    if (point > start) chunks.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  if (start < bytes.length) chunks.push(bytes.subarray(start));
  return chunks;
}

export function bytewise(bytes: Buffer): Buffer[] {
  return Array.from(bytes, (byte) => Buffer.from([byte]));
}

export function frameBytes(frame: Partial<Frame> & { payload?: Buffer }): Buffer {
  return encodeFrameOrThrow({
    destination: frame.destination ?? 1,
    source: frame.source ?? 100,
    command: frame.command ?? 0x40,
    payload: frame.payload ?? Buffer.alloc(0),
  });
}

/** The comparable view of an emitted frame. */
export function summary(frame: FramedFrame) {
  return { offset: frame.offset, raw: frame.raw.toString("hex") };
}
