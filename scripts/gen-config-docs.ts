/**
 * Rewrites the configuration table of docs/configuration.md and config.example.yaml from the
 * settings schema. Run after changing src/config/schema.ts: `npx tsx scripts/gen-config-docs.ts`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CONFIG_PAGE, EXAMPLE_FILE, renderExampleYaml, withCurrentTable } from "../src/config/docs.js";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const pagePath = join(root, CONFIG_PAGE);
writeFileSync(pagePath, withCurrentTable(readFileSync(pagePath, "utf8")));
writeFileSync(join(root, EXAMPLE_FILE), renderExampleYaml());
process.stdout.write(`updated ${CONFIG_PAGE} and ${EXAMPLE_FILE}\n`);
