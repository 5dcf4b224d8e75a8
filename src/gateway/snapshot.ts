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
import { type CatalogueFingerprint, fingerprintOf, isFingerprint } from "./fingerprint.js";

export const SNAPSHOT_FILE = "parameters.json";
/** 2 added `polledAt`, `fingerprint` and `bus`; files of version 1 are still read. */
const SNAPSHOT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

/** Which bus a snapshot was taken on (see `state/bus-target.ts`). */
export interface SnapshotBus {
  /** The state folder's key, e.g. `sim`, `tcp-192.168.1.5-4001`, `serial-by-id-usb-FTDI…`. */
  key: string;
  /** Whether the data came from the built-in simulator. */
  simulated: boolean;
}

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
  /** When the values were last read completely (the last complete poll); absent in version 1. */
  polledAt?: number;
  identity: ControllerIdentity;
  /** Absent in version 1 (computed from the definitions when read). */
  fingerprint?: CatalogueFingerprint;
  /** Absent in version 1 (and in files from before state was kept per bus). */
  bus?: SnapshotBus;
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
    !!v &&
    typeof v.version === "number" &&
    READABLE_VERSIONS.includes(v.version) &&
    Array.isArray(v.parameters) &&
    typeof v.savedAt === "number" &&
    (v.polledAt === undefined || typeof v.polledAt === "number") &&
    (v.fingerprint === undefined || isFingerprint(v.fingerprint)) &&
    (v.bus === undefined || (typeof v.bus.key === "string" && typeof v.bus.simulated === "boolean"))
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

export interface SaveOptions {
  alarms?: readonly Alarm[] | undefined;
  savedAt: number;
  bus?: SnapshotBus | undefined;
}

export async function saveSnapshot(
  directory: StateDirectory,
  store: ParameterStore,
  options: SaveOptions,
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
    savedAt: options.savedAt,
    polledAt: store.lastPollAt ?? store.restoredAt,
    identity: identityOf(store),
    fingerprint: fingerprintOf(definitionsOf(store)),
    bus: options.bus,
    alarms: options.alarms ? [...options.alarms] : undefined,
    parameters,
  };
  await directory.write(SNAPSHOT_FILE, file);
}

function* definitionsOf(store: ParameterStore): Generator<ParameterDefinition> {
  for (const entry of store.all()) yield entry.definition;
}

/** What a restore found, besides the definitions and values it put into the store. */
export interface RestoredSnapshot {
  identity: ControllerIdentity;
  savedAt: number;
  /** When its values were last read completely (`savedAt` for files of version 1). */
  polledAt: number;
  fingerprint: CatalogueFingerprint;
  bus: SnapshotBus | undefined;
  count: number;
  alarms: Alarm[] | undefined;
}

/** The snapshot file's header, without loading its parameters into a store; undefined if none. */
export async function peekSnapshot(
  directory: StateDirectory,
): Promise<{ identity: ControllerIdentity; savedAt: number; bus: SnapshotBus | undefined } | undefined> {
  const file = await directory.read(SNAPSHOT_FILE, isSnapshot);
  if (!file || file.parameters.length === 0) return undefined;
  return { identity: file.identity, savedAt: file.savedAt, bus: file.bus };
}

/**
 * Restores definitions and values (values keep their old read times, so they are stale). `accept`
 * sees the file's header first and may refuse it (another bus's file): then the store is untouched.
 */
export async function restoreSnapshot(
  directory: StateDirectory,
  store: ParameterStore,
  accept: (header: { bus: SnapshotBus | undefined; identity: ControllerIdentity }) => boolean = () => true,
): Promise<RestoredSnapshot | undefined> {
  const file = await directory.read(SNAPSHOT_FILE, isSnapshot);
  if (!file || file.parameters.length === 0) return undefined;
  if (!accept({ bus: file.bus, identity: file.identity })) return undefined;
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
  const polledAt = file.polledAt ?? file.savedAt;
  store.setDefinitions(definitions, file.savedAt);
  store.markRestored(polledAt);
  for (const [index, , , , , , , , , , value, readAt] of file.parameters) {
    const restored = loadValue(value);
    if (restored !== undefined && readAt !== null) store.setValue(index, restored, undefined, readAt);
  }
  const alarms = Array.isArray(file.alarms) && file.alarms.every(isAlarm) ? file.alarms : undefined;
  return {
    identity: file.identity,
    savedAt: file.savedAt,
    polledAt,
    fingerprint: file.fingerprint ?? fingerprintOf(definitions),
    bus: file.bus,
    count: definitions.length,
    alarms,
  };
}
