import { describe, expect, it } from "vitest";
import { chooseTiles, knownLabels, tileText } from "../../web/src/tiles.js";
import type { Parameter } from "../../web/src/types.js";

function lookupOf(parameters: Partial<Parameter>[]) {
  const byName = new Map<string, Parameter>();
  parameters.forEach((fields, i) => {
    const p: Parameter = {
      index: i,
      name: "",
      value: 0,
      type: 7,
      unit: 0,
      writable: false,
      min: null,
      max: null,
      ...fields,
    };
    if (!byName.has(p.name)) byName.set(p.name, p);
  });
  return (name: string) => byName.get(name);
}

const keys = (groups: ReturnType<typeof chooseTiles>) => groups.flatMap((g) => g.tiles.map((t) => t.key));

describe("chooseTiles (the overview, by parameter name)", () => {
  it("shows a tile only for parameters the controller has", () => {
    const groups = chooseTiles(
      lookupOf([
        { name: "TempWthr", index: 68, value: 10 },
        { name: "AxenOutgoingTemp", index: 1134 },
      ]),
    );
    expect(keys(groups)).toEqual(["outside-outdoor", "heatpump-flow"]);
    expect(groups[0]?.tiles[0]).toMatchObject({ index: 68, unit: "°C", label: "Outdoor temperature" });
  });

  it("shows hot water only when its sensor reads (not absent, not 999.0)", () => {
    const withSensor = chooseTiles(
      lookupOf([
        { name: "TempCWU", index: 61, value: 45.9 },
        { name: "HDWTSetPoint", index: 103, type: 4, writable: true },
      ]),
    );
    expect(keys(withSensor)).toEqual(["dhw-temperature", "dhw-setpoint"]);
    expect(chooseTiles(lookupOf([{ name: "TempCWU", value: 999 }, { name: "HDWTSetPoint" }]))).toEqual([]);
  });

  it("shows a circuit only when CircuitNactive > 0, titled with its name", () => {
    const groups = chooseTiles(
      lookupOf([
        { name: "Circuit1active", value: 0 },
        { name: "Circuit1ComfortTemp", value: 21 },
        { name: "Circuit2active", value: 1 },
        { name: "Circuit2name", type: 12, value: "UFH " },
        { name: "Circuit2ComfortTemp", value: 21, writable: true },
        { name: "Circuit2WorkState", type: 4, value: 3 },
      ]),
    );
    expect(groups.map((g) => g.title)).toEqual(["Circuit 2 · UFH"]);
    expect(keys(groups)).toEqual(["circuit2-comfort", "circuit2-mode"]);
  });

  it("finds each circuit's room temperature under the name the controller's table gives it", () => {
    // profiles/ecomax360i.json: circuit 1 has `Circuit1thermostat` (277), circuits 2–7
    // `CircuitNthermostatTemp` (Circuit2thermostatTemp is 327, Circuit3thermostatTemp 899).
    const groups = chooseTiles(
      lookupOf([
        { name: "Circuit1active", index: 279, value: 1 },
        { name: "Circuit1thermostat", index: 277, value: 21.5 },
        { name: "Circuit2active", index: 329, value: 1 },
        { name: "Circuit2thermostatTemp", index: 327, value: 19.93 },
        { name: "Circuit3active", index: 901, value: 1 },
        { name: "Circuit3thermostatTemp", index: 899, value: 20 },
      ]),
    );
    const room = groups.map((g) => g.tiles.find((t) => t.key.endsWith("-room")));
    expect(room.map((t) => [t?.name, t?.index, t?.unit])).toEqual([
      ["Circuit1thermostat", 277, "°C"],
      ["Circuit2thermostatTemp", 327, "°C"],
      ["Circuit3thermostatTemp", 899, "°C"],
    ]);
  });

  it("adds cooling tiles only when cooling is enabled (HeatingCooling > 0)", () => {
    const base = [{ name: "CoolingPower" }, { name: "HeatingPower" }];
    expect(keys(chooseTiles(lookupOf(base)))).toEqual(["heatpump-heating"]);
    expect(keys(chooseTiles(lookupOf([...base, { name: "HeatingCooling", value: 1 }])))).toEqual([
      "heatpump-heating",
      "heatpump-cooling",
    ]);
  });

  it("prefers the API's unit over the tile's own", () => {
    const groups = chooseTiles(
      lookupOf([
        { name: "ElectricPower", unit: 7 },
        { name: "HPStatusComprHz", unit: 0 },
      ]),
    );
    expect(groups[0]?.tiles.map((t) => t.unit)).toEqual(["Hz", "kW"]);
  });
});

describe("tileText", () => {
  const tile = { key: "k", label: "L", index: 1, name: "n", unit: "°C", sensor: true };
  const p = (value: Parameter["value"]): Parameter => ({
    index: 1,
    name: "n",
    value,
    type: 7,
    unit: 0,
    writable: false,
    min: null,
    max: null,
  });

  it("shows numbers with up to two decimals and the unit", () => {
    expect(tileText(tile, p(33.8))).toEqual({ text: "33.8", unit: "°C" });
    expect(tileText(tile, p(35.916))).toEqual({ text: "35.92", unit: "°C" });
  });

  it("shows 999.0 as no sensor, null as a dash, and enumerations by name", () => {
    expect(tileText(tile, p(999))).toEqual({ text: "no sensor", unit: "" });
    expect(tileText(tile, p(null))).toEqual({ text: "—", unit: "" });
    expect(tileText({ ...tile, labels: { 1: "heating" } }, p(1))).toEqual({ text: "heating", unit: "" });
    expect(tileText({ ...tile, labels: { 1: "heating" } }, p(7))).toEqual({ text: "7", unit: "" });
  });
});

describe("knownLabels", () => {
  it("gives the value words of the enumerated parameters the overview shows, and none for others", () => {
    expect(knownLabels("HDWusermode")).toEqual({ 0: "off", 1: "on", 2: "schedule" });
    expect(knownLabels("AxenWorkState")).toEqual({ 0: "off", 1: "on", 2: "schedule" });
    expect(knownLabels("Circuit2WorkState")).toEqual({ 0: "off", 1: "comfort", 2: "eco", 3: "schedule" });
    expect(knownLabels("HPStatusWorkMode")?.[1]).toBe("heating");
    expect(knownLabels("HDWTSetPoint")).toBeUndefined();
    expect(knownLabels("Circuit8WorkState")).toBeUndefined();
  });

  it("are the words the tiles show", () => {
    const groups = chooseTiles(
      lookupOf([
        { name: "TempCWU", value: 45 },
        { name: "HDWusermode", index: 119, type: 4, writable: true },
        { name: "AxenWorkState", index: 1133, type: 6, writable: true },
      ]),
    );
    for (const tile of groups.flatMap((g) => g.tiles).filter((t) => t.labels)) {
      expect(tile.labels, tile.name).toEqual(knownLabels(tile.name));
    }
    expect(groups.flatMap((g) => g.tiles).filter((t) => t.labels).length).toBe(2);
  });
});
