import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";

const POLL_INTERVAL_MS = 100;

describe("gateway core against the simulator: a discovery that keeps failing", () => {
  let g: SimGateway;
  /** For each failed discovery: when it failed, and when the next attempt began. */
  const failedAt: number[] = [];
  const startedAt: number[] = [];
  const errors = new Set<string | undefined>();

  beforeAll(async () => {
    // 1,870 parameters do not fit a store of 1,000: every discovery fails at its end.
    g = await startSimGateway({
      core: { cacheMaxSize: 1_000, pollIntervalMs: POLL_INTERVAL_MS },
      waitForData: false,
    });
    let last = g.core.status().discovery.state;
    g.core.on("status", () => {
      const state = g.core.status().discovery.state;
      if (state === last) return;
      last = state;
      if (state === "failed") {
        failedAt.push(performance.now());
        errors.add(g.core.status().discovery.lastError);
      }
      if (state === "running" && failedAt.length > startedAt.length) startedAt.push(performance.now());
    });
    await eventually(() => startedAt.length >= 4, "four retries of the discovery", 20_000);
  }, 30_000);

  afterAll(async () => {
    await g?.stop();
  });

  it("says which setting to raise, and to what", () => {
    expect([...errors]).toEqual([
      "1870 parameters exceed CACHE_MAX_SIZE (1000); set CACHE_MAX_SIZE to at least 1870",
    ]);
  });

  it("spaces the attempts out: one poll interval after the first failure, doubling after each", () => {
    const waits = startedAt.map((started, i) => started - failedAt[i]!);
    // Lower bounds only (a busy machine only makes the waits longer); a fixed retry every poll
    // interval fails from the second wait on.
    for (const [i, wait] of waits.slice(0, 4).entries()) {
      expect(wait, `wait ${i + 1} of ${JSON.stringify(waits.map(Math.round))} ms`).toBeGreaterThanOrEqual(
        0.9 * POLL_INTERVAL_MS * 2 ** i,
      );
    }
  });

  it("keeps the link up meanwhile and serves no data", () => {
    expect(g.core.status().link.state).toBe("up");
    expect(g.core.dataReady()).toBe(false);
  });
});
