import { describe, expect, it } from "vitest";
import { unitClassOf } from "../../src/bridges/mqtt/ha/units.js";

describe("Home Assistant unit classes", () => {
  it("maps the controller's temperature spellings to °C with a device class", () => {
    for (const raw of ["C", "'C", "°C", " 'C "]) {
      expect(unitClassOf(raw)).toEqual({ unit: "°C", deviceClass: "temperature", stateClass: "measurement" });
    }
    expect(unitClassOf("kWh")).toMatchObject({ deviceClass: "energy", stateClass: "total_increasing" });
  });

  it("shows an unknown unit as sent, without a device class, and no unit as none", () => {
    expect(unitClassOf("m3")).toEqual({ unit: "m3", stateClass: "measurement" });
    expect(unitClassOf("  ")).toBeUndefined();
  });

  it("never takes a unit string off the wire for one of Object's own properties", () => {
    for (const raw of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(unitClassOf(raw)).toEqual({ unit: raw, stateClass: "measurement" });
    }
  });
});
