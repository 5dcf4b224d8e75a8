/**
 * The layer order of src/ (lowest first) and the helpers the import graph script and
 * test/architecture.test.ts share: which files are source, what each one imports, which folder a
 * file belongs to. A folder may import only folders of a lower rank; folders of one rank do not
 * import each other unless the table says so.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export const SRC = resolve(import.meta.dirname, "..", "src");

/** Lowest first; one entry per rank, a rank may hold several folders that do not import each other. */
export const LAYERS: readonly (readonly string[])[] = [
  ["version.ts", "util", "catalog"],
  ["protocol"],
  ["sim"],
  ["config"],
  ["log", "state", "transport"],
  ["bus", "thermostat"],
  ["store"],
  ["history"],
  ["gateway"],
  ["port"],
  ["views", "http"],
  ["bridges/http", "bridges/ws", "bridges/mqtt", "bridges/metrics"],
  ["app"],
  ["cli"],
  ["cli.ts"],
];

/**
 * What a bridge (and what the bridges share: views/, http/) may import besides its own folder: the
 * port, the shared views and HTTP helpers, and the libraries below the core — never the bus, the
 * link, the store, the gateway's services, the state directory or another bridge.
 */
export const BRIDGE_MAY_IMPORT: readonly string[] = [
  "port",
  "views",
  "http",
  "config",
  "log",
  "protocol",
  "catalog",
  "util",
  "version.ts",
];

export function layerRank(folder: string): number | undefined {
  const rank = LAYERS.findIndex((layer) => layer.includes(folder));
  return rank < 0 ? undefined : rank;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return /\.(ts|json)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
    })
    .sort();
}

/** The folder of a path under src/: its first segment (two under src/bridges/). */
export function folderOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  if (parts[0] === "bridges" && parts.length > 2) return `bridges/${parts[1]}`;
  return parts[0]!;
}

/** Absolute paths of the files under src/ that `file` imports (static, type-only, re-export, dynamic). */
export function importsOf(file: string, text = readFileSync(file, "utf8")): string[] {
  if (file.endsWith(".json")) return [];
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, ".ts"))
    .filter((target) => !relative(SRC, target).startsWith(".."));
}
