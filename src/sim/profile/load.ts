/** Reads a profile file (format in ./format.ts) into the parameters the simulator serves. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isTypeCode, TYPE_BYTE_WRITABLE, typeName } from "../../protocol/index.js";
import {
  PROFILE_FORMAT,
  PROFILE_VERSION,
  type ProfileFile,
  type SimLimit,
  type SimParameter,
  type SimProfile,
  type SpaceColumns,
} from "./format.js";

/** A profile file that is missing, unreadable or not in the expected format. */
export class ProfileError extends Error {
  override readonly name = "ProfileError";
}

/** `profiles/ecomax360i.json` of this package (same relative place from src/ and dist/). */
export function defaultProfilePath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "profiles", "ecomax360i.json");
}

const COLUMNS = [
  "name",
  "typeByte",
  "unit",
  "min",
  "minRef",
  "max",
  "maxRef",
  "nonvolatile",
  "value",
] as const;

function limit(literal: number | null, reference: number | null): SimLimit {
  if (reference !== null) return { kind: "reference", index: reference };
  if (literal !== null) return { kind: "literal", value: literal };
  return { kind: "none" };
}

function parametersOf(columns: SpaceColumns, label: string, origin: string): SimParameter[] {
  for (const column of COLUMNS) {
    const array = columns[column];
    if (!Array.isArray(array) || array.length !== columns.count) {
      throw new ProfileError(
        `${origin}: space ${label}, column "${column}" must be an array of ${columns.count} entries`,
      );
    }
  }
  const parameters: SimParameter[] = [];
  for (let i = 0; i < columns.count; i++) {
    const typeByte = columns.typeByte[i]!;
    const typeCode = typeByte & 0x0f;
    if (!isTypeCode(typeCode)) {
      throw new ProfileError(
        `${origin}: ${label} index ${i} has ${typeName(typeCode)} (type byte ${typeByte})`,
      );
    }
    const raw = columns.value[i];
    parameters.push({
      name: columns.name[i]!,
      unit: columns.unit[i]!,
      typeByte,
      typeCode,
      writable: (typeByte & TYPE_BYTE_WRITABLE) !== 0,
      min: limit(columns.min[i]!, columns.minRef[i]!),
      max: limit(columns.max[i]!, columns.maxRef[i]!),
      nonvolatile: columns.nonvolatile[i] === 1,
      value: raw === null || raw === undefined ? Number.NaN : raw,
    });
  }
  return parameters;
}

/** Converts a parsed profile file; `origin` names it in error messages. */
export function profileFromFile(file: ProfileFile, origin: string): SimProfile {
  if (file?.format !== PROFILE_FORMAT || file.version !== PROFILE_VERSION) {
    throw new ProfileError(
      `${origin} is not a ${PROFILE_FORMAT} v${PROFILE_VERSION} file; regenerate it with scripts/build-sim-profile.ts`,
    );
  }
  return {
    identity: file.identity,
    regulator: parametersOf(file.spaces.regulator, "regulator", origin),
    panel: parametersOf(file.spaces.panel, "panel", origin),
    origin,
  };
}

export function loadProfile(path: string): SimProfile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ProfileError(`cannot read the simulator profile ${path}: ${(error as Error).message}`);
  }
  let parsed: ProfileFile;
  try {
    parsed = JSON.parse(text) as ProfileFile;
  } catch (error) {
    throw new ProfileError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return profileFromFile(parsed, path);
}

let cached: SimProfile | undefined;

/** The bundled ecoMAX360i profile, read once per process. Treat it as read-only. */
export function defaultProfile(): SimProfile {
  cached ??= loadProfile(defaultProfilePath());
  return cached;
}
