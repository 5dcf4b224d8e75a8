/** Property tests of the streaming framer (fast-check). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_FRAME_LENGTH } from "../../src/protocol/constants.js";
import { decodeFrame, encodeFrameOrThrow, type Frame } from "../../src/protocol/frame.js";
import type { FramedFrame } from "../../src/protocol/framer.js";
import { feed, recordingFramer, splitAt } from "./framer-helpers.js";
import { CAPTURED, GATEWAY, hex } from "./vectors.js";

/** Real frames: captured on the field bus and sent by the field-tested gateway (PROTOCOL.md §20). */
const REAL_FRAMES: readonly Buffer[] = [...Object.values(CAPTURED), ...Object.values(GATEWAY)].map(hex);
const realFrameArb = fc.constantFrom(...REAL_FRAMES);

/**
 * A real frame after 1–4 random edits of the kinds a noisy line makes: a flipped byte, a byte
 * inserted or lost, a cut, a doubled run. What is left may or may not still be a valid frame.
 */
const mutatedRealArb: fc.Arbitrary<Buffer> = fc
  .tuple(
    realFrameArb,
    fc.array(
      fc.tuple(
        fc.constantFrom("flip", "insert", "delete", "cut", "double"),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([frame, edits]) => {
    let bytes = Buffer.from(frame);
    for (const [kind, at, byte] of edits) {
      const i = at % Math.max(1, bytes.length);
      if (kind === "flip") bytes[i] = bytes[i]! ^ byte;
      else if (kind === "insert")
        bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
      else if (kind === "delete") bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
      else if (kind === "cut") bytes = bytes.subarray(0, i);
      else
        bytes = Buffer.concat([
          bytes.subarray(0, i),
          bytes.subarray(i, i + (byte % 8) + 1),
          bytes.subarray(i),
        ]);
    }
    return bytes;
  });

const frameArb: fc.Arbitrary<Frame> = fc.record({
  destination: fc.integer({ min: 0, max: 0xffff }),
  source: fc.integer({ min: 0, max: 0xffff }),
  command: fc.integer({ min: 0, max: 0xff }),
  payload: fc
    .oneof(
      { weight: 4, arbitrary: fc.uint8Array({ maxLength: 60 }) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 500 }) },
      // Payloads full of begin/end markers and the bytes of other frames.
      {
        weight: 1,
        arbitrary: fc
          .array(fc.constantFrom(0x68, 0x16, 0x05, 0x00), { maxLength: 40 })
          .map((a) => Uint8Array.from(a)),
      },
    )
    .map((a) => Buffer.from(a)),
});

const encodedArb = frameArb.map((frame) => encodeFrameOrThrow(frame));

/**
 * Garbage that is hard on a framer: random bytes, false begin markers with plausible (and
 * implausible) LEN fields, truncated real frames and real frames with one corrupted byte.
 */
const garbageArb: fc.Arbitrary<Buffer> = fc
  .oneof(
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => Buffer.from(a)),
    fc
      .tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 30 }))
      .map(([len, tail]) => Buffer.concat([Buffer.from([0x68, len & 0xff, len >> 8]), tail])),
    fc
      .tuple(fc.integer({ min: 5, max: 60 }), fc.uint8Array({ maxLength: 20 }))
      .map(([len, tail]) => Buffer.concat([Buffer.from([0x68, len, 0]), tail])),
    fc.tuple(encodedArb, fc.nat()).map(([bytes, cut]) => bytes.subarray(0, 1 + (cut % (bytes.length - 1)))),
    fc.tuple(encodedArb, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([bytes, at, mask]) => {
      const copy = Buffer.from(bytes);
      const i = 1 + (at % (copy.length - 2));
      copy[i] = copy[i]! ^ mask;
      return copy;
    }),
  )
  .filter((g) => g.length > 0);

const cutsArb = fc.oneof(
  fc.array(fc.nat({ max: 20_000 }), { maxLength: 40 }),
  fc.constant(Array.from({ length: 4000 }, (_, i) => i)), // one byte at a time
);

function expectValidCrc(frame: FramedFrame, stream: Buffer): void {
  expect(decodeFrame(frame.raw).ok).toBe(true);
  expect(frame.raw.equals(stream.subarray(frame.offset, frame.offset + frame.raw.length))).toBe(true);
}

/** Every frame out is CRC-valid and is exactly the stream's bytes where it says it was. */
function expectOnlyValidFrames(out: readonly FramedFrame[], stream: Buffer): void {
  for (const frame of out) expectValidCrc(frame, stream);
}

describe("Framer properties", () => {
  it("on mutated real frames in any chunks: never throws, accepts no frame with a bad CRC, accounts for every byte", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(mutatedRealArb, realFrameArb), { minLength: 1, maxLength: 10 }),
        cutsArb,
        (pieces, cuts) => {
          const stream = Buffer.concat(pieces);
          const { framer } = recordingFramer();
          const out = feed(framer, splitAt(stream, cuts));
          expectOnlyValidFrames(out, stream);
          framer.discardPartial();
          expect(out.reduce((n, f) => n + f.raw.length, 0) + framer.stats.discardedBytes).toBe(stream.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("finds every real frame embedded in random noise, in any chunks (unless a noise frame overlaps it)", () => {
    const noiseArb = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      fc
        .array(fc.constantFrom(0x68, 0x16, 0x00, 0x05, 0xff), { maxLength: 60 })
        .map((a) => Uint8Array.from(a)),
      mutatedRealArb,
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noiseArb, realFrameArb), { minLength: 1, maxLength: 8 }),
        noiseArb,
        cutsArb,
        (segments, tail, cuts) => {
          const parts: Buffer[] = [];
          const real: { offset: number; length: number }[] = [];
          let offset = 0;
          for (const [noise, frame] of segments) {
            parts.push(Buffer.from(noise), frame);
            real.push({ offset: offset + noise.length, length: frame.length });
            offset += noise.length + frame.length;
          }
          parts.push(Buffer.from(tail));
          const stream = Buffer.concat(parts);
          const { framer } = recordingFramer();
          const out = feed(framer, splitAt(stream, cuts));
          expectOnlyValidFrames(out, stream);
          for (const frame of real) {
            const found = out.some((f) => f.offset === frame.offset && f.raw.length === frame.length);
            const overlapped = out.some(
              (f) => f.offset < frame.offset + frame.length && frame.offset < f.offset + f.raw.length,
            );
            expect(found || overlapped, `the real frame at ${frame.offset} was lost`).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("yields the same frames for any split of a valid stream into chunks", () => {
    fc.assert(
      fc.property(fc.array(encodedArb, { minLength: 1, maxLength: 15 }), cutsArb, (frames, cuts) => {
        const stream = Buffer.concat(frames);
        const { framer, discards } = recordingFramer();
        const out = feed(framer, splitAt(stream, cuts));
        expect(out.map((f) => f.raw.toString("hex"))).toEqual(frames.map((f) => f.toString("hex")));
        let offset = 0;
        for (const [i, frame] of out.entries()) {
          expect(frame.offset).toBe(offset);
          offset += frames[i]!.length;
        }
        expect(discards).toEqual([]);
        expect(framer.pendingBytes).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it("with garbage between valid frames: never throws, emits only CRC-valid frames, recovers every frame not overlapped", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(garbageArb, { nil: undefined }), encodedArb), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.option(garbageArb, { nil: undefined }),
        cutsArb,
        (segments, tail, cuts) => {
          const parts: Buffer[] = [];
          const valid: { offset: number; length: number }[] = [];
          let offset = 0;
          for (const [garbage, frame] of segments) {
            if (garbage) {
              parts.push(garbage);
              offset += garbage.length;
            }
            parts.push(frame);
            valid.push({ offset, length: frame.length });
            offset += frame.length;
          }
          if (tail) parts.push(tail);
          const stream = Buffer.concat(parts);

          const { framer } = recordingFramer();
          const out = feed(framer, splitAt(stream, cuts));

          let end = 0;
          for (const frame of out) {
            expectValidCrc(frame, stream);
            expect(frame.offset).toBeGreaterThanOrEqual(end); // in order, never overlapping
            end = frame.offset + frame.raw.length;
          }
          const emitted = new Set(out.map((f) => `${f.offset}:${f.raw.length}`));
          for (const frame of valid) {
            if (emitted.has(`${frame.offset}:${frame.length}`)) continue;
            // Only an extra (CRC-valid) frame formed partly by garbage may have taken its bytes.
            const overlapped = out.some(
              (f) => f.offset < frame.offset + frame.length && frame.offset < f.offset + f.raw.length,
            );
            expect(overlapped, `valid frame at ${frame.offset} was lost`).toBe(true);
          }
          const emittedBytes = out.reduce((n, f) => n + f.raw.length, 0);
          expect(emittedBytes + framer.stats.discardedBytes + framer.pendingBytes).toBe(stream.length);
          framer.discardPartial();
          expect(emittedBytes + framer.stats.discardedBytes).toBe(stream.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("on arbitrary bytes in arbitrary chunks: never throws, stays bounded, accounts for every byte", () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }),
      fc
        .array(fc.constantFrom(0x68, 0x16, 0x00, 0x03, 0xfa, 0x05), { maxLength: 3000 })
        .map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(bytesArb, fc.array(fc.nat({ max: 3000 }), { maxLength: 30 }), (bytes, cuts) => {
        const stream = Buffer.from(bytes);
        const { framer, discards } = recordingFramer();
        const out = feed(framer, splitAt(stream, cuts));
        expect(framer.pendingBytes).toBeLessThan(MAX_FRAME_LENGTH);
        for (const frame of out) expectValidCrc(frame, stream);
        framer.discardPartial();
        const emittedBytes = out.reduce((n, f) => n + f.raw.length, 0);
        expect(emittedBytes + framer.stats.discardedBytes).toBe(stream.length);
        for (const d of discards)
          expect(d.bytes.equals(stream.subarray(d.offset, d.offset + d.length))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
