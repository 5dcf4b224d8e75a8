/**
 * Where the built dashboard is: `dist/web/` (index.html and `assets/` with hashed names), made by
 * `npm run build` (scripts/build-dashboard.ts). Found next to the compiled server code, or — when
 * the gateway runs from the TypeScript sources — in the project's `dist/web/`.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const INDEX_FILE = "index.html";
export const ASSETS_DIR = "assets";

/** Candidates, in order: dist/bridges/http/dashboard/… → dist/web; src/bridges/http/dashboard/… → dist/web. */
const CANDIDATES = ["../../../web/", "../../../../dist/web/"];

export function defaultDashboardDir(): string | undefined {
  for (const candidate of CANDIDATES) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, INDEX_FILE)) && existsSync(join(dir, ASSETS_DIR))) return dir;
  }
  return undefined;
}

export class DashboardNotBuiltError extends Error {
  override readonly name = "DashboardNotBuiltError";
  constructor(readonly dir: string | undefined) {
    super(
      dir === undefined
        ? "the dashboard is not built (no dist/web/index.html): run `npm run build`, or set DASHBOARD_ENABLED=false"
        : `the dashboard in ${dir} is incomplete (index.html or assets/ missing): run \`npm run build\``,
    );
  }
}

export interface DashboardFiles {
  dir: string;
  assetsDir: string;
  /** index.html, read once: it is small and served with `no-cache`. */
  indexHtml: Buffer;
}

export async function loadDashboardFiles(dir: string | undefined): Promise<DashboardFiles> {
  if (dir === undefined) throw new DashboardNotBuiltError(undefined);
  const assetsDir = join(dir, ASSETS_DIR);
  if (!existsSync(assetsDir)) throw new DashboardNotBuiltError(dir);
  try {
    return { dir, assetsDir, indexHtml: await readFile(join(dir, INDEX_FILE)) };
  } catch {
    throw new DashboardNotBuiltError(dir);
  }
}
