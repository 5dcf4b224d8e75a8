import { describe, expect, it } from "vitest";
import type { Parameter } from "../../web/src/types.js";
import { choices, parseInput } from "../../web/src/validate.js";

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

  it("takes only the labelled values of an enumerated parameter, whatever its wire type allows", () => {
    const labels = { 0: "off", 1: "on", 2: "schedule" };
    // HDWusermode: uint8, writable, no limits — without labels 7 would pass.
    const mode = param({ index: 119, name: "HDWusermode", value: 2, min: null, max: null });
    expect(parseInput(mode, "7")).toEqual({ ok: true, value: 7 });
    expect(parseInput(mode, "1", labels)).toEqual({ ok: true, value: 1 });
    expect(parseInput(mode, "7", labels)).toEqual({
      ok: false,
      reason: "7 is not one of HDWusermode's values (0 off, 1 on, 2 schedule).",
    });
    for (const text of ["", "on", "1.0", "-1", "0x1", " 3 "]) {
      expect(parseInput(mode, text, labels).ok, text).toBe(false);
    }
    expect(parseInput(param({ name: "HDWusermode", writable: false }), "1", labels).ok).toBe(false);
  });
});

describe("choices (the values an enumerated parameter's editor offers)", () => {
  it("lists the labels in numeric order, within the controller's limits and the wire type", () => {
    const labels = { 3: "schedule", 0: "off", 1: "comfort", 2: "eco", 300: "too big" };
    expect(choices(param({ min: 0, max: 3 }), labels)).toEqual([
      { value: 0, label: "off" },
      { value: 1, label: "comfort" },
      { value: 2, label: "eco" },
      { value: 3, label: "schedule" },
    ]);
    expect(choices(param({ min: 1, max: 2 }), labels).map((c) => c.label)).toEqual(["comfort", "eco"]);
    expect(parseInput(param({ min: 1, max: 2 }), "3", labels).ok).toBe(false);
  });
});
