import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_PATH, generatedSchemasSource } from "../../scripts/build-api-schemas.js";
import * as definitions from "../../src/bridges/http/schema-definitions.js";
import * as runtime from "../../src/bridges/http/schemas.js";

const src = join(import.meta.dirname, "..", "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("API schemas", () => {
  it("schemas.generated.ts is current (npx tsx scripts/build-api-schemas.ts regenerates it)", () => {
    expect(readFileSync(GENERATED_PATH, "utf8")).toBe(generatedSchemasSource());
  });

  it("serves the same JSON Schema as the TypeBox definitions, for every schema", () => {
    const names = Object.keys(definitions).filter((n) => n.endsWith("Schema"));
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) {
      expect((runtime as Record<string, unknown>)[name], name).toEqual(
        JSON.parse(JSON.stringify((definitions as Record<string, unknown>)[name])),
      );
    }
  });

  it("loads no TypeBox at run time: only type imports of it, and of the definitions, in src/", () => {
    const offenders = sourceFiles(src)
      .filter((file) => !file.endsWith("schema-definitions.ts"))
      .filter((file) =>
        /^import\s+(?!type\b)[^;]*from\s+"(typebox(\/[a-z]+)?|\.\/schema-definitions\.js)"/m.test(
          readFileSync(file, "utf8"),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
