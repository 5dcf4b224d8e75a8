/**
 * The overview: the values a person looks at first, chosen by parameter name from the controller's
 * table (HA-COMPAT.md §11) — a tile whose parameter the controller does not have is not shown. Pure:
 * it gets a lookup by name (lowest index, as the API resolves names) and returns groups of tiles.
 */
import { NO_SENSOR, unitSymbol } from "./format.js";
import type { Parameter } from "./types.js";

export type Lookup = (name: string) => Parameter | undefined;

export interface Tile {
  /** Stable key for the DOM (`circuit2-comfort`). */
  key: string;
  label: string;
  index: number;
  name: string;
  /** The API's unit when it has one, else the unit known for this tile. */
  unit: string;
  /** Labels of an enumerated value (work states, modes). */
  labels?: Readonly<Record<number, string>>;
  /** 999.0 means "no sensor" for this tile. */
  sensor?: boolean;
}

export interface TileGroup {
  key: string;
  title: string;
  tiles: Tile[];
}

interface TileSpec {
  key: string;
  label: string;
  /** The parameter's name; with several, the first the controller has. */
  name: string | readonly string[];
  unit?: string;
  labels?: Readonly<Record<number, string>>;
  sensor?: boolean;
}

const CELSIUS = "°C";

/** HPStatusWorkMode (1350), as the integration names it. */
export const HEAT_PUMP_STATES: Readonly<Record<number, string>> = {
  0: "standby",
  1: "heating",
  2: "mode 2",
  3: "cooling",
  4: "defrost",
};
const ON_OFF_SCHEDULE: Readonly<Record<number, string>> = { 0: "off", 1: "on", 2: "schedule" };
const CIRCUIT_STATES: Readonly<Record<number, string>> = { 0: "off", 1: "comfort", 2: "eco", 3: "schedule" };

/**
 * Words for the values of enumerated parameters, by name: the overview shows them, and an editor
 * of one of these offers exactly these values (a select), nothing else.
 */
export function knownLabels(name: string): Readonly<Record<number, string>> | undefined {
  if (name === "HPStatusWorkMode") return HEAT_PUMP_STATES;
  if (name === "HDWusermode" || name === "AxenWorkState") return ON_OFF_SCHEDULE;
  if (/^Circuit[1-7]WorkState$/.test(name)) return CIRCUIT_STATES;
  return undefined;
}

/** Circuits on an ecoMAX360i (HA-COMPAT.md §11.4). */
export const CIRCUIT_COUNT = 7;

function tileOf(spec: TileSpec, lookup: Lookup, prefix: string): Tile | undefined {
  const names = typeof spec.name === "string" ? [spec.name] : spec.name;
  const parameter = names.map((name) => lookup(name)).find((p) => p !== undefined);
  if (!parameter) return undefined;
  const unit = unitSymbol(parameter.unit) || spec.unit || "";
  return {
    key: `${prefix}-${spec.key}`,
    label: spec.label,
    index: parameter.index,
    name: parameter.name,
    unit,
    ...(spec.labels ? { labels: spec.labels } : {}),
    ...(spec.sensor ? { sensor: true } : {}),
  };
}

function group(key: string, title: string, specs: TileSpec[], lookup: Lookup): TileGroup | undefined {
  const tiles = specs.map((spec) => tileOf(spec, lookup, key)).filter((t): t is Tile => t !== undefined);
  return tiles.length > 0 ? { key, title, tiles } : undefined;
}

const temperature = (key: string, label: string, name: TileSpec["name"]): TileSpec => ({
  key,
  label,
  name,
  unit: CELSIUS,
  sensor: true,
});

function numberValue(parameter: Parameter | undefined): number | undefined {
  return typeof parameter?.value === "number" ? parameter.value : undefined;
}

export function chooseTiles(lookup: Lookup): TileGroup[] {
  const groups: (TileGroup | undefined)[] = [];
  groups.push(
    group("outside", "Outside", [temperature("outdoor", "Outdoor temperature", "TempWthr")], lookup),
  );

  // Hot water: the integration's gate (index 61 present and not 999.0).
  const dhw = numberValue(lookup("TempCWU"));
  if (dhw !== undefined && dhw !== NO_SENSOR) {
    groups.push(
      group(
        "dhw",
        "Hot water",
        [
          temperature("temperature", "Temperature", "TempCWU"),
          { key: "setpoint", label: "Setpoint", name: "HDWTSetPoint", unit: CELSIUS },
          { key: "mode", label: "Mode", name: "HDWusermode", labels: ON_OFF_SCHEDULE },
        ],
        lookup,
      ),
    );
  }

  const cooling = (numberValue(lookup("HeatingCooling")) ?? 0) > 0;
  groups.push(
    group(
      "heatpump",
      "Heat pump",
      [
        { key: "state", label: "Work state", name: "HPStatusWorkMode", labels: HEAT_PUMP_STATES },
        { key: "operation", label: "Operation mode", name: "AxenWorkState", labels: ON_OFF_SCHEDULE },
        temperature("flow", "Flow", "AxenOutgoingTemp"),
        temperature("return", "Return", "AxenReturnTemp"),
        { key: "compressor", label: "Compressor", name: "HPStatusComprHz", unit: "Hz" },
        { key: "electric", label: "Electric power", name: "ElectricPower", unit: "kW" },
        { key: "heating", label: "Heating power", name: "HeatingPower", unit: "kW" },
        { key: "cop", label: "COP", name: "HeatingCopTemporary" },
        { key: "cop-average", label: "COP average", name: "HeatingCopAverage" },
        ...(cooling
          ? [
              { key: "cooling", label: "Cooling power", name: "CoolingPower", unit: "kW" },
              { key: "cooling-cop", label: "Cooling COP", name: "CoolingCopTemporary" },
            ]
          : []),
      ],
      lookup,
    ),
  );

  for (let n = 1; n <= CIRCUIT_COUNT; n++) {
    // The integration's gate: CircuitNactive > 0.
    if ((numberValue(lookup(`Circuit${n}active`)) ?? 0) <= 0) continue;
    const name = lookup(`Circuit${n}name`)?.value;
    const title =
      typeof name === "string" && name.trim() !== "" ? `Circuit ${n} · ${name.trim()}` : `Circuit ${n}`;
    groups.push(
      group(
        `circuit${n}`,
        title,
        [
          // Circuit 1's room temperature is `Circuit1thermostat`; circuits 2–7 call theirs
          // `CircuitNthermostatTemp` (indices 327, 899, … in the ecoMAX360i's table).
          temperature("room", "Room temperature", [`Circuit${n}thermostatTemp`, `Circuit${n}thermostat`]),
          { key: "comfort", label: "Comfort setpoint", name: `Circuit${n}ComfortTemp`, unit: CELSIUS },
          { key: "eco", label: "Eco setpoint", name: `Circuit${n}EcoTemp`, unit: CELSIUS },
          temperature("calculated", "Calculated flow", `Circuit${n}CalcTemp`),
          { key: "mode", label: "Mode", name: `Circuit${n}WorkState`, labels: CIRCUIT_STATES },
        ],
        lookup,
      ),
    );
  }
  return groups.filter((g): g is TileGroup => g !== undefined);
}

/** The text a tile shows for its parameter's value (without the unit). */
export function tileText(tile: Tile, parameter: Parameter | undefined): { text: string; unit: string } {
  const value = parameter?.value ?? null;
  if (value === null) return { text: "—", unit: "" };
  if (tile.sensor && value === NO_SENSOR) return { text: "no sensor", unit: "" };
  if (tile.labels && typeof value === "number") {
    return { text: tile.labels[value] ?? String(value), unit: "" };
  }
  if (typeof value === "number") {
    return {
      text: value.toLocaleString("en-US", { maximumFractionDigits: 2, useGrouping: false }),
      unit: tile.unit,
    };
  }
  if (typeof value === "boolean") return { text: value ? "on" : "off", unit: "" };
  return { text: value, unit: "" };
}

/** Parameters whose values decide which tiles exist (gates, circuit names). */
export function gateNames(): string[] {
  const names = ["TempCWU", "HeatingCooling"];
  for (let n = 1; n <= CIRCUIT_COUNT; n++) names.push(`Circuit${n}active`, `Circuit${n}name`);
  return names;
}
