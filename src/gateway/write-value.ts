/**
 * Turns a client's value into the value to write, or says why it cannot be written — before
 * anything is queued for the bus (HA-COMPAT.md §6, PROTOCOL.md §2, §6). A safety-first gateway
 * refuses a value it would have to change: no truncation of fractions, no binary32 underflow or
 * overflow, no string cut or re-encoded, and the range is checked on the value that is sent.
 */
import { MODIFY_VALUE_CAPACITY } from "../bus/requests.js";
import { encodeValue, isTypeCode, type ParameterValue, TYPE_INFO, TypeCode } from "../protocol/index.js";
import type { ResolvedLimits } from "../store/limits.js";
import { WriteError } from "./write-errors.js";

export interface PreparedWrite {
  /** The value as it will be stored (bools as booleans). */
  value: ParameterValue;
  /** The value bytes of the MODIFY_PARAM, already known to fit its frame. */
  bytes: Buffer;
}

/** Text bytes one write can carry: the frame's room for a value, less the string's NUL. */
export const MAX_STRING_WRITE_BYTES = MODIFY_VALUE_CAPACITY - 1;

/**
 * Floats are served with 2 decimals (PROTOCOL.md §6): a binary32 rounding smaller than half of
 * that step (21.1 → 21.100000381…) is no change anyone sees; a larger one (2^24 + 1 → 2^24) is.
 */
const FLOAT_DISPLAY_TOLERANCE = 0.005;
/** Smallest non-zero binary32 magnitude (a subnormal). */
const FLOAT32_MIN_MAGNITUDE = 1.401298464324817e-45;

/** A UTF-16 surrogate without its partner: UTF-8 cannot encode it (it would become U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What the value is, in a few words; never walks into arrays or objects (they may be deep). */
export function describeClientValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return `${typeof value} ${String(value)}`;
}

/** Longest requested string a log line repeats. */
const MAX_LOGGED_CHARS = 200;

/**
 * A client's value as a log line may show it: numbers and booleans as they are, strings cut, and
 * arrays or objects only named — a 5,000-level array would overflow the stack of any serialiser.
 */
export function loggableClientValue(value: unknown): unknown {
  if (typeof value === "string")
    return value.length > MAX_LOGGED_CHARS
      ? `${value.slice(0, MAX_LOGGED_CHARS)}…(${value.length} characters)`
      : value;
  if (value !== null && typeof value === "object") return `(${describeClientValue(value)})`;
  return value;
}

function formatRange(limits: ResolvedLimits): string {
  return `${limits.min ?? "−∞"}..${limits.max ?? "+∞"}`;
}

function checkRange(name: string, requested: number, sent: number, limits: ResolvedLimits, float32: boolean) {
  // The controller compares binary32 with binary32: a limit read back as 21.1 is 21.100000381….
  const bound = (limit: number) => (float32 ? Math.fround(limit) : limit);
  if (
    (limits.min !== null && sent < bound(limits.min)) ||
    (limits.max !== null && sent > bound(limits.max))
  ) {
    throw new WriteError(
      "out-of-range",
      `${requested} is outside the range of ${name}: ${formatRange(limits)}`,
    );
  }
}

function integerValue(name: string, type: TypeCode, value: number, limits: ResolvedLimits): number {
  const info = TYPE_INFO[type];
  if (!Number.isInteger(value)) {
    throw new WriteError(
      "not-a-whole-number",
      `${name} is ${info.name} and takes whole numbers only: ${value} is not one, and the gateway does not round (send ${Math.floor(value)} or ${Math.ceil(value)})`,
    );
  }
  if ((type === TypeCode.INT64 || type === TypeCode.UINT64) && !Number.isSafeInteger(value)) {
    // Within a 64-bit type's range but beyond 2^53, a JSON number is not exact.
    throw new WriteError(
      "not-representable",
      `${value} cannot be written to ${name} exactly: beyond ±${Number.MAX_SAFE_INTEGER} a number loses digits on the way`,
    );
  }
  const candidate = Object.is(value, -0) ? 0 : value;
  checkRange(name, value, candidate, limits, false);
  return candidate;
}

function floatValue(name: string, type: TypeCode, value: number, limits: ResolvedLimits): number {
  if (type !== TypeCode.FLOAT) {
    checkRange(name, value, value, limits, false);
    return value;
  }
  const sent = Math.fround(value);
  if (!Number.isFinite(sent)) {
    throw new WriteError(
      "not-representable",
      `${value} does not fit ${name}: a float (binary32) holds at most ±3.4028234663852886e38`,
    );
  }
  if (sent === 0 && value !== 0) {
    throw new WriteError(
      "not-representable",
      `${value} would reach ${name} as 0: a float (binary32) holds no non-zero magnitude below ${FLOAT32_MIN_MAGNITUDE}`,
    );
  }
  if (Math.abs(sent - value) > FLOAT_DISPLAY_TOLERANCE) {
    throw new WriteError(
      "not-representable",
      `${value} would reach ${name} as ${sent}: a float (binary32) has about 7 significant digits`,
    );
  }
  checkRange(name, value, sent, limits, true);
  return value;
}

function stringValue(name: string, value: string, limits: ResolvedLimits): string {
  if (LONE_SURROGATE.test(value)) {
    throw new WriteError(
      "not-representable",
      `the string for ${name} holds an unpaired surrogate (a broken \\uD800–\\uDFFF escape), which UTF-8 cannot carry: it would arrive changed`,
    );
  }
  // A string descriptor's max is its maximum length (PROTOCOL.md §17.3); 0/0 means none.
  const declared = limits.max !== null && limits.max > 0 ? limits.max : undefined;
  const allowed =
    declared === undefined ? MAX_STRING_WRITE_BYTES : Math.min(declared, MAX_STRING_WRITE_BYTES);
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > allowed) {
    throw new WriteError(
      "too-long",
      `the string for ${name} is ${bytes} bytes of UTF-8 (${value.length} characters); at most ${MAX_STRING_WRITE_BYTES} bytes fit one write (PROTOCOL.md §2: frames are at most 1,024 bytes)` +
        (declared === undefined ? "" : ` and its descriptor allows at most ${declared}`),
    );
  }
  return value;
}

export function prepareWrite(
  name: string,
  type: number,
  value: unknown,
  limits: ResolvedLimits,
): PreparedWrite {
  if (!isTypeCode(type))
    throw new WriteError("wrong-type", `${name} has an unknown wire type (${type}); it cannot be written`);
  const info = TYPE_INFO[type];
  let candidate: ParameterValue;
  switch (info.kind) {
    case "integer":
    case "float": {
      if (typeof value !== "number") {
        throw new WriteError(
          "wrong-type",
          `${name} is ${info.name}: expected a number, got ${describeClientValue(value)}`,
        );
      }
      if (!Number.isFinite(value))
        throw new WriteError("wrong-type", `${name} is ${info.name}: ${value} is not a finite number`);
      candidate =
        info.kind === "integer"
          ? integerValue(name, type, value, limits)
          : floatValue(name, type, value, limits);
      break;
    }
    case "bool": {
      if (value === true || value === 1) candidate = true;
      else if (value === false || value === 0) candidate = false;
      else
        throw new WriteError(
          "wrong-type",
          `${name} is bool: expected true, false, 1 or 0, got ${describeClientValue(value)}`,
        );
      break;
    }
    case "string": {
      if (typeof value !== "string")
        throw new WriteError("wrong-type", `${name} is a string: got ${describeClientValue(value)}`);
      candidate = stringValue(name, value, limits);
      break;
    }
  }
  const encoded = encodeValue(type, candidate);
  if (!encoded.ok) {
    throw new WriteError(
      "not-representable",
      `${describeClientValue(value)} cannot be written to ${name}: ${encoded.error.message}`,
    );
  }
  // The last word on size: whatever the type, the frame that carries it must be a legal frame.
  if (encoded.value.length > MODIFY_VALUE_CAPACITY) {
    throw new WriteError(
      "too-long",
      `the value for ${name} takes ${encoded.value.length} bytes; one write carries at most ${MODIFY_VALUE_CAPACITY}`,
    );
  }
  return { value: candidate, bytes: encoded.value };
}

/** Whether a read-back value shows the written one (floats compare at the API's 2 decimals). */
export function readBackMatches(
  type: number,
  written: ParameterValue,
  readBack: ParameterValue | undefined,
): boolean {
  if (readBack === undefined) return false;
  if (
    isTypeCode(type) &&
    TYPE_INFO[type].kind === "float" &&
    typeof written === "number" &&
    typeof readBack === "number"
  ) {
    return Math.abs(Math.fround(written) - readBack) < 0.005 + 1e-9;
  }
  return written === readBack;
}
