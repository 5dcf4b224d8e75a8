/**
 * One address space of simulated parameters (the controller's regulator space, the panel's space,
 * the thermostat's table): current values, per-value flag bytes, descriptor entries, capped
 * responses and write validation. Encoding is `src/protocol/`'s.
 */
import {
  decodeValue,
  encodeGetParamsResponse,
  encodeStructResponse,
  encodeValue,
  isIntegerType,
  isTypeCode,
  limitFlags,
  makeDescriptor,
  type ParameterDescriptor,
  type ParameterValue,
  TYPE_INFO,
  TypeCode,
  typeName,
} from "../protocol/index.js";
import type { SimLimit, SimParameter } from "./profile/format.js";

/** How much one response may carry. The device returns fewer than asked when a cap is hit. */
export interface ResponseCap {
  /** Most entries per response (≤ 255, the count is a u8). */
  maxCount: number;
  /** Most payload bytes per response, header included (at least one entry is always sent). */
  maxPayloadBytes: number;
}

export type WriteRejection = "unknown-index" | "read-only" | "wrong-size" | "ill-typed" | "out-of-range";

export type WriteOutcome =
  | { ok: true; index: number; value: ParameterValue }
  | { ok: false; index: number; reason: WriteRejection; message: string };

/** Resolved limits of a parameter (undefined = no limit). */
export interface ResolvedLimits {
  min: number | undefined;
  max: number | undefined;
}

/** Per-value flag byte by PROTOCOL.md §8.5's rule: limit bits, then 0x01 non-volatile / 0x02 volatile. */
export function flagOf(parameter: SimParameter): number {
  return limitFlags(parameter.min, parameter.max, parameter.nonvolatile ? 0x01 : 0x02);
}

export interface ParameterSpaceOptions {
  /** Flag byte per parameter (default {@link flagOf}). */
  flags?: readonly number[];
  /** Extra byte of 0x82 entries (default: the flag byte, which has the same high nibble). */
  extras?: readonly number[];
}

const HEADER_BYTES = 3;

export class ParameterSpace {
  readonly parameters: readonly SimParameter[];
  private readonly values: ParameterValue[];
  private readonly flags: number[];
  private readonly descriptors: ParameterDescriptor[];
  private readonly descriptorSizes: { withRange: number; noRange: number }[];

  constructor(
    readonly label: string,
    parameters: readonly SimParameter[],
    options: ParameterSpaceOptions = {},
  ) {
    this.parameters = parameters;
    this.values = parameters.map((p) => p.value);
    this.flags = parameters.map((p, i) => options.flags?.[i] ?? flagOf(p));
    this.descriptors = parameters.map((p, i) =>
      makeDescriptor({
        name: p.name,
        unit: p.unit,
        typeByte: p.typeByte,
        min: p.min,
        max: p.max,
        extra: options.extras?.[i] ?? this.flags[i]!,
        exponent: 0,
      }),
    );
    this.descriptorSizes = parameters.map((p) => {
      const strings = Buffer.byteLength(p.name) + 1 + Buffer.byteLength(p.unit) + 1;
      return { withRange: strings + 6, noRange: strings + 2 };
    });
    parameters.forEach((p, i) => {
      const encoded = encodeValue(p.typeCode, p.value);
      if (!encoded.ok) throw new RangeError(`${label} index ${i}: initial value: ${encoded.error.message}`);
    });
  }

  get count(): number {
    return this.parameters.length;
  }

  private check(index: number): SimParameter {
    const parameter = this.parameters[index];
    if (!Number.isInteger(index) || parameter === undefined) {
      throw new RangeError(`${this.label} has no parameter ${index} (indices 0..${this.count - 1})`);
    }
    return parameter;
  }

  getValue(index: number): ParameterValue {
    this.check(index);
    return this.values[index]!;
  }

  /** Sets a value from the simulator side; it must fit the parameter's wire type. */
  setValue(index: number, value: ParameterValue): void {
    const parameter = this.check(index);
    const encoded = encodeValue(parameter.typeCode, value);
    if (!encoded.ok) {
      throw new RangeError(`${this.label} index ${index} (${parameter.name}): ${encoded.error.message}`);
    }
    this.values[index] = value;
  }

  getFlag(index: number): number {
    this.check(index);
    return this.flags[index]!;
  }

  setFlag(index: number, flag: number): void {
    this.check(index);
    this.flags[index] = flag & 0xff;
  }

  descriptor(index: number): ParameterDescriptor {
    this.check(index);
    return this.descriptors[index]!;
  }

  /** Index of the first parameter with this name (names repeat; PROTOCOL.md §8.6). */
  indexOf(name: string): number | undefined {
    const index = this.parameters.findIndex((p) => p.name === name);
    return index === -1 ? undefined : index;
  }

  private valueSize(index: number): number {
    const parameter = this.parameters[index]!;
    const size = TYPE_INFO[parameter.typeCode as TypeCode].size;
    return size ?? Buffer.byteLength(this.values[index] as string) + 1;
  }

  /** How many entries from `first` fit the cap and the request. */
  private fit(first: number, requested: number, cap: ResponseCap, sizeOf: (index: number) => number): number {
    const available = Math.min(requested, this.count - first, cap.maxCount);
    let bytes = HEADER_BYTES;
    let n = 0;
    while (n < available) {
      const size = sizeOf(first + n);
      if (n > 0 && bytes + size > cap.maxPayloadBytes) break;
      bytes += size;
      n++;
    }
    return n;
  }

  /** 0xC0 payload for `count` values from `first`, or undefined when there are none (NO_DATA). */
  valuesResponse(first: number, count: number, cap: ResponseCap): Buffer | undefined {
    if (first >= this.count || count === 0) return undefined;
    const n = this.fit(first, count, cap, (i) => 1 + this.valueSize(i));
    const values = [];
    for (let i = first; i < first + n; i++) {
      values.push({ flag: this.flags[i]!, type: this.parameters[i]!.typeCode, value: this.values[i] });
    }
    return encodeGetParamsResponse(first, values);
  }

  /** 0x82 (withRange) or 0x81 payload, or undefined past the end (NO_DATA). */
  descriptorsResponse(
    first: number,
    count: number,
    withRange: boolean,
    cap: ResponseCap,
  ): Buffer | undefined {
    if (first >= this.count || count === 0) return undefined;
    const n = this.fit(first, count, cap, (i) =>
      withRange ? this.descriptorSizes[i]!.withRange : this.descriptorSizes[i]!.noRange,
    );
    return encodeStructResponse(
      { firstIndex: first, entries: this.descriptors.slice(first, first + n) },
      withRange,
    );
  }

  private resolveLimit(limit: SimLimit): number | undefined {
    if (limit.kind === "literal") return limit.value;
    if (limit.kind === "none") return undefined;
    const referenced = this.values[limit.index];
    return typeof referenced === "number" && Number.isFinite(referenced) ? referenced : undefined;
  }

  /** Limits with references resolved through current values (PROTOCOL.md §8.3). */
  resolveLimits(index: number): ResolvedLimits {
    const parameter = this.check(index);
    const min = this.resolveLimit(parameter.min);
    const max = this.resolveLimit(parameter.max);
    if (min !== undefined && max !== undefined && max < min) return { min: undefined, max: undefined };
    return { min, max };
  }

  /** Checks a MODIFY_PARAM value against the parameter; changes nothing. */
  validateWrite(index: number, valueBytes: Buffer): WriteOutcome {
    const parameter = this.parameters[index];
    const reject = (reason: WriteRejection, message: string): WriteOutcome => ({
      ok: false,
      index,
      reason,
      message: `${this.label} index ${index}: ${message}`,
    });
    if (parameter === undefined) return reject("unknown-index", `no such parameter (0..${this.count - 1})`);
    if (!parameter.writable)
      return reject("read-only", `${parameter.name || "nameless parameter"} is read-only`);
    const type = parameter.typeCode;
    if (!isTypeCode(type)) return reject("ill-typed", `type code ${type} cannot be written`);
    const size = TYPE_INFO[type].size;
    if (size === undefined) {
      const nul = valueBytes.indexOf(0);
      if (nul !== valueBytes.length - 1) {
        return reject("wrong-size", "a string value must end with its only NUL byte");
      }
    } else if (valueBytes.length !== size) {
      return reject("wrong-size", `${typeName(type)} takes ${size} bytes, got ${valueBytes.length}`);
    }
    const decoded = decodeValue(type, valueBytes);
    if (!decoded.ok) return reject("ill-typed", decoded.error.message);
    const value = decoded.value;
    if (type === TypeCode.BOOL && valueBytes[0]! > 1)
      return reject("ill-typed", `bool byte ${valueBytes[0]} is not 0 or 1`);
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return reject("ill-typed", `${value} is not a finite number`);
      const { min, max } = this.resolveLimits(index);
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        return reject("out-of-range", `${value} is outside ${min ?? "−∞"}..${max ?? "∞"}`);
      }
    } else if (typeof value === "bigint" && isIntegerType(type)) {
      const { min, max } = this.resolveLimits(index);
      if ((min !== undefined && value < BigInt(min)) || (max !== undefined && value > BigInt(max))) {
        return reject("out-of-range", `${value} is outside ${min ?? "−∞"}..${max ?? "∞"}`);
      }
    }
    return { ok: true, index, value };
  }

  /** Validates and, when valid, applies a write. */
  applyWrite(index: number, valueBytes: Buffer): WriteOutcome {
    const outcome = this.validateWrite(index, valueBytes);
    if (outcome.ok) this.values[index] = outcome.value;
    return outcome;
  }
}
