/**
 * The default MQTT set must publish every parameter an entity of the Home Assistant integration
 * reads (HA-COMPAT.md §10–§11) and the heat pump's software version of its device info (§4), so an
 * MQTT-only Home Assistant gets the same entities. The indices are embedded (derived once from
 * HA-COMPAT.md), so the test passes on a fresh clone; where ../shared is beside the repository the
 * embedded list is also checked against the document, so neither can drift from the other (without
 * it those two tests are reported skipped, with the reason in their titles).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG } from "../../src/bridges/mqtt/index.js";
import { HA_CIRCUIT_INDICES } from "../helpers/ha-compat-indices.js";

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** §11.1–§11.3: the "Index" column of the controller, DHW and heat-pump tables. */
const DEVICE_TABLES: readonly number[] = [
  0, 1, 10, 13, 14, 61, 68, 81, 82, 83, 103, 104, 108, 112, 113, 115, 119, 134, 135, 136, 137, 138, 162, 163,
  164, 374, 377, 380, 860, 863, 479, 481, 485, 495, 498, 499, 503, 612, 702, 703, 1047, 1048, 1049, 1050,
  1051, 1052, 1053, 1133, 1134, 1135, 1137, 1139, 1142, 1143, 1196, 1198, 1208, 1209, 1217, 1223, 1233, 1234,
  1271, 1285, 1286, 1287, 1288, 1289, 1290, 1291, 1350, 1365, 1366, 1369, 1370, 1385, 1386, 1431, 1439, 1440,
  1441, 1443, 1444, 1445, 1446,
];

/** §11.4: columns C1–C7 of the circuits table. */
const CIRCUIT_TABLE = HA_CIRCUIT_INDICES;

/** §10: the AM/PM pairs of the ten schedules, Sunday AM … Saturday PM. */
const SCHEDULE_TABLE: readonly number[] = [
  ...range(120, 133),
  ...range(926, 939),
  ...range(1387, 1400),
  ...range(247, 260),
  ...range(297, 310),
  ...range(881, 894),
  ...range(955, 968),
  ...range(1006, 1019),
  ...range(867, 880),
  ...range(845, 858),
];

/** §11.4's "Additional indices used by the climate entity" (prose, not a table). */
const CLIMATE_EXTRA: readonly number[] = [485, 1350, ...range(1353, 1359), 1361];

/** §4's device info: the heat-pump device's software version. */
const DEVICE_INFO: readonly number[] = [1283];

const TABLES = new Set([...DEVICE_TABLES, ...CIRCUIT_TABLE, ...SCHEDULE_TABLE]);

describe("the default MQTT set", () => {
  it.each([
    ["§10 schedules", SCHEDULE_TABLE],
    ["§11.1–§11.3 device tables", DEVICE_TABLES],
    ["§11.4 circuits table", CIRCUIT_TABLE],
    ["§11.4 climate entity", CLIMATE_EXTRA],
    ["§4 device info", DEVICE_INFO],
  ] as const)("publishes every index of HA-COMPAT.md's %s", (_table, indices) => {
    expect(indices.length).toBeGreaterThan(0);
    expect(indices.filter((index) => !DEFAULT_CATALOG.has(index))).toEqual([]);
  });

  it("publishes the heat pump's software version (1283) as a diagnostic", () => {
    expect(DEFAULT_CATALOG.get(1283)).toMatchObject({ category: "diagnostic" });
  });
});

const DOC = fileURLToPath(new URL("../../../shared/HA-COMPAT.md", import.meta.url));

/** Every index in the index columns of §10–§11's tables ("a … b" is the range a..b). */
function tableIndices(doc: string): Set<number> {
  const section = doc.slice(doc.indexOf("\n## 10."), doc.indexOf("\n## 12."));
  const found = new Set<number>();
  let header: string[] | undefined;
  for (const line of section.split("\n")) {
    if (!line.startsWith("|")) {
      header = undefined;
      continue;
    }
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (header === undefined) {
      header = cells;
      continue;
    }
    cells.forEach((cell, i) => {
      const column = header?.[i] ?? "";
      if (column !== "Index" && !/^C\d$/.test(column) && !column.startsWith("AM/PM index")) return;
      const numbers = [...cell.matchAll(/\d+/g)].map((match) => Number(match[0]));
      if (cell.includes("…")) for (const n of range(Math.min(...numbers), Math.max(...numbers))) found.add(n);
      else for (const n of numbers) found.add(n);
    });
  }
  return found;
}

// Always registered: a fresh clone without ../shared lists these tests as skipped, with the reason
// in the title (the embedded lists above are still checked by the tests before this one).
const docPresent = existsSync(DOC);
const skipped = docPresent ? "" : ` — SKIPPED: ${DOC} not found (clone next to shared/ to run it)`;
const readDoc = () => readFileSync(DOC, "utf8");

describe("the embedded index lists (cross-checked with ../shared/HA-COMPAT.md)", () => {
  it.skipIf(!docPresent)(`are exactly the indices of §10–§11's tables${skipped}`, () => {
    const sorted = (set: Iterable<number>) => [...set].sort((a, b) => a - b);
    expect(sorted(TABLES)).toEqual(sorted(tableIndices(readDoc())));
  });

  it.skipIf(!docPresent)(
    `name the climate entity's extra indices and the heat pump's software version as the text does${skipped}`,
    () => {
      const doc = readDoc();
      const climate = /Additional indices used by the climate entity:([\s\S]*?)\n\n/.exec(doc)?.[1] ?? "";
      const named = [...climate.matchAll(/\((\d+)(?:–(\d+))?[;,)]/g)].flatMap((match) =>
        range(Number(match[1]), Number(match[2] ?? match[1])),
      );
      expect(named.sort((a, b) => a - b)).toEqual([...CLIMATE_EXTRA]);
      expect(doc).toMatch(/heat-pump device software = index 1283/);
    },
  );
});
