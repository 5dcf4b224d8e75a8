/**
 * GET_PARAMS responses (0xC0): `[count u8][first u16 LE]` then `[flag u8][value]` per parameter
 * (PROTOCOL.md §5.4, §8.5). Values can only be delimited with each index's type, so decoding
 * takes a type lookup and is strict: the payload must be consumed exactly.
 */
import type { Result } from "../result.js";
import {
  encodeValue,
  type ParameterValue,
  readValue,
  readValueInto,
  typeName,
  type ValueSlot,
} from "../types.js";
import { PayloadError, PayloadReader, PayloadWriter } from "./reader.js";

export interface ParameterReading {
  index: number;
  /** The per-value flag byte (meaning partly unknown; see PROTOCOL.md §8.5). */
  flag: number;
  value: ParameterValue;
}

export interface ValueBatch {
  firstIndex: number;
  values: ParameterReading[];
}

/** Type code of a wire index, or undefined when the index is not known. */
export type TypeLookup = (index: number) => number | undefined;

export function decodeGetParamsResponse(
  payload: Buffer,
  typeOf: TypeLookup,
): Result<ValueBatch, PayloadError> {
  // No closure around the loop (unlike decodeWith): this is the hot path of polling and sniffing.
  try {
    return { ok: true, value: readValueBatch(payload, typeOf) };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, error };
    throw error;
  }
}

/** The strict parse; throws PayloadError. Error messages are built only on failure. */
function readValueBatch(payload: Buffer, typeOf: TypeLookup): ValueBatch {
  const reader = new PayloadReader(payload, "GET_PARAMS response");
  const count = reader.u8("count");
  const firstIndex = reader.u16("first index");
  const values: ParameterReading[] = new Array(count);
  const slot: ValueSlot = { value: 0 };
  const length = payload.length;
  let offset = reader.offset;
  for (let i = 0; i < count; i++) {
    const index = firstIndex + i;
    const type = typeOf(index);
    if (type === undefined) {
      throw new PayloadError(
        `GET_PARAMS response: index ${index} has no known type; cannot find value boundaries`,
        payload,
      );
    }
    if (offset >= length) {
      reader.offset = offset;
      reader.u8(`flag of index ${index}`); // throws, naming the field and offset
    }
    const flag = payload[offset]!;
    const next = readValueInto(type, payload, offset + 1, slot);
    if (next < 0) throw valueError(payload, index, type, offset + 1);
    values[i] = { index, flag, value: slot.value };
    offset = next;
  }
  reader.offset = offset;
  reader.end();
  return { firstIndex, values };
}

function valueError(payload: Buffer, index: number, type: number, offset: number): PayloadError {
  const read = readValue(type, payload, offset);
  const reason = read.ok ? "unreadable" : read.error.message;
  return new PayloadError(
    `GET_PARAMS response: value of index ${index} (${typeName(type)}): ${reason}`,
    payload,
  );
}

export interface ValueToEncode {
  flag: number;
  type: number;
  value: unknown;
}

/** Encodes a 0xC0 payload. Throws on values that do not fit their type (a simulator bug). */
export function encodeGetParamsResponse(firstIndex: number, values: readonly ValueToEncode[]): Buffer {
  if (values.length > 0xff) throw new RangeError(`${values.length} values do not fit a u8 count`);
  const writer = new PayloadWriter().u8(values.length).u16(firstIndex);
  values.forEach((entry, i) => {
    const encoded = encodeValue(entry.type, entry.value);
    if (!encoded.ok) throw new RangeError(`value of index ${firstIndex + i}: ${encoded.error.message}`);
    writer.u8(entry.flag).bytes(encoded.value);
  });
  return writer.build();
}
