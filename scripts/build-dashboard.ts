/**
 * Builds the web dashboard (web/) into dist/web/: one script and one stylesheet bundled and minified
 * by esbuild with content hashes in their names, index.html pointing at them, and .br/.gz copies
 * that @fastify/static serves to browsers that accept them (no compression work on a Pi).
 *
 * `npm run build` runs it after tsc; tests call buildDashboard() into a temporary directory.
 */
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync, constants as zlib } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_OUT_DIR = join(root, "dist", "web");
const WEB_DIR = join(root, "web");

export interface BuiltAsset {
  /** Path below the output directory (`assets/app-3F2A….js`, `index.html`). */
  path: string;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

export interface DashboardBuild {
  outDir: string;
  assets: BuiltAsset[];
}

/** Browsers the bundle is written for: what a phone or desktop of the last few years runs. */
const TARGETS = ["chrome109", "firefox115", "safari16"];

function compressed(content: Buffer): { gzip: Buffer; brotli: Buffer } {
  return {
    gzip: gzipSync(content, { level: 9 }),
    brotli: brotliCompressSync(content, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
  };
}

export async function buildDashboard(outDir = DEFAULT_OUT_DIR): Promise<DashboardBuild> {
  await rm(outDir, { recursive: true, force: true });
  const assetsDir = join(outDir, "assets");
  await mkdir(assetsDir, { recursive: true });
  const result = await build({
    entryPoints: [
      { in: join(WEB_DIR, "src", "main.ts"), out: "app" },
      { in: join(WEB_DIR, "src", "styles.css"), out: "app" },
    ],
    bundle: true,
    format: "esm",
    target: TARGETS,
    minify: true,
    legalComments: "none",
    entryNames: "[name]-[hash]",
    outdir: assetsDir,
    metafile: true,
    logLevel: "warning",
    tsconfig: join(WEB_DIR, "tsconfig.json"),
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => join(process.cwd(), path));
  const script = outputs.find((path) => path.endsWith(".js"));
  const stylesheet = outputs.find((path) => path.endsWith(".css"));
  if (!script || !stylesheet)
    throw new Error("esbuild produced no script or no stylesheet for the dashboard");
  const template = await readFile(join(WEB_DIR, "index.html"), "utf8");
  const html = template
    .replace("%SCRIPT%", `assets/${basename(script)}`)
    .replace("%STYLESHEET%", `assets/${basename(stylesheet)}`);
  await writeFile(join(outDir, "index.html"), html);

  const assets: BuiltAsset[] = [];
  for (const path of [join(outDir, "index.html"), script, stylesheet]) {
    const content = await readFile(path);
    const { gzip, brotli } = compressed(content);
    // index.html is served from memory, uncompressed (it is tiny); the assets get their copies.
    if (path !== join(outDir, "index.html")) {
      await writeFile(`${path}.gz`, gzip);
      await writeFile(`${path}.br`, brotli);
    }
    assets.push({
      path: relative(outDir, path),
      bytes: (await stat(path)).size,
      gzipBytes: gzip.length,
      brotliBytes: brotli.length,
    });
  }
  return { outDir, assets };
}

const KIB = 1024;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildDashboard(process.argv[2] ?? DEFAULT_OUT_DIR);
  for (const asset of built.assets) {
    console.log(
      `dashboard: ${asset.path.padEnd(32)} ${(asset.bytes / KIB).toFixed(1).padStart(6)} KiB` +
        ` (gzip ${(asset.gzipBytes / KIB).toFixed(1)} KiB, br ${(asset.brotliBytes / KIB).toFixed(1)} KiB)`,
    );
  }
}
