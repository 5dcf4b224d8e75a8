/** Every native entity of the installation: a climate per active circuit and the water heater. */
import { CIRCUITS, climateConfigIndices, climateEntity } from "./climate.js";
import { type NativeEntity, type NativeInput, type NativeSet, nativeSet } from "./native.js";
import { WATER_HEATER_CONFIG_INDICES, waterHeaterEntity } from "./water-heater.js";

export function nativeEntities(input: NativeInput): NativeSet {
  const entities: NativeEntity[] = [];
  for (const circuit of CIRCUITS) {
    const climate = climateEntity(input, circuit);
    if (climate) entities.push(climate);
  }
  const waterHeater = waterHeaterEntity(input);
  if (waterHeater) entities.push(waterHeater);
  return nativeSet(entities);
}

/** Indices whose values change which native entities exist or their configs. */
export const NATIVE_CONFIG_INDICES: readonly number[] = [
  ...new Set([...CIRCUITS.flatMap(climateConfigIndices), ...WATER_HEATER_CONFIG_INDICES]),
];
