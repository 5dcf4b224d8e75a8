/** The alarm table (src/catalog/alarms.json): every entry named, with advice and a known source. */
import { describe, expect, it } from "vitest";
import { ALARMS_FILE, alarmInfo } from "../../src/catalog/alarms.js";

describe("the alarm table", () => {
  it("gives every code a name, what to check and a source that is listed", () => {
    const entries = Object.entries(ALARMS_FILE.alarms);
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const [code, entry] of entries) {
      expect(code).toMatch(/^\d+$/);
      expect(entry.name.length).toBeGreaterThan(3);
      expect(entry.check.length).toBeGreaterThan(10);
      expect(ALARMS_FILE.sources).toHaveProperty(entry.source);
    }
  });

  it("names known codes and says unknown ones are unknown", () => {
    expect(alarmInfo(148)).toMatchObject({ name: "Water flow failure", known: true });
    expect(alarmInfo(2)).toEqual({ code: 2, name: "Alarm 2 (unknown — please report)", known: false });
    // A code spelled like an Object property is just unknown.
    expect(alarmInfo(Number("0x10")).known).toBe(false);
  });
});
