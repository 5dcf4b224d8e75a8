/** What the gateway knows about one parameter, from its descriptor (PROTOCOL.md §8–§9). */
import {
  type Limit,
  PANEL_INDEX_OFFSET,
  type ParameterDescriptor,
  parseUnit,
  type Unit,
} from "../protocol/index.js";

export type ParameterSpace = "regulator" | "panel";

export interface ParameterDefinition {
  /** Stored (API) index: regulator index as-is, panel index 10000 + wire index. */
  index: number;
  space: ParameterSpace;
  /** Index on the wire, within its space. */
  wireIndex: number;
  /** Descriptor name with spaces replaced by `_` (the API name); "" when nameless. */
  name: string;
  /** Name exactly as the descriptor sent it. */
  rawName: string;
  /** Wire type code (may be undefined-type when the descriptor is unusable). */
  type: number;
  typeByte: number;
  unit: Unit;
  writable: boolean;
  min: Limit;
  max: Limit;
  /** Nameless parameters are polled but never exposed. */
  exposed: boolean;
}

export function storedIndex(space: ParameterSpace, wireIndex: number): number {
  return space === "panel" ? PANEL_INDEX_OFFSET + wireIndex : wireIndex;
}

export function spaceOf(index: number): { space: ParameterSpace; wireIndex: number } {
  return index >= PANEL_INDEX_OFFSET
    ? { space: "panel", wireIndex: index - PANEL_INDEX_OFFSET }
    : { space: "regulator", wireIndex: index };
}

/**
 * An index as a client writes it in a path, a filter or a command: decimal digits, no sign, no
 * leading zero, no fraction (`103`, `10010`, `0`). One spelling per index, so `0103`, `+103` and
 * `103.0` are not indices (they are looked up as names, and no parameter has such a name).
 */
const CANONICAL_INDEX = /^(0|[1-9][0-9]{0,5})$/;

/** The index `text` spells, or undefined when it is not the canonical decimal form. */
export function parseIndexText(text: string): number | undefined {
  return CANONICAL_INDEX.test(text) ? Number(text) : undefined;
}

/** API name: every space replaced by `_`, nothing else (HA-COMPAT.md §4). */
export function apiName(rawName: string): string {
  return rawName.replaceAll(" ", "_");
}

export function definitionFromDescriptor(
  space: ParameterSpace,
  wireIndex: number,
  descriptor: ParameterDescriptor,
): ParameterDefinition {
  const name = apiName(descriptor.name);
  return {
    index: storedIndex(space, wireIndex),
    space,
    wireIndex,
    name,
    rawName: descriptor.name,
    type: descriptor.typeCode,
    typeByte: descriptor.typeByte,
    unit: parseUnit(descriptor.unit),
    writable: descriptor.writable,
    // Panel parameters never have limits (their descriptors carry none).
    min: space === "panel" ? { kind: "none" } : descriptor.min,
    max: space === "panel" ? { kind: "none" } : descriptor.max,
    exposed: name !== "",
  };
}
