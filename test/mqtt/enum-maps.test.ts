/**
 * Every enum map of the default set (selects and enum sensors), rendered with Jinja2 as Home
 * Assistant renders it: every value the parameter's descriptor allows shows as one of `options`
 * (known values by name, the rest as `unknown_<n>` / `unknown_other`), anything else — no value, a
 * value the descriptor does not allow, text — as `None` (HA's unknown), never as text outside
 * `options`; a select's command template turns each known option back into its raw value.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/bridges/mqtt/ha/catalog.js";
import { allowedRange, MAX_LISTED_RANGE } from "../../src/bridges/mqtt/ha/options.js";
import { renderTemplates, type TemplateCase } from "../helpers/jinja.js";
import { profilePlan, profileStore } from "./profile-plan.js";

interface EnumEntity {
  index: number;
  component: string;
  options: string[];
  valueTemplate: string;
  commandTemplate?: string;
  min: number;
  max: number;
}

/** All seven circuits active, so that every circuit's maps are in the plan. */
function openStore() {
  const store = profileStore();
  const active = [279, 329, 901, 987, 1038, 781, 831];
  for (const index of active) store.setValue(index, 1, undefined, 0);
  return store;
}

function enumEntities(): EnumEntity[] {
  const store = openStore();
  const plan = profilePlan({ mode: "default" }, store);
  const result: EnumEntity[] = [];
  for (const [topic, payload] of plan.configs) {
    const config = JSON.parse(payload) as Record<string, unknown>;
    if (!Array.isArray(config.options)) continue;
    const [, component, , objectId] = topic.split("/");
    // Parameters' entities only (their object id is the index); the link health's discovery-state
    // enum is checked in link-health.test.ts.
    if (!/^\d+$/.test(objectId ?? "")) continue;
    const index = Number(objectId);
    const entry = store.get(index)!;
    const range = allowedRange(entry.definition.type, store.limitsOf(entry));
    result.push({
      index,
      component: component!,
      options: config.options as string[],
      valueTemplate: config.value_template as string,
      commandTemplate: config.command_template as string | undefined,
      ...range,
    });
  }
  return result;
}

/** The allowed values to render: all of a small range; the start, the end and a spread of a big one. */
function samples(entity: EnumEntity, known: number[]): number[] {
  const { min, max } = entity;
  if (max - min < 400) return Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const values = new Set<number>(known);
  for (let i = 0; i < 300; i++) values.add(min + i);
  for (let i = 0; i < 20; i++) values.add(max - i);
  for (let i = 1; i < 50; i++) values.add(Math.floor(min + ((max - min) * i) / 50));
  return [...values].filter((v) => v >= min && v <= max);
}

describe("enum and select maps cover every value the descriptor allows", () => {
  let entities: EnumEntity[];
  beforeAll(() => {
    entities = enumEntities();
  });

  it("finds every enum map of the catalogue in the plan", () => {
    const catalogued = [...DEFAULT_CATALOG].filter(([, hint]) => hint.options).map(([index]) => index);
    expect(entities.map((e) => e.index).sort((a, b) => a - b)).toEqual(catalogued.sort((a, b) => a - b));
    expect(entities.length).toBeGreaterThan(20);
  });

  it("renders every allowed value as an option, the known ones by their names", () => {
    const problems: string[] = [];
    const cases: TemplateCase[] = [];
    const checks: { entity: EnumEntity; value: number; expected: string | undefined }[] = [];
    for (const entity of entities) {
      const hint = DEFAULT_CATALOG.get(entity.index)!;
      const names: Record<number, string> = { ...hint.options, ...hint.readAliases };
      for (const value of samples(entity, Object.keys(names).map(Number))) {
        cases.push({ template: entity.valueTemplate, value: String(value) });
        checks.push({ entity, value, expected: names[value] });
      }
      const span = entity.max - entity.min + 1;
      if (span <= MAX_LISTED_RANGE) {
        for (let v = entity.min; v <= entity.max; v++) {
          if (names[v] === undefined && !entity.options.includes(`unknown_${v}`))
            problems.push(`${entity.index}: no unknown_${v}`);
        }
      }
    }
    const rendered = renderTemplates(cases);
    checks.forEach(({ entity, value, expected }, i) => {
      const shown = rendered[i]!;
      if (!entity.options.includes(shown))
        problems.push(`${entity.index}: ${value} → ${shown} (not an option)`);
      else if (expected !== undefined && shown !== expected)
        problems.push(`${entity.index}: ${value} → ${shown}, expected ${expected}`);
      else if (expected === undefined && !shown.startsWith("unknown_"))
        problems.push(`${entity.index}: unknown ${value} → ${shown}`);
    });
    expect(cases.length).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });

  it("renders anything else as None, never as text outside the options", () => {
    const cases: TemplateCase[] = [];
    const owners: EnumEntity[] = [];
    for (const entity of entities) {
      for (const value of ["None", "", "abc", "3.5", String(entity.min - 1), String(entity.max + 1), "1e3"]) {
        cases.push({ template: entity.valueTemplate, value });
        owners.push(entity);
      }
    }
    const rendered = renderTemplates(cases);
    const problems = rendered
      .map((shown, i) => ({ shown, entity: owners[i]!, value: cases[i]!.value }))
      .filter(({ shown, entity }) => shown !== "None" && !entity.options.includes(shown))
      .map(({ shown, entity, value }) => `${entity.index}: ${JSON.stringify(value)} → ${shown}`);
    expect(problems).toEqual([]);
  });

  it("sends a select's known options as their raw values and unknown ones as text (refused)", () => {
    const cases: TemplateCase[] = [];
    const expected: string[] = [];
    for (const entity of entities.filter((e) => e.component === "select")) {
      const hint = DEFAULT_CATALOG.get(entity.index)!;
      for (const [raw, label] of Object.entries(hint.options!)) {
        cases.push({ template: entity.commandTemplate!, value: label });
        expected.push(raw);
      }
      for (const option of entity.options.filter((o) => o.startsWith("unknown_"))) {
        cases.push({ template: entity.commandTemplate!, value: option });
        expected.push(option);
      }
    }
    expect(cases.length).toBeGreaterThan(10);
    expect(renderTemplates(cases)).toEqual(expected);
  });

  it("names the gaps of the maps the issue listed", () => {
    const byIndex = new Map(entities.map((e) => [e.index, e]));
    expect(byIndex.get(83)!.options).toEqual(["ch", "dhw", "unknown_1", "unknown_2", "unknown_other"]);
    expect(byIndex.get(162)!.options).toEqual([
      "summer",
      "winter",
      "auto",
      "unknown_0",
      "unknown_3",
      "unknown_4",
      "unknown_other",
    ]);
    expect(byIndex.get(1385)!.options).toEqual(["level_1", "level_2", "unknown_1", "unknown_other"]);
    expect(byIndex.get(1350)!.options).not.toContain("mode_2");
    expect(byIndex.get(1350)!.options).toContain("unknown_2");
    expect(byIndex.get(236)!.options).toEqual(["off", "comfort", "eco", "schedule"]);
  });
});
