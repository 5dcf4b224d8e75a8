/**
 * Regenerates `profiles/ecomax360i.json` from the parameter dump:
 *   npx tsx scripts/build-sim-profile.ts [dump.json] [out.json]
 * Defaults: ../shared/fixtures/ecomax360i-parameters.json → profiles/ecomax360i.json.
 * The generated file is committed; the simulator never needs the dump at run time.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildProfile, serializeProfile } from "../src/sim/profile/build.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const input = process.argv[2] ?? join(root, "..", "shared", "fixtures", "ecomax360i-parameters.json");
const output = process.argv[3] ?? join(root, "profiles", "ecomax360i.json");

let text: string;
try {
  text = readFileSync(input, "utf8");
} catch (error) {
  process.stderr.write(`cannot read the parameter dump ${input}: ${(error as Error).message}\n`);
  process.exit(2);
}
const profile = buildProfile(text, basename(input));
writeFileSync(output, serializeProfile(profile));
const { regulator, panel } = profile.spaces;
process.stdout.write(`wrote ${output}: ${regulator.count} regulator + ${panel.count} panel parameters\n`);
