/**
 * The ecoSTER room thermostat's 35-parameter table (PROTOCOL.md §17.3): names, types, units,
 * writable flags, descriptor ranges, per-value flag bytes and the emulator's default values. The
 * table is data, `src/catalog/ecoster-parameters.json` (test/catalog/ecoster-parameters.test.ts
 * checks its shape); this module types it. Shared by the simulator's thermostat, the virtual
 * thermostat and capture decoding.
 */
import table from "../catalog/ecoster-parameters.json" with { type: "json" };
import type { TypeCode } from "./types.js";

export interface EcosterParameter {
  index: number;
  name: string;
  type: TypeCode;
  unit: string;
  writable: boolean;
  /** Literal descriptor range (for strings: max = maximum length). */
  min: number;
  max: number;
  /** Per-value flag byte before the parameter is written. */
  flag: number;
  /** Flag byte once the parameter has been written (where it changes). */
  writtenFlag?: number;
  /** Default value of the emulator (NaN for the absent external sensor). */
  value: number | string;
}

/** A row as the JSON file holds it: NaN (the absent sensor's value) is written as null. */
interface EcosterRow extends Omit<EcosterParameter, "type" | "value"> {
  type: number;
  value: number | string | null;
}

export const ECOSTER_PARAMETERS: readonly EcosterParameter[] = (table.parameters as EcosterRow[]).map(
  (row) => ({ ...row, type: row.type as TypeCode, value: row.value ?? Number.NaN }),
);

/** Type lookup over the thermostat's wire indices. */
export function ecosterTypeOf(index: number): number | undefined {
  return ECOSTER_PARAMETERS[index]?.type;
}
