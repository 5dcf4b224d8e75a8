import { describe, expect, it } from "vitest";
import { formatDuration, formatRange, formatValue, parseNaiveLocal } from "../../web/src/format.js";

describe("format", () => {
  it("writes durations with their two largest units", () => {
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(22 * 60_000 + 34_000)).toBe("22 min 34 s");
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000 + 9_000)).toBe("2 h 5 min");
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe("3 d 4 h");
    expect(formatDuration(-5)).toBe("0 s");
  });

  it("writes values and ranges", () => {
    expect(formatValue(35.5, 7)).toBe("35.5");
    expect(formatValue(1234567, 6)).toBe("1234567");
    expect(formatValue(true, 10)).toBe("on");
    expect(formatValue(null, 7)).toBe("—");
    expect(formatRange(35, 65)).toBe("35 … 65");
    expect(formatRange(null, 5)).toBe("≤ 5");
    expect(formatRange(null, null)).toBe("");
  });

  it("reads the controller's naive timestamps in local time", () => {
    expect(parseNaiveLocal("2026-01-20T07:14:02")).toBe(new Date(2026, 0, 20, 7, 14, 2).getTime());
    expect(parseNaiveLocal("2026-01-20T07:14:02.123000")).toBe(
      new Date(2026, 0, 20, 7, 14, 2, 123).getTime(),
    );
    expect(parseNaiveLocal("yesterday")).toBeNaN();
  });
});
