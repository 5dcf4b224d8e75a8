/**
 * The built CLI (`dist/cli.js`) for tests that run it as a real process. Builds it when missing or
 * older than a source; test files running in parallel take turns through a lock directory so two
 * compilers never write dist/ at the same time.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const builtCli = join(repoRoot, "dist", "cli.js");

const LOCK_DIR = join(repoRoot, "node_modules", ".gm3-build-lock");
const LOCK_WAIT_MS = 120_000;
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 180_000;

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isFresh(): boolean {
  return existsSync(builtCli) && statSync(builtCli).mtimeMs >= newestMtime(join(repoRoot, "src"));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Returns the path of `dist/cli.js`, building it first if a source is newer. */
export function ensureBuiltCli(): string {
  if (isFresh()) return builtCli;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      if (existsSync(LOCK_DIR) && Date.now() - statSync(LOCK_DIR).mtimeMs > STALE_LOCK_MS) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`waited ${LOCK_WAIT_MS} ms for another build (${LOCK_DIR})`);
      sleepSync(200);
    }
  }
  try {
    if (!isFresh()) {
      const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: repoRoot, encoding: "utf8" });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    }
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
  return builtCli;
}
