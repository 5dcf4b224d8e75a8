/** Loads parameter types from a dump (`{ "<index>": { "info": <type byte>, … } }`) for decoding. */
import { readFile } from "node:fs/promises";
import { Address, ecosterTypeOf, THERMOSTAT_ADDRESS_RANGE, type TypeLookup } from "../protocol/index.js";
import { UsageError } from "./command.js";

/** Type code by wire index of the controller (regulator space only). */
export type TypeTable = ReadonlyMap<number, number>;

export async function loadTypeTable(path: string): Promise<TypeTable> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read parameter types from ${path}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object")
    throw new UsageError(`${path} is not a JSON object of parameters`);
  const table = new Map<number, number>();
  for (const [key, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const index = Number(key);
    const info = (entry as { info?: unknown } | null)?.info;
    if (Number.isInteger(index) && index < 10_000 && typeof info === "number") table.set(index, info & 0x0f);
  }
  if (table.size === 0) throw new UsageError(`${path} holds no parameter with an "info" type byte`);
  return table;
}

export function typeOfParameter(table: TypeTable): TypeLookup {
  return (index) => table.get(index);
}

/** Type lookups by responding address: the controller from a dump, thermostats from their table. */
export function typeLookupsFor(controllerTypes: TypeTable | undefined) {
  return (address: number): TypeLookup | undefined => {
    if (address === Address.CONTROLLER && controllerTypes) return typeOfParameter(controllerTypes);
    if (address >= THERMOSTAT_ADDRESS_RANGE.first && address <= THERMOSTAT_ADDRESS_RANGE.last)
      return ecosterTypeOf;
    return undefined;
  };
}
