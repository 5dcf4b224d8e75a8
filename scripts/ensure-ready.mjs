#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs dependencies when they are
// missing and rebuilds dist/ when any source is newer than the last build. Plain Node, no
// dependencies, because it runs before anything is installed. `--deps-only`: dependencies only
// (the unit and integration tiers run from the sources).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stampFile = join(root, "dist", ".build-stamp");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command, args, what) {
  process.stderr.write(`[ensure-ready] ${what}…\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    process.stderr.write(`[ensure-ready] ${what} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status ?? 1);
  }
}

/** Newest modification time (ms) of any file below `dir`, or 0 when it does not exist. */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

const lockfileInstalled = join(root, "node_modules", ".package-lock.json");
if (!existsSync(lockfileInstalled)) {
  run(npm, ["ci", "--no-audit", "--no-fund"], "installing dependencies (npm ci)");
}
// The unit and integration tiers run from the sources: they need the dependencies, not dist/.
if (process.argv.includes("--deps-only")) process.exit(0);

const sources = [
  "src",
  "web",
  "scripts/build-dashboard.ts",
  "profiles",
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
];
const newestSource = Math.max(
  ...sources.map((name) => {
    const path = join(root, name);
    if (!existsSync(path)) return 0;
    return statSync(path).isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
  }),
);
const builtAt = existsSync(stampFile) ? statSync(stampFile).mtimeMs : 0;
if (newestSource > builtAt) {
  run(npm, ["run", "--silent", "build"], "building dist/");
  writeFileSync(stampFile, `${new Date().toISOString()}\n`);
}
