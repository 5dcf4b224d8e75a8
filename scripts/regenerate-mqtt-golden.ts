/**
 * Rewrites test/mqtt/golden/*.json: the Home Assistant discovery configs of a few representative
 * parameters of the bundled simulator profile, as the MQTT bridge builds them. Deterministic (no bus,
 * no clock). Run after an intended change to the discovery payloads, then review the diff:
 *
 *   npx tsx scripts/regenerate-mqtt-golden.ts
 */
import { execFileSync } from "node:child_process";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { GOLDEN_DIR, goldenConfigs, profilePlan } from "../test/mqtt/profile-plan.js";

const dir = fileURLToPath(GOLDEN_DIR);
await mkdir(dir, { recursive: true });
for (const file of await readdir(dir)) if (file.endsWith(".json")) await rm(new URL(file, GOLDEN_DIR));
const golden = goldenConfigs(profilePlan({ mode: "all" }));
for (const [file, { topic, config }] of golden) {
  await writeFile(new URL(file, GOLDEN_DIR), `${JSON.stringify({ topic, config }, null, 2)}\n`);
}
// The project's formatter decides the layout, so `npm run lint` stays clean.
execFileSync("npx", ["biome", "format", "--write", dir], { stdio: "ignore" });
console.log(`wrote ${golden.size} golden discovery configs to ${dir}`);
