/**
 * A discovery that keeps failing, at the field cadence on simulated time (field-gateway.ts): the
 * waits between attempts are measured on the simulated clock, so they are exact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FieldGateway, startFieldGateway } from "../helpers/field-gateway.js";

describe("gateway core against the simulator: a discovery that keeps failing", () => {
  let g: FieldGateway;
  /** For each failed discovery: when it failed, and when the next attempt began (simulated ms). */
  const failedAt: number[] = [];
  const startedAt: number[] = [];
  const errors = new Set<string | undefined>();

  beforeAll(async () => {
    // 1,870 parameters do not fit a store of 1,000: every discovery fails at its end.
    g = await startFieldGateway({ env: { CACHE_MAX_SIZE: "1000" }, waitForData: false });
    let last = g.core.status().discovery.state;
    g.core.on("status", () => {
      const state = g.core.status().discovery.state;
      if (state === last) return;
      last = state;
      if (state === "failed") {
        failedAt.push(g.clock.now());
        errors.add(g.core.status().discovery.lastError);
      }
      if (state === "running" && failedAt.length > startedAt.length) startedAt.push(g.clock.now());
    });
    // 10 + 20 + 40 + 80 s of waits, and a discovery (waiting for a grant) before each.
    await g.runUntil(() => startedAt.length >= 4, "four retries of the discovery", 400_000);
  });

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
    const expected = [0, 1, 2, 3].map((i) => g.config.pollIntervalMs * 2 ** i);
    // Simulated time: the waits are the retry delays to the millisecond (the clock's resolution).
    expect(waits.slice(0, 4).map(Math.round)).toEqual(expected);
  });

  it("keeps the link up meanwhile and serves no data", () => {
    expect(g.core.status().link.state).toBe("up");
    expect(g.core.dataReady()).toBe(false);
  });
});
