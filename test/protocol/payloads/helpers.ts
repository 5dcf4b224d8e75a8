/** Small helpers for the payload tests. */
import { expect } from "vitest";
import { decodeFrame, type Frame } from "../../../src/protocol/frame.js";
import type { Result } from "../../../src/protocol/result.js";
import { hex } from "../vectors.js";

/** The decoded frame of a hex vector (the frame layer is proven in frame.test.ts). */
export function frameOf(text: string): Frame {
  const result = decodeFrame(hex(text));
  if (!result.ok) throw result.error;
  return result.value;
}

export function payloadOf(text: string): Buffer {
  return Buffer.from(frameOf(text).payload);
}

export function unwrap<T>(result: Result<T, Error>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** The error of a failed result, checked to be a typed error with a message matching `message`. */
export function failure<T>(
  result: Result<T, Error>,
  type: abstract new (...args: never[]) => Error,
  message: RegExp,
): Error {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(result.error).toBeInstanceOf(type);
  expect(result.error.message).toMatch(message);
  return result.error;
}
