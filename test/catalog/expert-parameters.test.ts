/**
 * The expert gate's list (src/catalog/expert-parameters.json) against the project's own copy of
 * the ecoMAX360i's descriptors (profiles/ecomax360i.json): every entry names a real, writable
 * parameter at its index; every writable parameter whose name suggests a reset, erase, flash,
 * clock, factory or test action was decided on (gated, confirm-only or reviewed, each with a
 * reason); and nothing Home Assistant writes is gated.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/bridges/mqtt/ha/catalog.js";
import {
  EXPERT_CATALOGUE,
  ExpertCatalogueError,
  expertRuleOf,
  isExpertOnly,
  parseExpertCatalogue,
} from "../../src/catalog/expert-parameters.js";
import { apiName } from "../../src/store/definition.js";
import { HA_CIRCUIT_INDICES } from "../helpers/ha-compat-indices.js";

interface Space {
  indexOffset: number;
  name: string[];
  typeByte: number[];
}
const profile = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "profiles", "ecomax360i.json"), "utf8"),
) as {
  spaces: { regulator: Space; panel: Space };
};
const raw = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "src", "catalog", "expert-parameters.json"), "utf8"),
) as Record<string, unknown>;

const WRITABLE = 0x20;
function descriptor(space: "regulator" | "panel", index: number) {
  const columns = profile.spaces[space];
  const wire = index - columns.indexOffset;
  const name = columns.name[wire];
  return name === undefined
    ? undefined
    : { name: apiName(name), writable: (columns.typeByte[wire]! & WRITABLE) !== 0 };
}

/** Names that suggest an action on the controller itself rather than a setting. */
const SERVICE_NAME =
  /(?<!p)reset|erase|erease|flash|factory|rtc|tester|reboot|restart|forget|kasow|default|manual|save|update|wizard|^FN$|^Address$|time_panel|date/i;

describe("the expert-parameter catalogue", () => {
  it("gates at least the five service parameters the hostile-input campaign found", () => {
    for (const name of ["FactorySetup", "FlashsaveParams", "FlasherasePArams", "RTCSet", "TesterModuleKey"]) {
      expect(isExpertOnly({ space: "regulator", name }), name).toBe(true);
    }
    expect(EXPERT_CATALOGUE.gated.length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ...EXPERT_CATALOGUE.gated.map((e) => ["gated", e] as const),
    ...EXPERT_CATALOGUE.confirmOnly.map((e) => ["confirm-only", e] as const),
    ...EXPERT_CATALOGUE.reviewed.map((e) => ["reviewed", e] as const),
  ])("%s %o names a writable parameter of the ecoMAX360i at its index", (_list, entry) => {
    expect(descriptor(entry.space, entry.index)).toEqual({ name: entry.name, writable: true });
  });

  it("has decided on every writable parameter whose name suggests a service action", () => {
    const decided = new Set(
      [...EXPERT_CATALOGUE.gated, ...EXPERT_CATALOGUE.confirmOnly, ...EXPERT_CATALOGUE.reviewed].map(
        (e) => `${e.space}:${e.name}`,
      ),
    );
    const undecided: string[] = [];
    for (const space of ["regulator", "panel"] as const) {
      const columns = profile.spaces[space];
      columns.name.forEach((rawName, wire) => {
        const name = apiName(rawName);
        if (name === "" || (columns.typeByte[wire]! & WRITABLE) === 0 || !SERVICE_NAME.test(name)) return;
        if (!decided.has(`${space}:${name}`)) undecided.push(`${columns.indexOffset + wire} ${name}`);
      });
    }
    expect(undecided).toEqual([]);
  });

  it("gates nothing the Home Assistant integration writes; its reboot button (1369) stays writable, with a confirmation", () => {
    const haIndices = new Set([...DEFAULT_CATALOG.keys(), ...HA_CIRCUIT_INDICES]);
    const gatedHa = EXPERT_CATALOGUE.gated.filter((e) => haIndices.has(e.index));
    expect(gatedHa).toEqual([]);
    const reboot = expertRuleOf({ space: "regulator", name: "AXEN_REGISTER_2150_RW-reboot_unit" });
    expect(reboot?.gated).toBe(false);
    expect(reboot?.entry.why).toMatch(/HA-COMPAT\.md §11\.3/);
    expect(reboot?.entry.consequence).toMatch(/Restarts/);
  });

  it("matches by space and name, so the panel's FN is gated apart from the controller's", () => {
    expect(isExpertOnly({ space: "panel", name: "FN" })).toBe(true);
    expect(isExpertOnly({ space: "regulator", name: "FN" })).toBe(true);
    expect(isExpertOnly({ space: "panel", name: "FactorySetup" })).toBe(false);
    expect(isExpertOnly({ space: "regulator", name: "HDWTSetPoint" })).toBe(false);
    expect(expertRuleOf({ space: "regulator", name: "factorysetup" })).toBeUndefined();
  });

  it("says for every entry what it is and what a write does", () => {
    for (const entry of [...EXPERT_CATALOGUE.gated, ...EXPERT_CATALOGUE.confirmOnly]) {
      expect(["reset", "flash", "clock", "test", "factory", "bus"]).toContain(entry.kind);
      expect(entry.consequence.length, entry.name).toBeGreaterThan(40);
      expect(entry.consequence, entry.name).toMatch(/\.$/);
    }
  });

  it("refuses a malformed catalogue, naming the first problem", () => {
    const gated = (raw.gated as Record<string, unknown>[])[0]!;
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [{ gated: [] }, /"gated", "confirmOnly" and "reviewed"/],
      [{ ...raw, gated: [{ ...gated, extra: 1 }] }, /gated\[0\] has an unknown field "extra"/],
      [{ ...raw, gated: [{ ...gated, kind: "danger" }] }, /gated\[0\]\.kind must be one of/],
      [
        { ...raw, gated: [{ ...gated, consequence: "bad" }] },
        /gated\[0\]\.consequence must say what a write does/,
      ],
      [{ ...raw, gated: [{ ...gated, space: "panel" }] }, /not in the panel space/],
      [{ ...raw, gated: [{ ...gated, name: "Factory Setup" }] }, /API name/],
      [{ ...raw, gated: [gated, gated] }, /listed twice/],
      [{ ...raw, confirmOnly: [{ ...gated }] }, /confirmOnly\[0\]\.why must say why it is not gated/],
      [{ ...raw, reviewed: [{ space: "regulator", index: 609, name: "x", why: "" }] }, /reviewed\[0\]\.why/],
    ];
    for (const [catalogue, message] of cases) {
      expect(() => parseExpertCatalogue(catalogue)).toThrow(ExpertCatalogueError);
      expect(() => parseExpertCatalogue(catalogue)).toThrow(message);
    }
    expect(parseExpertCatalogue(raw)).toEqual(EXPERT_CATALOGUE);
  });
});
