/**
 * Documentation generated from the schema: the configuration table of docs/configuration.md and
 * config.example.yaml. `npx tsx scripts/gen-config-docs.ts` writes both; a test checks they are current.
 */
import { displayValue } from "./present.js";
import { SETTING_GROUPS, type SettingKey, settingKeys, specOf, yamlKeyOf } from "./schema.js";

export const TABLE_START = "<!-- config-table:start -->";
export const TABLE_END = "<!-- config-table:end -->";
/** The page that holds the configuration table, relative to the repository. */
export const CONFIG_PAGE = "docs/configuration.md";
export const EXAMPLE_FILE = "config.example.yaml";
const GENERATOR = "scripts/gen-config-docs.ts";

function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}

function code(text: string): string {
  return `\`${text}\``;
}

function keysOf(group: string): SettingKey[] {
  return settingKeys.filter((key) => specOf(key).group === group);
}

function defaultCell(key: SettingKey): string {
  const spec = specOf(key);
  const shown = displayValue(key, spec.default as never);
  const meaning =
    spec.emptyMeaning && shown.endsWith(`(${spec.emptyMeaning})`) ? ` (${spec.emptyMeaning})` : "";
  return code(meaning ? shown.slice(0, -meaning.length) : shown) + meaning;
}

/** A Markdown table with padded columns (the layout Biome's formatter keeps). */
function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

const TABLE_HEADER = ["Environment", "YAML key", "Default", "Allowed", "Description"];

/** The Markdown that goes between the config-table markers of docs/configuration.md. */
export function renderConfigTable(): string {
  const lines = [`<!-- Generated from src/config/schema.ts by ${GENERATOR}; do not edit by hand. -->`];
  for (const group of SETTING_GROUPS) {
    const rows = keysOf(group).map((key) => {
      const spec = specOf(key);
      const aliases = spec.aliases?.length ? ` Alias: ${spec.aliases.map(code).join(", ")}.` : "";
      const former = spec.formerName
        ? ` Formerly ${code(spec.formerName)} (still read, with a warning).`
        : "";
      const secret = spec.secret ? " Secret: masked in `gm3 config` and logs." : "";
      return [
        code(spec.env),
        code(yamlKeyOf(key)),
        defaultCell(key),
        spec.kind.allowed,
        spec.doc + aliases + former + secret,
      ].map(cell);
    });
    lines.push("", `#### ${group}`, "", ...markdownTable(TABLE_HEADER, rows));
  }
  return lines.join("\n");
}

/** A page's text with the region between the markers replaced by the current table. */
export function withCurrentTable(page: string): string {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the page has no ${TABLE_START} … ${TABLE_END} region`);
  return `${page.slice(0, start + TABLE_START.length)}\n${renderConfigTable()}\n${page.slice(end)}`;
}

function wrapComment(text: string, width = 98): string[] {
  const lines: string[] = [];
  let line = "#";
  for (const word of text.split(" ")) {
    if (line.length + word.length + 1 > width && line !== "#") {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** The commented example configuration: every setting, commented out at its default. */
export function renderExampleYaml(): string {
  const lines = [
    `# econet-gm3-gateway configuration example, generated from src/config/schema.ts by ${GENERATOR}.`,
    "# Copy it to config.yaml (read from the working directory) or point --config / CONFIG_FILE at it,",
    "# then uncomment and change what you need. Environment variables win over this file.",
    "# Durations are seconds unless the setting's name says otherwise; suffixes ms/s/min/h also work.",
  ];
  for (const group of SETTING_GROUPS) {
    lines.push("", `# ---- ${group} ----`);
    for (const key of keysOf(group)) {
      const spec = specOf(key);
      const aliases = spec.aliases?.length ? ` (aliases: ${spec.aliases.join(", ")})` : "";
      const former = spec.formerName ? ` Formerly ${spec.formerName}.` : "";
      lines.push("", ...wrapComment(spec.doc), ...wrapComment(`Allowed: ${spec.kind.allowed}.`));
      lines.push(`# Environment: ${spec.env}${aliases}.${former}`);
      lines.push(`# ${yamlKeyOf(key)}: ${spec.kind.toYaml(spec.default)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
