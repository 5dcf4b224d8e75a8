import { describe, expect, it } from "vitest";
import { WriteBudget } from "../../src/gateway/write-budget.js";

describe("the write budget", () => {
  it("accepts up to the limit within a minute, then says when one more fits, as the window slides", () => {
    let now = 1_000_000;
    const budget = new WriteBudget(3, { now: () => now });
    expect([1, 2, 3].map(() => budget.take().allowed)).toEqual([true, true, true]);
    expect(budget.take()).toEqual({ allowed: false, retryAfterSeconds: 60 });
    now += 30_500;
    expect(budget.take()).toEqual({ allowed: false, retryAfterSeconds: 30 });
    now += 29_501;
    expect(budget.take().allowed).toBe(true);
  });

  it("has no limit at 0", () => {
    const budget = new WriteBudget(0, { now: () => 0 });
    for (let i = 0; i < 1000; i++) expect(budget.take().allowed).toBe(true);
  });
});
