/**
 * The default MQTT set: every parameter behind an entity of the Home Assistant `econext`
 * integration (HA-COMPAT.md §10–§11), with what the descriptors cannot say — a readable name, the
 * unit and class where the controller sends no unit string, value sets of selects and enums,
 * scaling the integration does itself, fallback ranges and the integration's sub-device gates.
 * Indices are the ecoMAX360i's; on another controller they simply match other parameters' hints
 * less well, which is why `MQTT_PUBLISH=all` and lists exist.
 *
 * The hints are data, `src/catalog/ha-hints.json` (test/catalog/ha-hints.test.ts checks its shape):
 * presets, three groups of hints by index, the circuits' fields (one index per circuit 1–7) and the
 * schedules (14 consecutive indices each). This module types the file and expands it.
 */
import data from "../../../catalog/ha-hints.json" with { type: "json" };

export type EntityCategory = "config" | "diagnostic";
export type StateClass = "measurement" | "total" | "total_increasing";

/** An entity exists only while this holds (HA-COMPAT.md §11: "Sub-device gates"). */
export type Gate =
  /** DHW: index 61 present and not 999.0 (no sensor). */
  | { kind: "sensor-present"; index: number }
  /** Circuit N: `CircuitNactive` > 0. */
  | { kind: "positive"; index: number };

export interface EntityHint {
  /** Entity name shown in Home Assistant (the device name is prefixed by HA). */
  label: string;
  /** Force a platform where the rules would choose another (e.g. a writable status shown read-only). */
  component?: "sensor" | "button" | "binary_sensor";
  unit?: string;
  deviceClass?: string;
  stateClass?: StateClass;
  /** Jinja template turning the raw state into what HA shows (scaling done by the integration). */
  valueTemplate?: string;
  /** Raw value → option: a select when writable, an enum sensor when read-only. */
  options?: Readonly<Record<number, string>>;
  /** Values read but never written, shown as one of the options (162 reads 5 and 6 as auto). */
  readAliases?: Readonly<Record<number, string>>;
  /** Range when the controller declares none (the integration's fallbacks). */
  min?: number;
  max?: number;
  step?: number;
  category?: EntityCategory;
  gate?: Gate;
  /** What the button sends. */
  pressValue?: number;
}

/** A hint as the file spells it: presets (applied in order) and its own fields. */
export interface HintSpelling extends Omit<Partial<EntityHint>, "gate"> {
  presets?: readonly string[];
}

export interface HintCatalogueFile {
  presets: Readonly<Record<string, HintSpelling>>;
  gates: Readonly<Record<string, Gate>>;
  groups: readonly { name: string; gate?: string; hints: Readonly<Record<string, HintSpelling>> }[];
  circuits: {
    fields: readonly { field: string; indices: readonly number[]; hint: HintSpelling }[];
    /** Indices that keep the parameter's own name (circuits 6 and 7 point some fields elsewhere). */
    misnamed: readonly number[];
  };
  schedules: {
    days: readonly string[];
    entries: readonly { label: string; sundayAm: number; gate?: string; circuit?: number }[];
  };
}

export class HintCatalogueError extends Error {
  override readonly name = "HintCatalogueError";
}

/** The hint a spelling stands for: its presets in order, then its own fields. */
function expand(
  file: HintCatalogueFile,
  spelling: HintSpelling,
): Omit<EntityHint, "label"> & { label?: string } {
  const { presets = [], ...own } = spelling;
  const hint: Partial<EntityHint> = {};
  for (const name of presets) {
    const preset = file.presets[name];
    if (!preset) throw new HintCatalogueError(`unknown preset ${JSON.stringify(name)}`);
    Object.assign(hint, expand(file, preset));
  }
  return Object.assign(hint, own);
}

function gateOf(file: HintCatalogueFile, name: string | undefined): Gate | undefined {
  if (name === undefined) return undefined;
  const gate = file.gates[name];
  if (!gate) throw new HintCatalogueError(`unknown gate ${JSON.stringify(name)}`);
  return gate;
}

/** Index → hint, from the catalogue file. */
export function buildCatalog(file: HintCatalogueFile): ReadonlyMap<number, EntityHint> {
  const catalog = new Map<number, EntityHint>();
  for (const group of file.groups) {
    const gate = gateOf(file, group.gate);
    for (const [index, spelling] of Object.entries(group.hints)) {
      const hint = { label: "", ...expand(file, spelling) };
      catalog.set(Number(index), gate ? { ...hint, gate } : hint);
    }
  }
  const active = file.circuits.fields.find((row) => row.field === "active")?.indices;
  if (!active) throw new HintCatalogueError("the circuits have no `active` field (the gates of the others)");
  const misnamed = new Set(file.circuits.misnamed);
  const circuitGate = (circuit: number): Gate => {
    const index = active[circuit - 1];
    if (index === undefined) throw new HintCatalogueError(`no circuit ${circuit}`);
    return { kind: "positive", index };
  };
  for (const { field, indices, hint } of file.circuits.fields) {
    indices.forEach((index, i) => {
      const circuit = i + 1;
      const gate = field === "active" ? undefined : circuitGate(circuit);
      const label = misnamed.has(index) ? "" : `Circuit ${circuit} ${field}`;
      catalog.set(index, { ...expand(file, hint), label, gate });
    });
  }
  const config = expand(file, { presets: ["config"] });
  for (const entry of file.schedules.entries) {
    const gate = entry.circuit !== undefined ? circuitGate(entry.circuit) : gateOf(file, entry.gate);
    file.schedules.days.forEach((day, d) => {
      for (const [half, offset] of [
        ["AM", 0],
        ["PM", 1],
      ] as const) {
        catalog.set(entry.sundayAm + 2 * d + offset, {
          label: `${entry.label} ${day} ${half}`,
          gate,
          ...config,
        });
      }
    });
  }
  return catalog;
}

/** The catalogue file as shipped. */
export const HINT_CATALOGUE_FILE = data as unknown as HintCatalogueFile;

/** Index → hint for the default set. An empty label means: use the parameter's name. */
export const DEFAULT_CATALOG: ReadonlyMap<number, EntityHint> = buildCatalog(HINT_CATALOGUE_FILE);
