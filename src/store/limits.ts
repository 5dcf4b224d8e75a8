/** Resolving a parameter's min/max (PROTOCOL.md §8.3, HA-COMPAT.md §3). */
import type { Limit, ParameterValue } from "../protocol/index.js";
import type { ParameterDefinition } from "./definition.js";

export interface ResolvedLimits {
  min: number | null;
  max: number | null;
}

function resolveOne(limit: Limit, valueAt: (wireIndex: number) => ParameterValue | undefined): number | null {
  switch (limit.kind) {
    case "none":
      return null;
    case "literal":
      return limit.value;
    case "reference": {
      const value = valueAt(limit.index);
      // A reference to an unknown or non-numeric value is no limit.
      return typeof value === "number" && Number.isFinite(value) ? value : null;
    }
  }
}

/**
 * Literal or referenced limits as declared, before any consistency check; always null for the
 * panel space. A literal 0..0 pair means "no limits" on the controller (the descriptor's
 * no-min/no-max bits are the usual way, but 0/0 literals occur, e.g. on the thermostat).
 */
function declaredLimits(
  definition: Pick<ParameterDefinition, "space" | "min" | "max">,
  valueAt: (wireIndex: number) => ParameterValue | undefined,
): ResolvedLimits {
  const { min, max } = definition;
  if (definition.space === "panel") return { min: null, max: null };
  if (min.kind === "literal" && max.kind === "literal" && min.value === 0 && max.value === 0) {
    return { min: null, max: null };
  }
  return { min: resolveOne(min, valueAt), max: resolveOne(max, valueAt) };
}

function inconsistent({ min, max }: ResolvedLimits): boolean {
  return min !== null && max !== null && max < min;
}

/** The limits to show (HA-COMPAT.md §3): as declared, but both null when max < min. */
export function resolveLimits(
  definition: Pick<ParameterDefinition, "space" | "min" | "max">,
  valueAt: (wireIndex: number) => ParameterValue | undefined,
): ResolvedLimits {
  const limits = declaredLimits(definition, valueAt);
  return inconsistent(limits) ? { min: null, max: null } : limits;
}

/** The limits a write is checked against, or why they cannot be known. */
export type WriteLimits = { ok: true; limits: ResolvedLimits } | { ok: false; reason: string };

/**
 * Like {@link resolveLimits}, but for writes it fails closed: a limit that refers to a parameter
 * whose value is not known (yet), or a range whose max is below its min, is a reason to refuse the
 * write — not "no limit" as for display. `describeIndex` names a referenced wire index.
 */
export function resolveWriteLimits(
  definition: Pick<ParameterDefinition, "space" | "min" | "max">,
  valueAt: (wireIndex: number) => ParameterValue | undefined,
  describeIndex: (wireIndex: number) => string = (wireIndex) => `parameter ${wireIndex}`,
): WriteLimits {
  const limits = declaredLimits(definition, valueAt);
  // The panel's descriptors carry no range at all (GET_PARAMS_STRUCT).
  if (definition.space === "panel") return { ok: true, limits };
  for (const [which, limit, resolved] of [
    ["minimum", definition.min, limits.min],
    ["maximum", definition.max, limits.max],
  ] as const) {
    if (limit.kind !== "reference" || resolved !== null) continue;
    const value = valueAt(limit.index);
    return {
      ok: false,
      reason: `its ${which} is the value of ${describeIndex(limit.index)}, which ${
        value === undefined ? "has not been read yet" : `is not a number (${String(value)})`
      }`,
    };
  }
  if (inconsistent(limits)) {
    return {
      ok: false,
      reason: `its range is inconsistent (maximum ${limits.max} is below minimum ${limits.min})`,
    };
  }
  return { ok: true, limits };
}
