import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CONFIG_PAGE,
  EXAMPLE_FILE,
  renderConfigTable,
  renderExampleYaml,
  TABLE_END,
  TABLE_START,
  withCurrentTable,
} from "../../src/config/docs.js";
import { loadConfig, settingKeys, settingsSchema, yamlKeyOf } from "../../src/config/index.js";

const root = join(import.meta.dirname, "..", "..");
const regenerate = "run `npx tsx scripts/gen-config-docs.ts` and commit the result";

describe("generated configuration docs", () => {
  it(`${CONFIG_PAGE}'s configuration table is current`, () => {
    const page = readFileSync(join(root, CONFIG_PAGE), "utf8");
    expect(
      page.includes(TABLE_START) && page.includes(TABLE_END),
      `${CONFIG_PAGE} lacks the table markers`,
    ).toBe(true);
    expect(withCurrentTable(page) === page, `${CONFIG_PAGE}'s table is out of date: ${regenerate}`).toBe(
      true,
    );
  });

  it(`${EXAMPLE_FILE} is current`, () => {
    const example = readFileSync(join(root, EXAMPLE_FILE), "utf8");
    expect(example === renderExampleYaml(), `${EXAMPLE_FILE} is out of date: ${regenerate}`).toBe(true);
  });

  it("the table has one row per setting, with its environment name and YAML key", () => {
    const table = renderConfigTable();
    for (const key of settingKeys) {
      const env = settingsSchema[key].env;
      expect(table).toMatch(new RegExp(`^\\| \`${env}\` +\\| \`${yamlKeyOf(key)}\` +\\|`, "m"));
    }
    expect(table.split("\n").filter((line) => line.startsWith("| `"))).toHaveLength(settingKeys.length);
  });

  it("the example, with every setting uncommented, loads to exactly the defaults", () => {
    const keys = new Set(settingKeys.map(yamlKeyOf));
    const uncommented = renderExampleYaml().replace(/^# ([a-z0-9_]+): /gm, (line, key: string) =>
      keys.has(key) ? `${key}: ` : line,
    );
    const dir = mkdtempSync(join(tmpdir(), "gm3-example-"));
    try {
      const file = join(dir, "config.yaml");
      writeFileSync(file, uncommented);
      const fromFile = loadConfig({ env: {}, configFile: file, cwd: dir });
      const defaults = loadConfig({ env: {}, cwd: dir });
      expect(settingKeys.every((key) => fromFile.sources[key].source === "file")).toBe(true);
      expect(fromFile.config).toEqual(defaults.config);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("replaces only the region between the markers", () => {
    const text = `intro\n${TABLE_START}\nOUTDATED-ROW\n${TABLE_END}\noutro\n`;
    const updated = withCurrentTable(text);
    expect(updated.startsWith(`intro\n${TABLE_START}\n`)).toBe(true);
    expect(updated.endsWith(`\n${TABLE_END}\noutro\n`)).toBe(true);
    expect(updated).not.toContain("OUTDATED-ROW");
    expect(() => withCurrentTable("no markers")).toThrow(/config-table:start/);
  });
});
