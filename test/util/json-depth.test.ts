import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../../src/util/json-depth.js";

describe("nestsDeeperThan", () => {
  it("counts arrays and objects inside each other, not one after another", () => {
    expect(nestsDeeperThan('{"value": 46}', 1)).toBe(false);
    expect(nestsDeeperThan('{"value": [46]}', 1)).toBe(true);
    expect(nestsDeeperThan('{"value": [46]}', 2)).toBe(false);
    expect(nestsDeeperThan("[[],[],[],[]]", 2)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":{"c":{}}}}', 3)).toBe(true);
  });

  it("skips brackets inside strings, escaped quotes included", () => {
    expect(nestsDeeperThan(`{"value": "${"[".repeat(100)}"}`, 1)).toBe(false);
    expect(nestsDeeperThan(`{"value": "a\\"${"{".repeat(100)}"}`, 1)).toBe(false);
    expect(nestsDeeperThan(`{"value": "a\\\\", "x": [[[]]]}`, 3)).toBe(true);
  });

  it("measures 5,000 and 1,000,000 levels in one pass, without recursion", () => {
    expect(nestsDeeperThan(`{"value": ${"[".repeat(5000)}${"]".repeat(5000)}}`, 32)).toBe(true);
    expect(nestsDeeperThan("[".repeat(1_000_000), 32)).toBe(true);
    expect(nestsDeeperThan("[".repeat(32), 32)).toBe(false);
  });
});
