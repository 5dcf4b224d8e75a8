/**
 * Builds the simulator profile from a parameter dump (`{ "<index>": { value, name, info, minv, maxv,
 * minvDP, maxvDP, nonvolatile } }`, HA-COMPAT.md §13). Pure: text in, profile out; the script
 * `scripts/build-sim-profile.ts` does the file I/O.
 */
import { createHash } from "node:crypto";
import {
  CONTROLLER_IDENTITY,
  encodeValue,
  PANEL_INDEX_OFFSET,
  TypeCode,
  typeName,
} from "../../protocol/index.js";
import {
  PROFILE_FORMAT,
  PROFILE_VERSION,
  type ProfileFile,
  type ProfileValue,
  type SpaceColumns,
} from "./format.js";
import { inferUnit, UNIT_RULE } from "./infer-unit.js";

interface DumpEntry {
  value: unknown;
  name: string;
  info: number;
  minv: number;
  maxv: number;
  minvDP: number | null;
  maxvDP: number | null;
  nonvolatile: boolean;
}

/** A dump entry the builder cannot turn into a parameter; says which index and why. */
export class ProfileBuildError extends Error {
  override readonly name = "ProfileBuildError";
}

/** "---" and null mean "no reading" for floats (HA-COMPAT.md §13). */
const NO_READING = "---";

/**
 * Dotted-quad uint32 (network settings 381–386). The capture carries these very addresses
 * (e.g. 381 = 0xC0A80034 for "192.168.0.52"): the first octet is the most significant byte.
 */
function dottedQuadToU32(text: string, index: number): number {
  const parts = text.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new ProfileBuildError(`index ${index}: uint32 value ${JSON.stringify(text)} is not a dotted quad`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function convertValue(entry: DumpEntry, index: number): ProfileValue {
  const type = entry.info & 0x0f;
  const raw = entry.value;
  let value: ProfileValue;
  if (type === TypeCode.FLOAT || type === TypeCode.DOUBLE) {
    value = raw === null || raw === NO_READING ? null : (raw as number);
  } else if (type === TypeCode.UINT32 && typeof raw === "string") {
    value = dottedQuadToU32(raw, index);
  } else if (type === TypeCode.BOOL) {
    value = raw === true || raw === 1 ? true : raw === false || raw === 0 ? false : (raw as boolean);
  } else {
    value = raw as ProfileValue;
  }
  const encoded = encodeValue(type, value === null ? Number.NaN : value);
  if (!encoded.ok) {
    throw new ProfileBuildError(
      `index ${index} (${entry.name || "nameless"}, ${typeName(type)}): value ${JSON.stringify(raw)} ` +
        `cannot be served: ${encoded.error.message}`,
    );
  }
  return value;
}

function isUnsignedLiteral(type: number): boolean {
  return type === TypeCode.UINT8 || type === TypeCode.UINT16 || type === TypeCode.UINT32;
}

function checkLiteral(value: number, type: number, index: number, which: string): number {
  const [lo, hi] = isUnsignedLiteral(type) ? [0, 0xffff] : [-0x8000, 0x7fff];
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw new ProfileBuildError(
      `index ${index}: literal ${which} ${value} does not fit the descriptor's ${lo}..${hi}`,
    );
  }
  return value;
}

function emptyColumns(indexOffset: number): SpaceColumns {
  return {
    indexOffset,
    count: 0,
    name: [],
    typeByte: [],
    unit: [],
    min: [],
    minRef: [],
    max: [],
    maxRef: [],
    nonvolatile: [],
    value: [],
  };
}

function addEntry(space: SpaceColumns, entry: DumpEntry, index: number, withLimits: boolean): void {
  const type = entry.info & 0x0f;
  space.name.push(entry.name);
  space.typeByte.push(entry.info);
  space.unit.push(inferUnit(entry.name, type));
  // PROTOCOL.md §8.3 simulator rule: DP fields are references; 0/0 without references = no limits.
  const noLimits =
    !withLimits || (entry.minvDP === null && entry.maxvDP === null && entry.minv === 0 && entry.maxv === 0);
  space.minRef.push(withLimits ? entry.minvDP : null);
  space.maxRef.push(withLimits ? entry.maxvDP : null);
  space.min.push(noLimits || entry.minvDP !== null ? null : checkLiteral(entry.minv, type, index, "min"));
  space.max.push(noLimits || entry.maxvDP !== null ? null : checkLiteral(entry.maxv, type, index, "max"));
  space.nonvolatile.push(entry.nonvolatile ? 1 : 0);
  space.value.push(convertValue(entry, index));
  space.count++;
}

function checkEntry(key: string, entry: unknown): DumpEntry {
  const e = entry as Partial<DumpEntry> | null;
  if (!e || typeof e !== "object" || typeof e.info !== "number" || typeof e.name !== "string") {
    throw new ProfileBuildError(`entry ${key} lacks a numeric "info" type byte or a "name"`);
  }
  return {
    value: e.value,
    name: e.name,
    info: e.info,
    minv: e.minv ?? 0,
    maxv: e.maxv ?? 0,
    minvDP: e.minvDP ?? null,
    maxvDP: e.maxvDP ?? null,
    nonvolatile: e.nonvolatile === true,
  };
}

/** The controller's IDENTIFY strings with this dump's serial, DP version and firmware. */
function identityFrom(regulator: SpaceColumns): string[] {
  const text = (index: number, fallback: string) => {
    const value = regulator.value[index];
    return typeof value === "string" ? value : fallback;
  };
  const [manufacturer, model, serial, version, subclass, firmware] = CONTROLLER_IDENTITY as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const suffix = firmware.slice(firmware.indexOf("_D"));
  // PROTOCOL.md §5.6: serial = parameter 9 (FN), version = 11 (DPv), firmware = HV (1) + PS (0).
  return [
    manufacturer,
    model,
    text(9, serial),
    text(11, version),
    subclass,
    `${text(1, "H")}_${text(0, "S")}${suffix}`,
  ];
}

export function buildProfile(dumpText: string, sourceFile: string): ProfileFile {
  let dump: unknown;
  try {
    dump = JSON.parse(dumpText);
  } catch (error) {
    throw new ProfileBuildError(`${sourceFile} is not JSON: ${(error as Error).message}`);
  }
  if (!dump || typeof dump !== "object") throw new ProfileBuildError(`${sourceFile} is not a JSON object`);
  const keys = Object.keys(dump)
    .map(Number)
    .sort((a, b) => a - b);
  const regulator = emptyColumns(0);
  const panel = emptyColumns(PANEL_INDEX_OFFSET);
  for (const index of keys) {
    const entry = checkEntry(String(index), (dump as Record<string, unknown>)[String(index)]);
    const space = index >= PANEL_INDEX_OFFSET ? panel : regulator;
    const expected = space.indexOffset + space.count;
    if (index !== expected) {
      throw new ProfileBuildError(`index ${index} breaks the contiguous space (expected ${expected} next)`);
    }
    addEntry(space, entry, index, space === regulator);
  }
  if (regulator.count === 0) throw new ProfileBuildError(`${sourceFile} has no regulator parameters (0…)`);
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    description:
      "GM3 simulator profile: ecoMAX360i regulator and panel parameter spaces (see src/sim/profile/format.ts)",
    source: {
      file: sourceFile,
      sha256: createHash("sha256").update(dumpText).digest("hex"),
      entries: keys.length,
    },
    generator: "scripts/build-sim-profile.ts",
    units: { inferred: true, rule: UNIT_RULE },
    identity: identityFrom(regulator),
    spaces: { regulator, panel },
  };
}

/** Stable text: one line per column, so a regenerated profile diffs cleanly. */
export function serializeProfile(profile: ProfileFile): string {
  const space = (columns: SpaceColumns) =>
    `{\n${Object.entries(columns)
      .map(([key, value]) => `      ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(",\n")}\n    }`;
  const { spaces, ...head } = profile;
  const headLines = Object.entries(head).map(
    ([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  );
  return `{\n${headLines.join(",\n")},\n  "spaces": {\n    "regulator": ${space(spaces.regulator)},\n    "panel": ${space(spaces.panel)}\n  }\n}\n`;
}
