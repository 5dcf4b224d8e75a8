/**
 * The layer order of src/ (scripts/layers.ts, lowest first; docs/architecture.md): every file
 * imports only files of its own folder or of a folder of a lower layer, and each failure names the
 * offending import (file → imported file). The bridges import no other bridge, and what they share
 * imports none. Checked with the TypeScript pre-processor: static, type-only, re-export and dynamic
 * imports all count.
 */
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { folderOf, importsOf, LAYERS, layerRank, SRC, sourceFiles } from "../scripts/layers.js";

const BRIDGES = LAYERS.find((layer) => layer.includes("mqtt"))!;

/** `file → imported` for every import of `file` that leaves its folder for one not below it. */
function offending(file: string, text?: string): string[] {
  const from = folderOf(file);
  const rank = layerRank(from);
  return importsOf(file, text)
    .filter((target) => {
      const to = folderOf(target);
      if (to === from) return false;
      const toRank = layerRank(to);
      return rank === undefined || toRank === undefined || toRank >= rank;
    })
    .map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`);
}

describe("the layer order", () => {
  it("finds imports of every form and names them (the check itself)", () => {
    const file = join(SRC, "ws", "example.ts");
    const text = [
      'import { a } from "../api/index.js";',
      'import type { B } from "../mqtt/bridge.js";',
      'export { c } from "../metrics/plugin.js";',
      'const d = await import("../dashboard/index.js");',
      'import "../app/side-effect.js";',
      'import { e } from "./hub.js";',
      'import { f } from "fastify";',
      'import { g } from "../gateway/core.js";',
    ].join("\n");
    expect(offending(file, text)).toEqual([
      "ws/example.ts → api/index.ts",
      "ws/example.ts → mqtt/bridge.ts",
      "ws/example.ts → metrics/plugin.ts",
      "ws/example.ts → dashboard/index.ts",
      "ws/example.ts → app/side-effect.ts",
    ]);
  });

  it("ranks every folder under src/", () => {
    const unranked = [...new Set(sourceFiles(SRC).map(folderOf))].filter((f) => layerRank(f) === undefined);
    expect(unranked).toEqual([]);
  });

  it("has bridges to check", () => {
    for (const bridge of BRIDGES) expect(sourceFiles(SRC).some((f) => folderOf(f) === bridge)).toBe(true);
  });

  it("every import goes to the file's own folder or a lower layer", () => {
    expect(sourceFiles(SRC).flatMap((file) => offending(file))).toEqual([]);
  });
});
