import { describe, expect, it } from "vitest";
import { CommandRateLimit } from "../../src/mqtt/rate-limit.js";

describe("the MQTT command budget", () => {
  it("accepts up to the limit within a minute, then again as the window slides", () => {
    let now = 0;
    const limit = new CommandRateLimit(3, () => now);
    expect([limit.take(), limit.take(), limit.take(), limit.take()]).toEqual([true, true, true, false]);
    now = 59_999;
    expect(limit.take()).toBe(false);
    now = 60_001;
    expect(limit.take()).toBe(true);
  });

  it("has no limit at 0", () => {
    const limit = new CommandRateLimit(0);
    for (let i = 0; i < 1000; i++) expect(limit.take()).toBe(true);
  });
});
