import { describe, expect, it } from "vitest";
import { acceptsGzip } from "../../src/bridges/http/index.js";
import { TypeCode } from "../../src/protocol/index.js";
import { naiveLocalIso, naiveLocalIsoSeconds } from "../../src/views/timestamps.js";
import { apiValue, floatJson, limitJson, valueJson } from "../../src/views/values.js";

describe("value representation (HA-COMPAT.md §5)", () => {
  it("rounds floats to 2 decimals and keeps 999.0 as a float", () => {
    expect(valueJson(TypeCode.FLOAT, 45.904998779296875)).toBe("45.9");
    expect(valueJson(TypeCode.FLOAT, 0.30000001192092896)).toBe("0.3");
    expect(valueJson(TypeCode.FLOAT, 999)).toBe("999.0");
    expect(valueJson(TypeCode.DOUBLE, -0.001)).toBe("0.0");
    expect(JSON.parse(valueJson(TypeCode.FLOAT, 21.456))).toBe(21.46);
  });

  it("serves NaN and infinities as null, never as a string", () => {
    expect(valueJson(TypeCode.FLOAT, Number.NaN)).toBe("null");
    expect(valueJson(TypeCode.FLOAT, Number.POSITIVE_INFINITY)).toBe("null");
    expect(apiValue(TypeCode.FLOAT, "---")).toBeNull();
  });

  it("keeps integers raw, uint32 unsigned, and 64-bit integers exact", () => {
    expect(valueJson(TypeCode.UINT32, 4294967295)).toBe("4294967295");
    expect(valueJson(TypeCode.INT8, -3)).toBe("-3");
    expect(valueJson(TypeCode.UINT64, 18446744073709551615n)).toBe("18446744073709551615");
    expect(valueJson(TypeCode.INT64, -9223372036854775808n)).toBe("-9223372036854775808");
    expect(valueJson(TypeCode.UINT16, 35)).toBe("35");
  });

  it("serves bools as booleans, also when stored as 0/1", () => {
    expect(valueJson(TypeCode.BOOL, false)).toBe("false");
    expect(valueJson(TypeCode.BOOL, 1)).toBe("true");
  });

  it("escapes strings, including control bytes and non-ASCII", () => {
    const text = valueJson(TypeCode.STRING, 'a"b\u0001°');
    expect(JSON.parse(text)).toBe('a"b\u0001°');
  });

  it("serves a value never read as null", () => {
    expect(valueJson(TypeCode.UINT8, undefined)).toBe("null");
  });

  it("writes limits like the reference (35.0) and never an invalid number", () => {
    expect(limitJson(35)).toBe("35.0");
    expect(limitJson(-5.5)).toBe("-5.5");
    expect(limitJson(null)).toBe("null");
    expect(floatJson(1e21)).toBe("1e+21");
    expect(JSON.parse(floatJson(1e21))).toBe(1e21);
  });
});

describe("timestamps", () => {
  it("are naive local ISO 8601 with a microsecond field", () => {
    const ms = new Date(2026, 1, 6, 12, 0, 5, 7).getTime();
    expect(naiveLocalIso(ms)).toBe("2026-02-06T12:00:05.007000");
    expect(naiveLocalIsoSeconds(ms)).toBe("2026-02-06T12:00:05");
  });
});

describe("Accept-Encoding", () => {
  it("accepts gzip unless it is missing or refused with q=0", () => {
    expect(acceptsGzip("gzip, deflate")).toBe(true);
    expect(acceptsGzip("deflate, GZIP;q=0.5")).toBe(true);
    expect(acceptsGzip("br, gzip;q=0")).toBe(false);
    expect(acceptsGzip("gzip;q=0.000")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip("")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
