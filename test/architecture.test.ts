/**
 * DESIGN.md / docs/architecture.md: each bridge "imports no other bridge", and the modules they
 * share (src/views, src/http) import none either, so a bridge cannot reach another through them.
 * Checked on the source text: static, type-only, re-export and dynamic imports all count.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "..", "src");
const BRIDGES = ["api", "ws", "mqtt", "metrics", "dashboard"] as const;
const SHARED = ["views", "http"] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** The top-level folder under src/ of every relative import of `file`. */
function importedFolders(file: string, text = readFileSync(file, "utf8")): string[] {
  const folders: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1]!;
    if (!specifier.startsWith(".")) continue;
    const target = relative(SRC, resolve(dirname(file), specifier));
    if (target.startsWith("..")) continue;
    folders.push(target.split(sep)[0]!);
  }
  return folders;
}

function violations(folder: string, forbidden: readonly string[]): string[] {
  return sourceFiles(join(SRC, folder)).flatMap((file) =>
    importedFolders(file)
      .filter((target) => target !== folder && forbidden.includes(target))
      .map((target) => `${relative(SRC, file)} imports ${target}/`),
  );
}

describe("the bridges' import boundaries", () => {
  it("finds imports of every form (the check itself)", () => {
    const file = join(SRC, "ws", "example.ts");
    const text = [
      'import { a } from "../api/index.js";',
      'import type { B } from "../mqtt/bridge.js";',
      'export { c } from "../metrics/plugin.js";',
      'const d = await import("../dashboard/index.js");',
      'import "../api/side-effect.js";',
      'import { e } from "./hub.js";',
      'import { f } from "fastify";',
    ].join("\n");
    expect(importedFolders(file, text)).toEqual(["api", "mqtt", "metrics", "dashboard", "api", "ws"]);
  });

  it.each(BRIDGES)("%s imports no other bridge", (bridge) => {
    expect(sourceFiles(join(SRC, bridge)).length).toBeGreaterThan(0);
    expect(violations(bridge, BRIDGES)).toEqual([]);
  });

  it.each(SHARED)("%s (shared by bridges) imports no bridge", (shared) => {
    expect(sourceFiles(join(SRC, shared)).length).toBeGreaterThan(0);
    expect(violations(shared, BRIDGES)).toEqual([]);
  });
});
