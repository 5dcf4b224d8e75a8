/**
 * Which tier each test file runs in (vitest.config.ts makes one Vitest project of each):
 *
 * - `unit` — no real time (fake timers or the simulator's VirtualClock), no child processes, no
 *   sockets or servers (test/helpers/unit-tier-guard.ts refuses them); the whole tier in well
 *   under a minute. `npm run test:unit`.
 * - `integration` — the real parts in process or beside it: the simulator on real time, loopback
 *   TCP servers, mosquitto, socat pseudo-terminals. `npm run test:integration`.
 * - `e2e` — what a user runs: Chromium on the dashboard, the built CLI (`dist/cli.js`) as child
 *   processes, packaging (Dockerfile, systemd unit). `npm run test:e2e`.
 *
 * A file belongs to the tier of its folder unless it is named in another tier's `files`, so a new
 * file in an existing folder is classified without a change here. Mixed folders default to
 * `integration`: a new file there runs in a slower tier rather than slowing the fast one.
 * test/tiers.test.ts checks that every test file is in exactly one project and that every name
 * listed here exists.
 */
export type Tier = "unit" | "integration" | "e2e";

export interface TierFiles {
  /** Folders (relative to the repository, no trailing slash) whose test files, subfolders' too, are in this tier. */
  folders: readonly string[];
  /** Test files (or a glob of them) in this tier although their folder is in another, or in none. */
  files: readonly string[];
}

export const TIERS: Record<Tier, TierFiles> = {
  unit: {
    folders: [
      "test/protocol",
      "test/config",
      "test/logging",
      "test/store",
      "test/gateway",
      "test/bus",
      "test/app",
      "test/catalog",
      "test/state",
      "test/util",
      "test/docs",
      "test/port",
      // The virtual thermostat's pure machines, on a VirtualClock.
      "test/thermostat",
      // The history store on temporary SQLite files, on a VirtualClock.
      "test/history",
    ],
    files: [
      // test/architecture.test.ts, test/tiers.test.ts: the repository's shape.
      "test/*.test.ts",
      "test/api/auth.test.ts",
      "test/api/schemas.test.ts",
      "test/api/values.test.ts",
      "test/cli/progress.test.ts",
      "test/cli/usage.test.ts",
      "test/dashboard/format.test.ts",
      "test/dashboard/gateway-state.test.ts",
      "test/dashboard/negotiate.test.ts",
      "test/dashboard/query.test.ts",
      "test/dashboard/store.test.ts",
      "test/dashboard/tiles.test.ts",
      "test/dashboard/token.test.ts",
      "test/dashboard/validate.test.ts",
      "test/metrics/dashboard.test.ts",
      "test/metrics/prometheus-text.test.ts",
      "test/mqtt/default-set.test.ts",
      "test/mqtt/discovery.test.ts",
      "test/mqtt/payload.test.ts",
      "test/mqtt/thermostat-payload.test.ts",
      "test/mqtt/units.test.ts",
      "test/sim/caps-latency.test.ts",
      "test/sim/capture-likeness.test.ts",
      "test/sim/controller.test.ts",
      "test/sim/faults.test.ts",
      "test/sim/gateway-flow.test.ts",
      "test/sim/panel.test.ts",
      "test/sim/profile.test.ts",
      "test/sim/simulation.test.ts",
      "test/sim/thermostat.test.ts",
      "test/sim/timing.test.ts",
      "test/sim/wire.test.ts",
      "test/transport/silence-watchdog.test.ts",
      "test/ws/channel.test.ts",
      "test/ws/health-push.test.ts",
      "test/ws/thermostat-watch.test.ts",
    ],
  },
  integration: {
    folders: [
      "test/integration",
      "test/api",
      "test/bad-input",
      "test/cli",
      "test/dashboard",
      "test/metrics",
      "test/mqtt",
      "test/sim",
      "test/transport",
      "test/ws",
    ],
    files: [],
  },
  e2e: {
    folders: ["test/e2e", "test/deploy"],
    files: [
      // The built CLI as child processes.
      "test/cli/decode.test.ts",
      "test/cli/processes.test.ts",
      "test/bad-input/processes.test.ts",
      "test/integration/core-pty.test.ts",
      // A child process killed with SIGKILL while writing the history.
      "test/history/kill.test.ts",
    ],
  },
};

/** Vitest's include and exclude globs of one tier. */
export function tierGlobs(tier: Tier): { include: string[]; exclude: string[] } {
  const others = (Object.keys(TIERS) as Tier[]).filter((t) => t !== tier);
  return {
    include: [...TIERS[tier].folders.map((folder) => `${folder}/**/*.test.ts`), ...TIERS[tier].files],
    exclude: others.flatMap((t) => TIERS[t].files),
  };
}
