/**
 * Every test file runs in exactly one tier (test/tiers.ts, vitest.config.ts): a new file cannot be
 * left out of `npm test`, nor run twice. Asks Vitest itself which files each project has, with the
 * repository's own configuration, so what is checked is what runs.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVitest, type Vitest } from "vitest/node";
import { TIERS, type Tier } from "./tiers.js";

const root = resolve(import.meta.dirname, "..");
const tiers = Object.keys(TIERS) as Tier[];

/** Every *.test.ts below test/, found on disk (not through any glob of the configuration). */
function testFilesOnDisk(): string[] {
  return (readdirSync(join(root, "test"), { recursive: true }) as string[])
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => `test/${name.split("\\").join("/")}`)
    .sort();
}

describe("test tiers", () => {
  let vitest: Vitest;
  const byTier = new Map<string, string[]>();

  beforeAll(async () => {
    vitest = await createVitest("test", { config: join(root, "vitest.config.ts"), watch: false, root });
    for (const project of vitest.projects) {
      const { testFiles } = await project.globTestFiles();
      byTier.set(project.name, testFiles.map((file) => relative(root, file).split("\\").join("/")).sort());
    }
  });

  afterAll(async () => {
    await vitest?.close();
  });

  it("has one Vitest project per tier: unit, integration, e2e", () => {
    expect([...byTier.keys()].sort()).toEqual([...tiers].sort());
  });

  it("puts every test file in exactly one project", () => {
    const onDisk = testFilesOnDisk();
    expect(onDisk.length).toBeGreaterThan(100);
    const projectsOf = (file: string) => tiers.filter((tier) => byTier.get(tier)?.includes(file));
    const wrong = onDisk
      .map((file) => ({ file, projects: projectsOf(file) }))
      .filter(({ projects }) => projects.length !== 1);
    expect(wrong, "files in no project or in several (test/tiers.ts)").toEqual([]);
    // Nothing else either: every file a project runs is one of them.
    expect(tiers.flatMap((tier) => byTier.get(tier) ?? []).sort()).toEqual(onDisk);
  });

  it("names only files and folders that exist, and no folder inside another tier's", () => {
    const listed = tiers.flatMap((tier) => TIERS[tier].files).filter((file) => !file.includes("*"));
    expect(listed.filter((file) => !existsSync(join(root, file)))).toEqual([]);
    const folders = tiers.flatMap((tier) => TIERS[tier].folders);
    expect(folders.filter((folder) => !existsSync(join(root, folder)))).toEqual([]);
    const nested = folders.filter((a) => folders.some((b) => a !== b && a.startsWith(`${b}/`)));
    expect(nested).toEqual([]);
  });
});
