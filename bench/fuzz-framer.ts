/**
 * Framer fuzz: feeds the streaming framer ≥ 1,000,000 hostile inputs — random bytes, real frames
 * with random edits (flips, insertions, losses, cuts, doubled runs, a tampered LEN), and real
 * frames embedded in noise — each split into random chunks, and counts what must never happen:
 * an exception (a crash), a frame out whose CRC does not match (a bad-CRC frame accepted), and a
 * real frame in noise that was not found while no other frame took its bytes (a frame lost).
 * Prints the counts (all must be 0; the exit code says so) and inputs per second.
 *
 * Run: npx tsx bench/fuzz-framer.ts [--inputs 1000000] [--seed 1]
 * Real frames come from ../shared/fixtures/serial_capture.bin when it is there (every frame the
 * framer finds in it), else from the project's own copy of captured frames (test/protocol/vectors.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  crc16Xmodem,
  decodeFrame,
  type FramedFrame,
  Framer,
  MAX_FRAME_LENGTH,
} from "../src/protocol/index.js";
import { Random } from "../src/sim/random.js";
import { CAPTURED, GATEWAY, hex } from "../test/protocol/vectors.js";

const { values: args } = parseArgs({
  options: { inputs: { type: "string", default: "1000000" }, seed: { type: "string", default: "1" } },
});
const INPUTS = Number(args.inputs);
const SEED = Number(args.seed);
if (!Number.isInteger(INPUTS) || INPUTS < 1)
  throw new Error(`--inputs must be a positive integer, got ${args.inputs}`);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const capturePath = join(repoRoot, "..", "shared", "fixtures", "serial_capture.bin");

function realFrames(): { frames: Buffer[]; source: string } {
  if (existsSync(capturePath)) {
    const frames = new Framer().push(readFileSync(capturePath)).map((frame) => frame.raw);
    if (frames.length > 0) return { frames, source: `${frames.length} frames of ${capturePath}` };
  }
  const frames = [...Object.values(CAPTURED), ...Object.values(GATEWAY)].map(hex);
  return {
    frames,
    source: `${frames.length} captured frames of test/protocol/vectors.ts (../shared not found)`,
  };
}

const { frames: REAL, source } = realFrames();
const random = new Random(SEED);

/** Bytes that are hard on a framer: begin and end markers, zeros, small LEN values. */
const TRICKY = [0x68, 0x16, 0x00, 0x05, 0x06, 0xff];

function noise(maxLength: number): Buffer {
  const length = random.int(0, maxLength);
  const bytes = Buffer.allocUnsafe(length);
  const tricky = random.chance(0.5);
  for (let i = 0; i < length; i++) {
    bytes[i] = tricky && random.chance(0.5) ? TRICKY[random.int(0, TRICKY.length - 1)]! : random.int(0, 255);
  }
  return bytes;
}

const pick = () => REAL[random.int(0, REAL.length - 1)]!;

/** A real frame after 1–4 edits a noisy line could make; it may or may not still be valid. */
function mutated(): Buffer {
  let bytes = Buffer.from(pick());
  const edits = random.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = random.int(0, Math.max(0, bytes.length - 1));
    switch (random.int(0, 5)) {
      case 0:
        bytes[at] = bytes[at]! ^ random.int(1, 255);
        break;
      case 1:
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([random.int(0, 255)]), bytes.subarray(at)]);
        break;
      case 2:
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        break;
      case 3:
        bytes = bytes.subarray(0, at);
        break;
      case 4:
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(at, at + random.int(1, 8)),
          bytes.subarray(at),
        ]);
        break;
      default:
        // A LEN that points elsewhere (up to past the largest frame).
        if (bytes.length >= 3) bytes.writeUInt16LE(random.int(0, MAX_FRAME_LENGTH + 64), 1);
    }
  }
  return bytes;
}

interface Input {
  bytes: Buffer;
  /** Real frames placed intact: [offset, length] within `bytes`. */
  placed: [number, number][];
}

function nextInput(kind: number): Input {
  if (kind === 0) return { bytes: noise(400), placed: [] };
  if (kind === 1) {
    const parts = Array.from({ length: random.int(1, 4) }, () => (random.chance(0.8) ? mutated() : pick()));
    return { bytes: Buffer.concat(parts), placed: [] };
  }
  const parts: Buffer[] = [];
  const placed: [number, number][] = [];
  let offset = 0;
  for (let n = random.int(1, 4); n > 0; n--) {
    const before = random.chance(0.3) ? mutated() : noise(80);
    const frame = pick();
    parts.push(before, frame);
    placed.push([offset + before.length, frame.length]);
    offset += before.length + frame.length;
  }
  parts.push(noise(80));
  return { bytes: Buffer.concat(parts), placed };
}

/** Random chunking: one piece, single bytes, or random cuts. */
function chunks(bytes: Buffer): Buffer[] {
  const style = random.int(0, 3);
  if (style === 0 || bytes.length < 2) return [bytes];
  if (style === 1 && bytes.length <= 200) return Array.from(bytes, (byte) => Buffer.from([byte]));
  const out: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = random.int(1, style === 2 ? 16 : 300);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

let crashes = 0;
let badCrcAccepted = 0;
let realFramesPlaced = 0;
let realFramesLost = 0;
let framesOut = 0;
let bytesIn = 0;
let firstProblem: string | undefined;
const framer = new Framer();
/** Stream offset of the first byte of the current input (the framer's offsets run across inputs). */
let inputStart = 0;

const started = process.hrtime.bigint();
const cpuStarted = process.cpuUsage();
for (let i = 0; i < INPUTS; i++) {
  const input = nextInput(i % 3);
  bytesIn += input.bytes.length;
  const out: FramedFrame[] = [];
  try {
    for (const chunk of chunks(input.bytes)) for (const frame of framer.push(chunk)) out.push(frame);
    framer.discardPartial();
  } catch (error) {
    crashes++;
    firstProblem ??= `input ${i} (${input.bytes.toString("hex").slice(0, 120)}): ${(error as Error).stack}`;
    framer.reset();
  }
  for (const frame of out) {
    framesOut++;
    const at = frame.offset - inputStart;
    const original = input.bytes.subarray(at, at + frame.raw.length);
    const crc = crc16Xmodem(frame.raw, 1, frame.raw.length - 3);
    if (
      !decodeFrame(frame.raw).ok ||
      frame.raw.readUInt16BE(frame.raw.length - 3) !== crc ||
      !original.equals(frame.raw)
    ) {
      badCrcAccepted++;
      firstProblem ??= `input ${i}: frame ${frame.raw.toString("hex")} at ${at} is not a valid frame of the input`;
    }
  }
  for (const [offset, length] of input.placed) {
    realFramesPlaced++;
    const found = out.some((f) => f.offset - inputStart === offset && f.raw.length === length);
    const overlapped = out.some(
      (f) => f.offset - inputStart < offset + length && offset < f.offset - inputStart + f.raw.length,
    );
    if (!found && !overlapped) {
      realFramesLost++;
      firstProblem ??= `input ${i}: the real frame at ${offset} (${length} bytes) was not found`;
    }
  }
  inputStart += input.bytes.length;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStarted);

console.log(`framer fuzz — seed ${SEED}; real frames: ${source}`);
console.log(
  `${INPUTS.toLocaleString("en")} inputs (⅓ random bytes, ⅓ mutated real frames, ⅓ real frames in noise), ` +
    `random chunking, ${(bytesIn / 1e6).toFixed(1)} MB, ${framesOut.toLocaleString("en")} frames out`,
);
console.log(`crashes: ${crashes}`);
console.log(`bad-CRC frames accepted: ${badCrcAccepted}`);
console.log(`real frames in noise lost: ${realFramesLost} of ${realFramesPlaced.toLocaleString("en")}`);
console.log(
  `${Math.round(INPUTS / seconds).toLocaleString("en")} inputs/s (${seconds.toFixed(1)} s wall, ` +
    `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU)`,
);
if (firstProblem) console.log(`first problem: ${firstProblem}`);
process.exitCode = crashes + badCrcAccepted + realFramesLost === 0 ? 0 : 1;
