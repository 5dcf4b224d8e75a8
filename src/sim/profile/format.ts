/**
 * The simulator's device profile: the project's own compact, columnar JSON format
 * (`profiles/*.json`, written by `scripts/build-sim-profile.ts`).
 *
 * ```jsonc
 * {
 *   "format": "gm3-sim-profile", "version": 1,
 *   "source": { "file": "ecomax360i-parameters.json", "sha256": "…", "entries": 1870 },
 *   "units": { "inferred": true, "rule": "…" },       // unit strings are NOT from the device
 *   "identity": ["PLUM Sp. z o. o.", …],               // the controller's six IDENTIFY strings
 *   "spaces": {
 *     "regulator": { "indexOffset": 0, "count": 1447, "name": […], "typeByte": […], "unit": […],
 *                    "min": […], "minRef": […], "max": […], "maxRef": […], "nonvolatile": […], "value": […] },
 *     "panel":     { "indexOffset": 10000, "count": 423, … same columns … }
 *   }
 * }
 * ```
 *
 * Every column is an array indexed by wire index (`count` long). Per parameter:
 * - `typeByte`: the descriptor type byte (PROTOCOL.md §8.1): type code | 0x10 | 0x20 if writable.
 * - `min`/`max`: literal limit (unscaled integer) or null; `minRef`/`maxRef`: index (same space) of the
 *   parameter whose current value is the limit, or null. Both null = no limit.
 * - `nonvolatile`: 1 or 0.
 * - `value`: the initial value in its wire type; `null` stands for NaN (floats without a reading),
 *   bools are JSON booleans.
 */
import type { ParameterValue } from "../../protocol/index.js";

export const PROFILE_FORMAT = "gm3-sim-profile";
export const PROFILE_VERSION = 1;

export type ProfileValue = number | string | boolean | null;

export interface SpaceColumns {
  /** Index the API adds to a wire index of this space (PROTOCOL.md §9). */
  indexOffset: number;
  count: number;
  name: string[];
  typeByte: number[];
  unit: string[];
  min: (number | null)[];
  minRef: (number | null)[];
  max: (number | null)[];
  maxRef: (number | null)[];
  nonvolatile: (0 | 1)[];
  value: ProfileValue[];
}

export interface ProfileFile {
  format: typeof PROFILE_FORMAT;
  version: typeof PROFILE_VERSION;
  description: string;
  source: { file: string; sha256: string; entries: number };
  generator: string;
  units: { inferred: true; rule: string };
  identity: string[];
  spaces: { regulator: SpaceColumns; panel: SpaceColumns };
}

/** One parameter as the simulator serves it (either space, or the thermostat). */
export interface SimParameter {
  name: string;
  unit: string;
  typeByte: number;
  /** Low nibble of the type byte. */
  typeCode: number;
  writable: boolean;
  min: SimLimit;
  max: SimLimit;
  nonvolatile: boolean;
  /** Initial value; NaN for a float without a reading. */
  value: ParameterValue;
}

export type SimLimit =
  | { kind: "none" }
  | { kind: "literal"; value: number }
  | { kind: "reference"; index: number };

export interface SimProfile {
  identity: readonly string[];
  regulator: readonly SimParameter[];
  panel: readonly SimParameter[];
  /** Where the profile came from (for messages). */
  origin: string;
}
