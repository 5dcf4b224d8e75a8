/**
 * MODIFY_PARAM (0x29): `user\0 code\0 [count u8 = 1][index u16 LE][value]`, answered by
 * 0xA9 `[result u8]` (PROTOCOL.md §5.5).
 */
import type { Result } from "../result.js";
import { decodeWith, PayloadError, PayloadReader, PayloadWriter } from "./reader.js";

export interface ModifyRequest {
  user: string;
  code: string;
  /** Parameters in this request; only 1 has ever been seen. */
  count: number;
  index: number;
  /** The value as encoded for the parameter's type (the type is not on the wire). */
  valueBytes: Buffer;
}

export function encodeModifyRequest(request: Omit<ModifyRequest, "count"> & { count?: number }): Buffer {
  return new PayloadWriter()
    .cstring(request.user)
    .cstring(request.code)
    .u8(request.count ?? 1)
    .u16(request.index)
    .bytes(request.valueBytes)
    .build();
}

export function decodeModifyRequest(payload: Buffer): Result<ModifyRequest, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "MODIFY_PARAM request");
    const user = reader.cstring("auth user");
    const code = reader.cstring("auth code");
    const count = reader.u8("count");
    const index = reader.u16("index");
    const valueBytes = reader.rest();
    if (valueBytes.length === 0)
      throw new PayloadError(`MODIFY_PARAM request: index ${index} has no value bytes`, payload);
    return { user, code, count, index, valueBytes };
  });
}

export interface ModifyResult {
  /** Result byte: 0xE5 from the controller, 0x00 from the thermostat emulator; any answer = acknowledged. */
  result: number;
}

export function encodeModifyResponse(result: number): Buffer {
  return new PayloadWriter().u8(result).build();
}

export function decodeModifyResponse(payload: Buffer): Result<ModifyResult, PayloadError> {
  return decodeWith(() => {
    const reader = new PayloadReader(payload, "MODIFY_PARAM response");
    const result = reader.u8("result");
    reader.end();
    return { result };
  });
}
