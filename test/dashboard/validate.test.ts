import { describe, expect, it } from "vitest";
import type { Parameter } from "../../web/src/types.js";
import { parseInput } from "../../web/src/validate.js";

const param = (fields: Partial<Parameter>): Parameter => ({
  index: 103,
  name: "HDWTSetPoint",
  value: 46,
  type: 4,
  unit: 0,
  writable: true,
  min: 35,
  max: 65,
  ...fields,
});

describe("parseInput (what the page refuses before sending)", () => {
  it("accepts an in-range whole number for an integer type", () => {
    expect(parseInput(param({}), " 50 ")).toEqual({ ok: true, value: 50 });
  });

  it("refuses values outside the controller's limits, naming the limit", () => {
    expect(parseInput(param({}), "80")).toEqual({ ok: false, reason: "80 is above the maximum of 65." });
    expect(parseInput(param({}), "20")).toEqual({ ok: false, reason: "20 is below the minimum of 35." });
  });

  it("refuses fractions for integer types and values the wire type cannot hold", () => {
    expect(parseInput(param({}), "50.5")).toEqual({
      ok: false,
      reason: "HDWTSetPoint takes whole numbers (uint8).",
    });
    expect(parseInput(param({ min: null, max: null }), "300")).toEqual({
      ok: false,
      reason: "300 does not fit HDWTSetPoint (uint8: 0 … 255).",
    });
    expect(parseInput(param({ type: 1, min: null, max: null }), "-129").ok).toBe(false);
  });

  it("refuses text that is not a plain decimal number (no exponents, no hex, not empty)", () => {
    for (const text of ["abc", "1e2", "0x10", "5 5", "--1", ""]) {
      const parsed = parseInput(param({}), text);
      expect(parsed.ok, text).toBe(false);
    }
    expect(parseInput(param({}), "")).toEqual({ ok: false, reason: "Enter a value." });
    expect(parseInput(param({}), "abc")).toEqual({ ok: false, reason: "“abc” is not a number." });
  });

  it("takes a decimal comma for floats and keeps the fraction", () => {
    const comfort = param({ name: "Circuit1ComfortTemp", type: 7, min: 10, max: 35 });
    expect(parseInput(comfort, "21,5")).toEqual({ ok: true, value: 21.5 });
    expect(parseInput(comfort, "-.5").ok).toBe(false);
    expect(parseInput(param({ type: 7, min: null, max: null }), "-.5")).toEqual({ ok: true, value: -0.5 });
  });

  it("reads on/off words for booleans and passes strings as typed", () => {
    const flag = param({ type: 10, min: null, max: null });
    expect(parseInput(flag, "On")).toEqual({ ok: true, value: true });
    expect(parseInput(flag, "0")).toEqual({ ok: true, value: false });
    expect(parseInput(flag, "maybe").ok).toBe(false);
    expect(parseInput(param({ type: 12, min: null, max: null }), " UFH ")).toEqual({
      ok: true,
      value: " UFH ",
    });
  });

  it("refuses read-only parameters and unknown types", () => {
    expect(parseInput(param({ writable: false }), "50")).toEqual({
      ok: false,
      reason: "HDWTSetPoint is read-only.",
    });
    expect(parseInput(param({ type: 99 }), "50").ok).toBe(false);
  });
});
