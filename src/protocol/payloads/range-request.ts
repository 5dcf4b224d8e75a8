/**
 * `[count u8][first_index u16 LE]`: the request of GET_PARAMS and both GET_PARAMS_STRUCT
 * commands, and the header of their responses (PROTOCOL.md §5.2–§5.4).
 */
import type { Result } from "../result.js";
import { decodeWith, type PayloadError, PayloadReader, PayloadWriter } from "./reader.js";

export interface IndexRange {
  /** Number of parameters asked for (or returned), 0..255. */
  count: number;
  firstIndex: number;
}

export function encodeRangeRequest(range: IndexRange): Buffer {
  return new PayloadWriter().u8(range.count).u16(range.firstIndex).build();
}

export function decodeRangeRequest(
  payload: Buffer,
  what = "range request",
): Result<IndexRange, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, what);
    const count = reader.u8("count");
    const firstIndex = reader.u16("first index");
    reader.end();
    return { count, firstIndex };
  });
}
