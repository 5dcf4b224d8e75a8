/**
 * A persisted copy of the parameter definitions, last values and alarm log, so a restart can skip the
 * discovery (descriptors are static per firmware) and serve data at once; the first poll
 * refreshes the values and confirms the controller is the same.
 */
import type { Limit, ParameterValue } from "../protocol/index.js";
import { parseUnit } from "../protocol/index.js";
import type { StateDirectory } from "../state/state-file.js";
import { apiName, type ParameterDefinition } from "../store/definition.js";
import type { ParameterStore } from "../store/parameter-store.js";
import type { Alarm } from "./alarms.js";

export const SNAPSHOT_FILE = "parameters.json";
/**
 * A snapshot older than this is not served after a restart: its definitions still spare the
 * discovery, but the API waits for the first poll (503) instead of serving old values.
 */
export const SNAPSHOT_MAX_AGE_MS = 10 * 60_000;
const SNAPSHOT_VERSION = 1;

/** What identifies a controller: UID (10) and software/hardware versions (0, 1). */
export interface ControllerIdentity {
  uid: string | undefined;
  software: string | undefined;
  hardware: string | undefined;
}

type StoredValue = number | string | boolean | { bigint: string } | { nan: true } | null;

interface SnapshotFile {
  version: number;
  savedAt: number;
  identity: ControllerIdentity;
  /** The alarm log as last read (absent in files of older versions). */
  alarms?: Alarm[];
  /** [index, space, wireIndex, rawName, type, typeByte, unit, writable, min, max, value, readAt] */
  parameters: [
    number,
    "regulator" | "panel",
    number,
    string,
    number,
    number,
    string,
    boolean,
    Limit,
    Limit,
    StoredValue,
    number | null,
  ][];
}

function isSnapshot(value: unknown): value is SnapshotFile {
  const v = value as Partial<SnapshotFile> | null;
  return (
    !!v && v.version === SNAPSHOT_VERSION && Array.isArray(v.parameters) && typeof v.savedAt === "number"
  );
}

function storeValue(value: ParameterValue | undefined): StoredValue {
  if (value === undefined) return null;
  if (typeof value === "bigint") return { bigint: value.toString() };
  if (typeof value === "number" && Number.isNaN(value)) return { nan: true };
  return value;
}

function loadValue(value: StoredValue): ParameterValue | undefined {
  if (value === null) return undefined;
  if (typeof value === "object") return "bigint" in value ? BigInt(value.bigint) : Number.NaN;
  return value;
}

export function identityOf(store: ParameterStore): ControllerIdentity {
  const text = (index: number) => {
    const value = store.get(index)?.value;
    return value === undefined ? undefined : String(value);
  };
  return { uid: text(10), software: text(0), hardware: text(1) };
}

export function sameIdentity(a: ControllerIdentity, b: ControllerIdentity): boolean {
  return a.uid === b.uid && a.software === b.software && a.hardware === b.hardware;
}

function isAlarm(value: unknown): value is Alarm {
  const a = value as Partial<Alarm> | null;
  return (
    !!a &&
    typeof a.index === "number" &&
    typeof a.code === "number" &&
    typeof a.fromDate === "string" &&
    (a.toDate === null || typeof a.toDate === "string")
  );
}

export async function saveSnapshot(
  directory: StateDirectory,
  store: ParameterStore,
  alarms?: readonly Alarm[],
  savedAt = Date.now(),
): Promise<void> {
  const parameters: SnapshotFile["parameters"] = [];
  for (const entry of store.all()) {
    const d = entry.definition;
    parameters.push([
      d.index,
      d.space,
      d.wireIndex,
      d.rawName,
      d.type,
      d.typeByte,
      d.unit.raw,
      d.writable,
      d.min,
      d.max,
      storeValue(entry.value),
      entry.readAt ?? null,
    ]);
  }
  const file: SnapshotFile = {
    version: SNAPSHOT_VERSION,
    savedAt,
    identity: identityOf(store),
    alarms: alarms ? [...alarms] : undefined,
    parameters,
  };
  await directory.write(SNAPSHOT_FILE, file);
}

/** Restores definitions and values (values keep their old read times, so they are stale). */
export async function restoreSnapshot(
  directory: StateDirectory,
  store: ParameterStore,
): Promise<
  { identity: ControllerIdentity; savedAt: number; count: number; alarms: Alarm[] | undefined } | undefined
> {
  const file = await directory.read(SNAPSHOT_FILE, isSnapshot);
  if (!file || file.parameters.length === 0) return undefined;
  const definitions: ParameterDefinition[] = file.parameters.map(
    ([index, space, wireIndex, rawName, type, typeByte, unit, writable, min, max]) => {
      const name = apiName(rawName);
      return {
        index,
        space,
        wireIndex,
        name,
        rawName,
        type,
        typeByte,
        unit: parseUnit(unit),
        writable,
        min,
        max,
        exposed: name !== "",
      };
    },
  );
  store.setDefinitions(definitions, file.savedAt);
  store.markRestored(file.savedAt);
  for (const [index, , , , , , , , , , value, readAt] of file.parameters) {
    const restored = loadValue(value);
    if (restored !== undefined && readAt !== null) store.setValue(index, restored, undefined, readAt);
  }
  const alarms = Array.isArray(file.alarms) && file.alarms.every(isAlarm) ? file.alarms : undefined;
  return { identity: file.identity, savedAt: file.savedAt, count: definitions.length, alarms };
}
