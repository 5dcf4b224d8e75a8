/**
 * The Home Assistant hint catalogue as data (src/catalog/ha-hints.json): its shape — every hint
 * spelled with known fields of the right types and known presets, gates that exist, seven indices
 * per circuit field, schedules gated by a known gate or circuit — no index given two hints (a
 * later one would silently replace the earlier), and what the bridge builds from it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildCatalog,
  DEFAULT_CATALOG,
  HintCatalogueError,
  type HintCatalogueFile,
} from "../../src/bridges/mqtt/ha/catalog.js";

const file = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "src", "catalog", "ha-hints.json"), "utf8"),
) as HintCatalogueFile;

const STRINGS = ["label", "unit", "deviceClass", "valueTemplate"];
const NUMBERS = ["min", "max", "step", "pressValue"];
const ENUMS: Record<string, readonly string[]> = {
  stateClass: ["measurement", "total", "total_increasing"],
  category: ["config", "diagnostic"],
  component: ["sensor", "button", "binary_sensor"],
};

/** What is wrong with one spelling, as readable lines. */
function problems(spelling: Record<string, unknown>, where: string): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(spelling)) {
    const bad = (what: string) => out.push(`${where}: ${key} ${what} (${JSON.stringify(value)})`);
    if (STRINGS.includes(key)) {
      if (typeof value !== "string") bad("is not a string");
    } else if (NUMBERS.includes(key)) {
      if (typeof value !== "number" || !Number.isFinite(value)) bad("is not a number");
    } else if (key in ENUMS) {
      if (!ENUMS[key]!.includes(value as string)) bad("is not one of the allowed values");
    } else if (key === "options" || key === "readAliases") {
      const entries = Object.entries(value as Record<string, unknown>);
      if (
        entries.length === 0 ||
        entries.some(([raw, label]) => !/^\d+$/.test(raw) || typeof label !== "string")
      )
        bad("is not a map of whole numbers to names");
    } else if (key === "presets") {
      if (!Array.isArray(value) || value.some((name) => !(name in file.presets)))
        bad("names an unknown preset");
    } else bad("is not a hint field");
  }
  return out;
}

describe("the Home Assistant hint catalogue (data)", () => {
  it("spells every hint with known fields, types and presets", () => {
    const all = [
      ...Object.entries(file.presets).map(([name, p]) => problems({ ...p }, `preset ${name}`)),
      ...file.groups.flatMap((g) =>
        Object.entries(g.hints).map(([index, h]) => problems({ ...h }, `${g.name} ${index}`)),
      ),
      ...file.circuits.fields.map((f) => problems({ ...f.hint }, `circuit field ${f.field}`)),
    ].flat();
    expect(all).toEqual([]);
  });

  it("gates with gates that exist, seven circuits per field, fourteen indices per schedule", () => {
    for (const group of file.groups) if (group.gate) expect(file.gates).toHaveProperty(group.gate);
    for (const gate of Object.values(file.gates)) expect(["sensor-present", "positive"]).toContain(gate.kind);
    expect(file.circuits.fields.map((f) => f.field)).toContain("active");
    for (const field of file.circuits.fields) expect(field.indices).toHaveLength(7);
    expect(file.schedules.days).toHaveLength(7);
    for (const entry of file.schedules.entries) {
      if (entry.circuit !== undefined) expect(entry.circuit >= 1 && entry.circuit <= 7).toBe(true);
      if (entry.gate !== undefined) expect(file.gates).toHaveProperty(entry.gate);
    }
    const circuitIndices = new Set(file.circuits.fields.flatMap((f) => f.indices));
    for (const index of file.circuits.misnamed) expect(circuitIndices.has(index)).toBe(true);
  });

  it("gives no index two hints", () => {
    const indices = [
      ...file.groups.flatMap((g) => Object.keys(g.hints).map(Number)),
      ...file.circuits.fields.flatMap((f) => f.indices),
      ...file.schedules.entries.flatMap((e) => Array.from({ length: 14 }, (_, i) => e.sundayAm + i)),
    ];
    const seen = new Set<number>();
    const twice = indices.filter((index) => seen.has(index) || !seen.add(index));
    expect(twice).toEqual([]);
    expect(DEFAULT_CATALOG.size).toBe(indices.length);
  });

  it("builds the hints the bridge uses", () => {
    expect(DEFAULT_CATALOG.get(1285)).toMatchObject({
      label: "Energy consumed total",
      unit: "kWh",
      stateClass: "total_increasing",
    });
    expect(DEFAULT_CATALOG.get(103)).toMatchObject({
      label: "DHW target temperature",
      min: 35,
      max: 65,
      gate: { kind: "sensor-present", index: 61 },
    });
    expect(DEFAULT_CATALOG.get(329)).toEqual({
      label: "Circuit 2 active",
      category: "diagnostic",
      component: "binary_sensor",
      gate: undefined,
    });
    expect(DEFAULT_CATALOG.get(768)?.label).toBe("");
    expect(DEFAULT_CATALOG.get(121)).toEqual({
      label: "DHW schedule Sunday PM",
      gate: { kind: "sensor-present", index: 61 },
      category: "config",
    });
  });

  it("refuses a file naming an unknown preset or gate", () => {
    const broken = (change: (f: HintCatalogueFile) => void) => {
      const copy = structuredClone(file) as HintCatalogueFile & {
        groups: { gate?: string; hints: Record<string, unknown> }[];
      };
      change(copy);
      return () => buildCatalog(copy);
    };
    expect(
      broken(
        (f) => ((f.groups[0]!.hints as Record<string, unknown>)["0"] = { label: "x", presets: ["nope"] }),
      ),
    ).toThrow(HintCatalogueError);
    expect(broken((f) => ((f.groups[1] as { gate?: string }).gate = "nope"))).toThrow(HintCatalogueError);
  });
});
