/** What may be served (src/gateway/data-state.ts): fresh, stale within STALE_DATA_MAX_AGE, or unavailable. */
import { describe, expect, it } from "vitest";
import { type DataStateInputs, dataStateOf } from "../../src/gateway/data-state.js";

const base: DataStateInputs = {
  now: 1_000_000,
  maxStaleMs: 600_000,
  linkUp: true,
  haveValues: true,
  polledSinceConnect: true,
  asOf: 990_000,
};

describe("data state", () => {
  it("is fresh with the link up and a complete poll since it came up", () => {
    expect(dataStateOf(base)).toBe("fresh");
  });

  it("is stale while the values cannot be refreshed, up to STALE_DATA_MAX_AGE after they were read, then unavailable", () => {
    const down = { ...base, linkUp: false, polledSinceConnect: false };
    expect(dataStateOf({ ...down, asOf: base.now - 600_000 })).toBe("stale");
    expect(dataStateOf({ ...down, asOf: base.now - 600_001 })).toBe("unavailable");
    // Reconnected but not yet checked and polled: still stale.
    expect(dataStateOf({ ...base, polledSinceConnect: false })).toBe("stale");
  });

  it("is unavailable without complete values, with values known to be wrong, with max age 0, or with a time from the future", () => {
    expect(dataStateOf({ ...base, haveValues: false })).toBe("unavailable");
    expect(dataStateOf({ ...base, linkUp: false, maxStaleMs: 0 })).toBe("unavailable");
    expect(dataStateOf({ ...base, linkUp: false, asOf: undefined })).toBe("unavailable");
    expect(dataStateOf({ ...base, linkUp: false, asOf: base.now + 1 })).toBe("unavailable");
    // Fresh data is fresh whatever the bound (0 = the reference gateway's rule).
    expect(dataStateOf({ ...base, maxStaleMs: 0 })).toBe("fresh");
  });
});
