import { describe, expect, it } from "vitest";
import { discoveryRetryDelayMs, MAX_DISCOVERY_RETRY_MS } from "../../src/gateway/discovery-retry.js";

describe("discovery retry delay", () => {
  it("waits one poll interval after the first failure and doubles with each further one", () => {
    expect([1, 2, 3, 4, 5].map((failures) => discoveryRetryDelayMs(failures, 10_000))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000,
    ]);
  });

  it("never waits more than five minutes, however many failures", () => {
    expect(discoveryRetryDelayMs(6, 10_000)).toBe(MAX_DISCOVERY_RETRY_MS);
    expect(discoveryRetryDelayMs(1_000, 10_000)).toBe(MAX_DISCOVERY_RETRY_MS);
  });

  it("never waits less than one poll interval, even with a poll interval above the cap", () => {
    expect(discoveryRetryDelayMs(1, 600_000)).toBe(600_000);
    expect(discoveryRetryDelayMs(9, 600_000)).toBe(600_000);
  });

  it("does not wait before a first attempt", () => {
    expect(discoveryRetryDelayMs(0, 10_000)).toBe(0);
  });
});
