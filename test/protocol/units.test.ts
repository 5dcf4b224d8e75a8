import { describe, expect, it } from "vitest";
import { parseUnit, UNIT_CODE_SYMBOLS, unitCode, unitSymbol } from "../../src/protocol/units.js";

describe("unit strings (PROTOCOL.md §7)", () => {
  it.each([
    ["", 0],
    ["C", 1],
    ["s", 2],
    ["min", 3],
    ["h", 4],
    ["d", 5],
    ["%", 6],
    ["kW", 7],
    ["kWh", 8],
  ])("maps %j to API code %i", (raw, code) => {
    expect(unitCode(raw)).toBe(code);
  });

  it.each(["'C", "°C", "bar", "K", "c", "KW", " C"])("maps anything else (%j) to 0", (raw) => {
    expect(unitCode(raw)).toBe(0);
  });

  it("shows temperatures as °C, including the thermostat's 'C, and other units as sent", () => {
    expect(unitSymbol("C")).toBe("°C");
    expect(unitSymbol("'C")).toBe("°C");
    expect(unitSymbol("°C")).toBe("°C");
    expect(unitSymbol("kWh")).toBe("kWh");
    expect(unitSymbol("bar")).toBe("bar");
    expect(unitSymbol("")).toBe("");
  });

  it("keeps the raw string next to code and symbol", () => {
    expect(parseUnit("'C")).toEqual({ raw: "'C", code: 0, symbol: "°C" });
    expect(parseUnit("min")).toEqual({ raw: "min", code: 3, symbol: "min" });
  });

  it("has a display symbol for every API code", () => {
    expect(UNIT_CODE_SYMBOLS).toEqual(["", "°C", "s", "min", "h", "d", "%", "kW", "kWh"]);
    for (const [code, symbol] of UNIT_CODE_SYMBOLS.entries()) {
      const raw = ["", "C", "s", "min", "h", "d", "%", "kW", "kWh"][code]!;
      expect(unitCode(raw)).toBe(code);
      expect(unitSymbol(raw)).toBe(symbol);
    }
  });

  it.each(["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"])(
    "treats %j, a name every object inherits, as an unknown unit string",
    (raw) => {
      expect(unitCode(raw)).toBe(0);
      expect(unitSymbol(raw)).toBe(raw);
      expect(parseUnit(raw)).toEqual({ raw, code: 0, symbol: raw });
    },
  );
});
