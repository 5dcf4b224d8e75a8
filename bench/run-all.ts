/** Runs every benchmark in bench/ (except this file) in sequence: what `npm run bench` calls. */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const benches = readdirSync(here)
  .filter((name) => name.endsWith(".ts") && name !== self)
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n== bench/${name} ==`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(here, name)], {
    cwd: join(here, ".."),
    stdio: "inherit",
  });
  if (result.status !== 0) {
    failed++;
    console.error(`bench/${name} failed (exit ${result.status ?? result.signal})`);
  }
}
if (benches.length === 0) console.log("no benchmarks in bench/");
process.exitCode = failed > 0 ? 1 : 0;
