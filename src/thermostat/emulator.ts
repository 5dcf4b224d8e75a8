/**
 * The virtual ecoSTER_40 (PROTOCOL.md §17.2–§17.4): a pure state machine that takes a request
 * frame addressed to the thermostat and returns its reply frame (or nothing), so the bus layer can
 * send it ahead of anything else it has pending. No I/O, no timers; time comes from the clock.
 *
 * - IDENTIFY → 0x89 with the 67-byte identity;
 * - 0x02 → 0x82 descriptors, as many entries as fit a 240-byte payload (14/16/5), NO_DATA past 34;
 * - 0x40 → 0xC0 `[flag][value]` per parameter, NO_DATA past 34;
 * - 0x29 → the raw value bytes are stored (when the index is known and the bytes have the type's
 *   size) and echoed by later reads; the answer is 0xA9 0x00;
 * - anything else (including 0x01) → no reply.
 */
import {
  Command,
  decodeModifyRequest,
  decodeRangeRequest,
  descriptorEntrySize,
  ECOSTER_PARAMETERS,
  type EcosterParameter,
  encodeIdentity,
  encodeModifyResponse,
  encodeStructResponse,
  encodeValue,
  type Frame,
  MODIFY_RESULT_OK,
  makeDescriptor,
  type ParameterDescriptor,
  THERMOSTAT_IDENTITY,
  TYPE_BYTE_WRITABLE,
  TYPE_INFO,
  type TypeCode,
} from "../protocol/index.js";
import type { Clock } from "../util/clock.js";

/** The identity answered to IDENTIFY and to the pairing beacon (67 bytes). */
export const VIRTUAL_THERMOSTAT_IDENTITY: Buffer = encodeIdentity(THERMOSTAT_IDENTITY);

/** §17.4: all 35 descriptors in one answer broke the panel's polling. */
export const DESCRIPTOR_PAYLOAD_LIMIT = 240;

/** Parameters whose value the emulator computes instead of storing. */
export const EmulatorIndex = { ROOM_TEMPERATURE: 0, PRESET_NOW: 3, RUN_SECONDS: 30 } as const;

const COMPUTED = new Set<number>(Object.values(EmulatorIndex));

export interface EmulatorOptions {
  clock: Clock;
  /** The effective room temperature (°C) reported in IntrSens and PresetNow. */
  temperature: () => number;
  /** Values written earlier (restored from the state directory), raw bytes per wire index. */
  written?: ReadonlyMap<number, Buffer>;
}

function defaultBytes(parameter: EcosterParameter): Buffer {
  const encoded = encodeValue(parameter.type, parameter.value);
  if (!encoded.ok) throw new RangeError(`ecoSTER ${parameter.index}: ${encoded.error.message}`);
  return encoded.value;
}

function descriptorOf(parameter: EcosterParameter): ParameterDescriptor {
  return makeDescriptor({
    name: parameter.name,
    unit: parameter.unit,
    typeByte: parameter.type | (parameter.writable ? TYPE_BYTE_WRITABLE : 0),
    min: { kind: "literal", value: parameter.min },
    max: { kind: "literal", value: parameter.max },
    // §17.3: descriptors carry extra byte 0x00 and literal limits.
    extra: 0,
  });
}

const DESCRIPTORS: readonly ParameterDescriptor[] = ECOSTER_PARAMETERS.map(descriptorOf);

/** Whether `bytes` have the wire size of `type` (strings: one NUL, at the end). */
export function fitsType(type: number, bytes: Buffer): boolean {
  const size = TYPE_INFO[type as TypeCode]?.size;
  if (size === undefined) return bytes.length > 0 && bytes.indexOf(0) === bytes.length - 1;
  return bytes.length === size;
}

export class ThermostatEmulator {
  private readonly written = new Map<number, Buffer>();
  private readonly startedAt: number;

  constructor(private readonly options: EmulatorOptions) {
    this.startedAt = options.clock.now();
    for (const [index, bytes] of options.written ?? []) {
      const parameter = ECOSTER_PARAMETERS[index];
      if (parameter && !COMPUTED.has(index) && fitsType(parameter.type, bytes))
        this.written.set(index, Buffer.from(bytes));
    }
  }

  /** Values written by the panel, raw bytes per wire index (what to persist). */
  writtenValues(): Map<number, Buffer> {
    return new Map([...this.written].map(([index, bytes]) => [index, Buffer.from(bytes)]));
  }

  /** The bytes a read of `index` returns now (the flag byte excluded). */
  valueBytes(index: number): Buffer | undefined {
    const parameter = ECOSTER_PARAMETERS[index];
    if (!parameter) return undefined;
    switch (index) {
      case EmulatorIndex.ROOM_TEMPERATURE:
      case EmulatorIndex.PRESET_NOW:
        return floatBytes(this.options.temperature());
      case EmulatorIndex.RUN_SECONDS: {
        const seconds = Math.floor(Math.max(0, this.options.clock.now() - this.startedAt) / 1000);
        const out = Buffer.alloc(4);
        out.writeUInt32LE(seconds % 2 ** 32);
        return out;
      }
      default:
        return this.written.get(index) ?? defaultBytes(parameter);
    }
  }

  /** The flag byte before the value of `index` (§17.3: some change once written). */
  flagOf(index: number): number {
    const parameter = ECOSTER_PARAMETERS[index]!;
    return this.written.has(index) && parameter.writtenFlag !== undefined
      ? parameter.writtenFlag
      : parameter.flag;
  }

  /**
   * The reply to `request`, from `ownAddress` to its sender; undefined when the thermostat does
   * not answer (not addressed to it, unknown command, malformed payload).
   */
  reply(request: Frame, ownAddress: number): Frame | undefined {
    if (request.destination !== ownAddress) return undefined;
    const answer = (command: number, payload: Buffer): Frame => ({
      destination: request.source,
      source: ownAddress,
      command,
      payload,
    });
    switch (request.command) {
      case Command.IDENTIFY:
        return answer(Command.IDENTIFY_RESPONSE, Buffer.from(VIRTUAL_THERMOSTAT_IDENTITY));
      case Command.GET_PARAMS_STRUCT_WITH_RANGE: {
        const payload = this.descriptors(request.payload);
        if (payload === null) return undefined;
        return payload ? answer(Command.GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE, payload) : noData(answer);
      }
      case Command.GET_PARAMS: {
        const payload = this.values(request.payload);
        if (payload === null) return undefined;
        return payload ? answer(Command.GET_PARAMS_RESPONSE, payload) : noData(answer);
      }
      case Command.MODIFY_PARAM:
        return this.write(request.payload)
          ? answer(Command.MODIFY_PARAM_RESPONSE, encodeModifyResponse(MODIFY_RESULT_OK))
          : undefined;
      default:
        return undefined;
    }
  }

  /** 0x82 payload; undefined: nothing in range (NO_DATA); null: malformed request (no answer). */
  private descriptors(request: Buffer): Buffer | undefined | null {
    const range = decodeRangeRequest(request);
    if (!range.ok) return null;
    const { count, firstIndex } = range.value;
    const entries: ParameterDescriptor[] = [];
    let size = 3;
    for (let index = firstIndex; index < DESCRIPTORS.length && entries.length < count; index++) {
      const entry = DESCRIPTORS[index]!;
      const entrySize = descriptorEntrySize(entry, true);
      if (size + entrySize > DESCRIPTOR_PAYLOAD_LIMIT) break;
      entries.push(entry);
      size += entrySize;
    }
    if (entries.length === 0) return undefined;
    return encodeStructResponse({ firstIndex, entries }, true);
  }

  /** 0xC0 payload; undefined: nothing in range (NO_DATA); null: malformed request. */
  private values(request: Buffer): Buffer | undefined | null {
    const range = decodeRangeRequest(request);
    if (!range.ok) return null;
    const { count, firstIndex } = range.value;
    const last = Math.min(ECOSTER_PARAMETERS.length, firstIndex + count);
    if (firstIndex >= last) return undefined;
    const parts: Buffer[] = [Buffer.from([last - firstIndex, firstIndex & 0xff, firstIndex >> 8])];
    for (let index = firstIndex; index < last; index++) {
      parts.push(Buffer.from([this.flagOf(index)]), this.valueBytes(index)!);
    }
    return Buffer.concat(parts);
  }

  /** Stores a MODIFY_PARAM value; false when the request cannot be parsed (no answer). */
  private write(request: Buffer): boolean {
    const decoded = decodeModifyRequest(request);
    if (!decoded.ok) return false;
    const { index, valueBytes } = decoded.value;
    const parameter = ECOSTER_PARAMETERS[index];
    // Unknown index or wrong size: acknowledged (as the field emulator does) but not stored, so a
    // later read never carries bytes the panel cannot parse.
    if (parameter && !COMPUTED.has(index) && fitsType(parameter.type, valueBytes)) {
      this.written.set(index, Buffer.from(valueBytes));
    }
    return true;
  }
}

function floatBytes(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeFloatLE(value);
  return out;
}

function noData(answer: (command: number, payload: Buffer) => Frame): Frame {
  return answer(Command.NO_DATA, Buffer.alloc(0));
}
