/**
 * The catalogue fingerprint: what a set of descriptors is, in a few bytes, so the gateway can tell
 * whether the controller it talks to still has the catalogue it knows (after a reconnect, after a
 * restart from the snapshot, after a firmware update) without comparing 1,870 descriptors.
 *
 * The hash covers, per space and in wire order, every descriptor field the gateway uses: the name
 * as the device sent it, the type byte (type code and writable bit), the unit string, and both
 * limits (literal or a reference to another index). A firmware update that adds, removes, moves,
 * renames or retypes a parameter changes it; values never do. It is stable across gateway versions
 * (the serialisation below is the format — change it only with a new `FINGERPRINT_VERSION`).
 *
 * Saved with the snapshot next to the controller's UID and software/hardware versions, so a later
 * change can say what changed (issue 21: catalogue fingerprints per UID and firmware).
 */
import { createHash } from "node:crypto";
import type { Limit } from "../protocol/index.js";
import type { ParameterDefinition } from "../store/definition.js";

/** Bumped when the serialisation changes; part of the hash, so old and new never compare equal. */
export const FINGERPRINT_VERSION = 1;

export interface CatalogueFingerprint {
  /** Descriptors in the controller's (regulator) space. */
  regulatorCount: number;
  /** Descriptors in the panel's space. */
  panelCount: number;
  /** `sha256:<hex>` over every descriptor (see the module comment). */
  hash: string;
}

function limitText(limit: Limit): string {
  switch (limit.kind) {
    case "none":
      return "-";
    case "literal":
      return `=${limit.value}`;
    case "reference":
      return `@${limit.index}`;
  }
}

/** The fingerprint of a set of definitions (any order; they are sorted by space and wire index). */
export function fingerprintOf(definitions: Iterable<ParameterDefinition>): CatalogueFingerprint {
  const regulator: ParameterDefinition[] = [];
  const panel: ParameterDefinition[] = [];
  for (const d of definitions) (d.space === "panel" ? panel : regulator).push(d);
  const hash = createHash("sha256");
  hash.update(`gm3-catalogue/${FINGERPRINT_VERSION}\n`);
  for (const [space, list] of [
    ["regulator", regulator],
    ["panel", panel],
  ] as const) {
    list.sort((a, b) => a.wireIndex - b.wireIndex);
    hash.update(`${space} ${list.length}\n`);
    for (const d of list) {
      // JSON strings: a name or unit can hold any character, and this keeps fields apart.
      hash.update(
        `${d.wireIndex}\t${JSON.stringify(d.rawName)}\t${d.typeByte}\t${JSON.stringify(d.unit.raw)}\t${limitText(d.min)}\t${limitText(d.max)}\n`,
      );
    }
  }
  return { regulatorCount: regulator.length, panelCount: panel.length, hash: `sha256:${hash.digest("hex")}` };
}

export function sameFingerprint(a: CatalogueFingerprint, b: CatalogueFingerprint): boolean {
  return a.hash === b.hash && a.regulatorCount === b.regulatorCount && a.panelCount === b.panelCount;
}

export function isFingerprint(value: unknown): value is CatalogueFingerprint {
  const v = value as Partial<CatalogueFingerprint> | null;
  return (
    !!v && typeof v.hash === "string" && Number.isInteger(v.regulatorCount) && Number.isInteger(v.panelCount)
  );
}
