/**
 * The layer order of src/ (scripts/layers.ts, lowest first; docs/architecture.md): every file
 * imports only files of its own folder or of a folder of a lower layer, and each failure names the
 * offending import (file → imported file). The bridges import no other bridge, and what they share
 * imports none. Checked with the TypeScript pre-processor: static, type-only, re-export and dynamic
 * imports all count.
 */
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BRIDGE_MAY_IMPORT,
  folderOf,
  importsOf,
  LAYERS,
  layerRank,
  SRC,
  sourceFiles,
} from "../scripts/layers.js";

const BRIDGES = LAYERS.find((layer) => layer.includes("bridges/mqtt"))!;
/** The bridges and what they share. */
const BRIDGE_SIDE = [...BRIDGES, "views", "http"];

/** `file → imported` for every import of a bridge-side `file` that reaches past the port. */
function pastThePort(file: string, text?: string): string[] {
  const from = folderOf(file);
  return importsOf(file, text)
    .filter((target) => {
      const to = folderOf(target);
      return to !== from && !BRIDGE_MAY_IMPORT.includes(to);
    })
    .map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`);
}

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

describe("the bridges reach the core only through the port", () => {
  it("names an import past the port (the check itself)", () => {
    const file = join(SRC, "bridges", "mqtt", "example.ts");
    const text = [
      'import type { Gm3Bus } from "../../bus/bus.js";',
      'import type { ParameterStore } from "../../store/parameter-store.js";',
      'import type { SafeWriter } from "../../gateway/writer.js";',
      'import { a } from "../ws/hub.js";',
      'import type { GatewayPort } from "../../port/index.js";',
      'import { b } from "../../views/values.js";',
      'import { c } from "./topics.js";',
    ].join("\n");
    expect(pastThePort(file, text)).toEqual([
      "bridges/mqtt/example.ts → bus/bus.ts",
      "bridges/mqtt/example.ts → store/parameter-store.ts",
      "bridges/mqtt/example.ts → gateway/writer.ts",
      "bridges/mqtt/example.ts → bridges/ws/hub.ts",
    ]);
  });

  it.each(BRIDGE_SIDE)("%s imports only the port, the shared views and the libraries", (folder) => {
    const files = sourceFiles(SRC).filter((file) => folderOf(file) === folder);
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap((file) => pastThePort(file))).toEqual([]);
  });
});

describe("the layer order", () => {
  it("finds imports of every form and names them (the check itself)", () => {
    const file = join(SRC, "bridges", "ws", "example.ts");
    const text = [
      'import { a } from "../http/index.js";',
      'import type { B } from "../mqtt/bridge.js";',
      'export { c } from "../metrics/plugin.js";',
      'const d = await import("../http/dashboard/index.js");',
      'import "../../app/side-effect.js";',
      'import { e } from "./hub.js";',
      'import { f } from "fastify";',
      'import { g } from "../../views/values.js";',
    ].join("\n");
    expect(offending(file, text)).toEqual([
      "bridges/ws/example.ts → bridges/http/index.ts",
      "bridges/ws/example.ts → bridges/mqtt/bridge.ts",
      "bridges/ws/example.ts → bridges/metrics/plugin.ts",
      "bridges/ws/example.ts → bridges/http/dashboard/index.ts",
      "bridges/ws/example.ts → app/side-effect.ts",
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
