/** Frame layout, encoding and validation (PROTOCOL.md §2–§3). */
import {
  FRAME_BEGIN,
  FRAME_END,
  LENGTH_FIELD_OFFSET,
  MAX_FRAME_LENGTH,
  MIN_FRAME_LENGTH,
  PAYLOAD_OFFSET,
} from "./constants.js";
import { crc16Xmodem } from "./crc.js";
import { err, ok, type Result } from "./result.js";

export interface Frame {
  /** DST, u16; 0xFFFF is broadcast. */
  destination: number;
  /** SRC, u16. */
  source: number;
  command: number;
  payload: Buffer;
}

export type FrameErrorReason =
  | "too-short"
  | "too-long"
  | "bad-begin"
  | "bad-end"
  | "bad-length"
  | "length-mismatch"
  | "crc-mismatch"
  | "bad-address"
  | "bad-command";

/** What was wrong with a frame, with enough context to log it. */
export class FrameError extends Error {
  override readonly name = "FrameError";
  constructor(
    readonly reason: FrameErrorReason,
    message: string,
    readonly bytes?: Uint8Array,
  ) {
    super(message);
  }
}

function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, "0").toUpperCase()}`;
}

/** Encodes a frame; addresses, command and payload size are checked, never truncated. */
export function encodeFrame(frame: Frame): Result<Buffer, FrameError> {
  const { destination, source, command, payload } = frame;
  for (const [label, address] of [
    ["destination", destination],
    ["source", source],
  ] as const) {
    if (!Number.isInteger(address) || address < 0 || address > 0xffff) {
      return err(new FrameError("bad-address", `${label} address ${address} is not a u16`));
    }
  }
  if (!Number.isInteger(command) || command < 0 || command > 0xff) {
    return err(new FrameError("bad-command", `command ${command} is not a u8`));
  }
  const total = payload.length + MIN_FRAME_LENGTH;
  if (total > MAX_FRAME_LENGTH) {
    return err(
      new FrameError(
        "too-long",
        `payload of ${payload.length} bytes gives a ${total}-byte frame (max ${MAX_FRAME_LENGTH})`,
      ),
    );
  }
  const bytes = Buffer.allocUnsafe(total);
  bytes[0] = FRAME_BEGIN;
  bytes.writeUInt16LE(total - LENGTH_FIELD_OFFSET, 1);
  bytes.writeUInt16LE(destination, 3);
  bytes.writeUInt16LE(source, 5);
  bytes[7] = command;
  payload.copy(bytes, PAYLOAD_OFFSET);
  const crc = crc16Xmodem(bytes, 1, total - 3);
  bytes.writeUInt16BE(crc, total - 3);
  bytes[total - 1] = FRAME_END;
  return ok(bytes);
}

/** Like {@link encodeFrame} for frames the caller built from known-good values; throws on a bug. */
export function encodeFrameOrThrow(frame: Frame): Buffer {
  const result = encodeFrame(frame);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Decodes exactly one frame occupying all of `bytes`. The payload is a view into `bytes`.
 */
export function decodeFrame(bytes: Uint8Array): Result<Frame, FrameError> {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < MIN_FRAME_LENGTH) {
    return err(
      new FrameError(
        "too-short",
        `${buf.length} bytes is shorter than the ${MIN_FRAME_LENGTH}-byte minimum`,
        buf,
      ),
    );
  }
  if (buf.length > MAX_FRAME_LENGTH) {
    return err(
      new FrameError(
        "too-long",
        `${buf.length} bytes is longer than the ${MAX_FRAME_LENGTH}-byte maximum`,
        buf,
      ),
    );
  }
  if (buf[0] !== FRAME_BEGIN) {
    return err(
      new FrameError("bad-begin", `begin marker is ${hex(buf[0]!, 2)}, expected ${hex(FRAME_BEGIN, 2)}`, buf),
    );
  }
  const length = buf.readUInt16LE(1);
  if (length + LENGTH_FIELD_OFFSET !== buf.length) {
    return err(
      new FrameError(
        "length-mismatch",
        `LEN field ${length} implies ${length + LENGTH_FIELD_OFFSET} bytes, frame has ${buf.length}`,
        buf,
      ),
    );
  }
  const last = buf[buf.length - 1]!;
  if (last !== FRAME_END) {
    return err(
      new FrameError("bad-end", `end marker is ${hex(last, 2)}, expected ${hex(FRAME_END, 2)}`, buf),
    );
  }
  const expected = crc16Xmodem(buf, 1, buf.length - 3);
  const received = buf.readUInt16BE(buf.length - 3);
  if (expected !== received) {
    return err(
      new FrameError("crc-mismatch", `CRC is ${hex(received, 4)}, computed ${hex(expected, 4)}`, buf),
    );
  }
  return ok({
    destination: buf.readUInt16LE(3),
    source: buf.readUInt16LE(5),
    command: buf[7]!,
    payload: buf.subarray(PAYLOAD_OFFSET, buf.length - 3),
  });
}

/** Total length a frame starting at `offset` claims, or undefined when LEN is impossible. */
export function claimedFrameLength(buf: Uint8Array, offset: number): number | undefined {
  const length = buf[offset + 1]! | (buf[offset + 2]! << 8);
  const total = length + LENGTH_FIELD_OFFSET;
  return total < MIN_FRAME_LENGTH || total > MAX_FRAME_LENGTH ? undefined : total;
}
