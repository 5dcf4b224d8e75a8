/**
 * The expert gate's list (`expert-parameters.json`, data with the reason for each entry): service
 * parameters that reset, flash, set the clock of, test or re-identify the controller or its panel.
 * The writer refuses writes to the gated ones unless EXPERT_WRITES; MQTT discovery never offers
 * them; the dashboard locks them and names the consequence before an expert write.
 */
import catalogue from "./expert-parameters.json" with { type: "json" };

export const EXPERT_KINDS = ["reset", "flash", "clock", "test", "factory", "bus"] as const;
export type ExpertKind = (typeof EXPERT_KINDS)[number];

export interface ExpertEntry {
  space: "regulator" | "panel";
  /** Where the ecoMAX360i has it (for people and the schema test; matching is by space and name). */
  index: number;
  /** The descriptor's name as the API serves it. */
  name: string;
  kind: ExpertKind;
  /** What a write does, in words a dashboard can put in front of a person. */
  consequence: string;
  /** Only for confirm-only entries: why they are not gated. */
  why?: string;
}

/** A parameter whose name suggests a service action but which was judged ordinary, and why. */
export interface ReviewedEntry {
  space: "regulator" | "panel";
  index: number;
  name: string;
  why: string;
}

export interface ExpertCatalogue {
  /** Refused (403 expert-only) unless EXPERT_WRITES=true. */
  gated: readonly ExpertEntry[];
  /** Writable as usual; the dashboard asks before sending. */
  confirmOnly: readonly ExpertEntry[];
  /** Neither: the record of what was looked at and left alone. */
  reviewed: readonly ReviewedEntry[];
}

/** What the catalogue says about one parameter. */
export interface ExpertRule {
  entry: ExpertEntry;
  /** true: an expert-only parameter; false: writable, but worth a confirmation. */
  gated: boolean;
}

/** Why a catalogue is malformed (the schema test and the start-up check use it). */
export class ExpertCatalogueError extends Error {
  override readonly name = "ExpertCatalogueError";
}

const REASON_MIN_LENGTH = 20;

/** The fields every list shares; checks that no other field is there. */
function placeOf(raw: unknown, where: string, fields: readonly string[]) {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new ExpertCatalogueError(`${where} is not an object`);
  const entry = raw as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (!["space", "index", "name", ...fields].includes(key))
      throw new ExpertCatalogueError(`${where} has an unknown field "${key}"`);
  }
  const { space, index, name } = entry;
  if (space !== "regulator" && space !== "panel")
    throw new ExpertCatalogueError(`${where}.space must be "regulator" or "panel"`);
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > 0xffff)
    throw new ExpertCatalogueError(`${where}.index must be a parameter index`);
  if ((space === "panel") !== index >= 10_000)
    throw new ExpertCatalogueError(`${where}.index ${index} is not in the ${space} space`);
  if (typeof name !== "string" || name === "" || name.includes(" "))
    throw new ExpertCatalogueError(`${where}.name must be an API name (no spaces)`);
  return {
    entry,
    place: { space, index, name } as { space: "regulator" | "panel"; index: number; name: string },
  };
}

function reasonOf(value: unknown, where: string, what: string): string {
  if (typeof value !== "string" || value.trim().length < REASON_MIN_LENGTH)
    throw new ExpertCatalogueError(`${where} must say ${what}`);
  return value;
}

function entryOf(raw: unknown, where: string, confirmOnly: boolean): ExpertEntry {
  const { entry, place } = placeOf(
    raw,
    where,
    confirmOnly ? ["kind", "consequence", "why"] : ["kind", "consequence"],
  );
  const { kind } = entry;
  if (typeof kind !== "string" || !(EXPERT_KINDS as readonly string[]).includes(kind))
    throw new ExpertCatalogueError(`${where}.kind must be one of ${EXPERT_KINDS.join(", ")}`);
  const consequence = reasonOf(entry.consequence, `${where}.consequence`, "what a write does");
  if (!confirmOnly) return { ...place, kind: kind as ExpertKind, consequence };
  return {
    ...place,
    kind: kind as ExpertKind,
    consequence,
    why: reasonOf(entry.why, `${where}.why`, "why it is not gated"),
  };
}

function reviewedOf(raw: unknown, where: string): ReviewedEntry {
  const { entry, place } = placeOf(raw, where, ["why"]);
  return { ...place, why: reasonOf(entry.why, `${where}.why`, "why it is left writable") };
}

/** Checks a catalogue's shape; throws ExpertCatalogueError naming the first problem. */
export function parseExpertCatalogue(raw: unknown): ExpertCatalogue {
  if (raw === null || typeof raw !== "object")
    throw new ExpertCatalogueError("the catalogue is not an object");
  const { gated, confirmOnly, reviewed } = raw as Record<string, unknown>;
  if (!Array.isArray(gated) || !Array.isArray(confirmOnly) || !Array.isArray(reviewed))
    throw new ExpertCatalogueError('the catalogue needs "gated", "confirmOnly" and "reviewed" lists');
  const parsed: ExpertCatalogue = {
    gated: gated.map((entry, i) => entryOf(entry, `gated[${i}]`, false)),
    confirmOnly: confirmOnly.map((entry, i) => entryOf(entry, `confirmOnly[${i}]`, true)),
    reviewed: reviewed.map((entry, i) => reviewedOf(entry, `reviewed[${i}]`)),
  };
  const seen = new Set<string>();
  for (const entry of [...parsed.gated, ...parsed.confirmOnly, ...parsed.reviewed]) {
    for (const key of [`${entry.space}:${entry.name}`, `#${entry.index}`]) {
      if (seen.has(key)) throw new ExpertCatalogueError(`${key} is listed twice`);
      seen.add(key);
    }
  }
  return parsed;
}

export const EXPERT_CATALOGUE: ExpertCatalogue = parseExpertCatalogue(catalogue);

const rules = new Map<string, ExpertRule>([
  ...EXPERT_CATALOGUE.gated.map((entry) => [`${entry.space}:${entry.name}`, { entry, gated: true }] as const),
  ...EXPERT_CATALOGUE.confirmOnly.map(
    (entry) => [`${entry.space}:${entry.name}`, { entry, gated: false }] as const,
  ),
]);

/** The catalogue's rule for a parameter (matched by space and name), if it has one. */
export function expertRuleOf(definition: {
  space: "regulator" | "panel";
  name: string;
}): ExpertRule | undefined {
  return rules.get(`${definition.space}:${definition.name}`);
}

/** Whether writes to this parameter need EXPERT_WRITES. */
export function isExpertOnly(definition: { space: "regulator" | "panel"; name: string }): boolean {
  return expertRuleOf(definition)?.gated === true;
}
