/**
 * Which parameters the history records. `default`: every measured numeric value the Home
 * Assistant mapping uses (src/catalog/ha-hints.json — temperatures, powers, energies, COPs,
 * frequencies, speeds; not settings, diagnostics or enumerations) plus every parameter whose unit
 * is kW or kWh (power and energy counters). `all`: every exposed numeric parameter. A list: the
 * names and indices given.
 */
import hints from "../catalog/ha-hints.json" with { type: "json" };

export type HistorySelection =
  | { mode: "default" }
  | { mode: "all" }
  | { mode: "list"; names: readonly string[]; indices: readonly number[] };

/** A parameter as the selection sees it. */
export interface SelectableParameter {
  index: number;
  name: string;
  unit: string;
  exposed: boolean;
  numeric: boolean;
}

interface Hint {
  presets?: string[];
  options?: unknown;
}

const NOT_MEASURED = new Set(["config", "diagnostic"]);

function hintIndices(): Set<number> {
  const indices = new Set<number>();
  for (const group of hints.groups as unknown as { hints: Record<string, Hint | undefined> }[]) {
    for (const [key, hint] of Object.entries(group.hints)) {
      if (!hint || hint.options !== undefined) continue;
      if ((hint.presets ?? []).some((preset) => NOT_MEASURED.has(preset))) continue;
      indices.add(Number(key));
    }
  }
  for (const field of hints.circuits.fields as unknown as { indices: number[]; hint: Hint }[]) {
    const presets = field.hint.presets ?? [];
    if (field.hint.options !== undefined || presets.some((preset) => NOT_MEASURED.has(preset))) continue;
    if (!presets.includes("temperature") && !presets.includes("setpoint")) continue;
    for (const index of field.indices) indices.add(index);
  }
  return indices;
}

let defaultIndices: Set<number> | undefined;

/** The indices of the default selection's catalogue part. */
export function defaultHistoryIndices(): ReadonlySet<number> {
  defaultIndices ??= hintIndices();
  return defaultIndices;
}

const POWER_OR_ENERGY = new Set(["kW", "kWh"]);

export function isSelected(selection: HistorySelection, parameter: SelectableParameter): boolean {
  if (!parameter.exposed || !parameter.numeric) return false;
  switch (selection.mode) {
    case "all":
      return true;
    case "default":
      return defaultHistoryIndices().has(parameter.index) || POWER_OR_ENERGY.has(parameter.unit);
    case "list":
      return selection.indices.includes(parameter.index) || selection.names.includes(parameter.name);
  }
}
