/**
 * Rewrites the README's configuration table and config.example.yaml from the settings schema.
 * Run after changing src/config/schema.ts: `npx tsx scripts/gen-config-docs.ts`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXAMPLE_FILE, renderExampleYaml, withCurrentTable } from "../src/config/docs.js";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const readmePath = join(root, "README.md");
writeFileSync(readmePath, withCurrentTable(readFileSync(readmePath, "utf8")));
writeFileSync(join(root, EXAMPLE_FILE), renderExampleYaml());
process.stdout.write(`updated README.md and ${EXAMPLE_FILE}\n`);
