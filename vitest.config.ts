import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { type Tier, tierGlobs } from "./test/tiers.js";

/** One Vitest project per tier (test/tiers.ts): `npm test` runs all, `--project <tier>` one. */
function tier(name: Tier, setupFiles: string[] = []): TestProjectInlineConfiguration {
  const { include, exclude } = tierGlobs(name);
  return {
    extends: true,
    test: { name, include, exclude: [...configDefaults.exclude, ...exclude], setupFiles },
  };
}

export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [tier("unit", ["test/helpers/unit-tier-guard.ts"]), tier("integration"), tier("e2e")],
  },
});
