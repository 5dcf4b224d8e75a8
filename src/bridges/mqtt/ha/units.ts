/**
 * Unit strings from descriptors → Home Assistant's unit, device class and state class. The
 * controller's own unit strings are unconfirmed (PROTOCOL.md §7; the thermostat writes `'C`), so
 * every spelling seen or expected maps here; anything else is shown as sent, without a class.
 */
import type { StateClass } from "./catalog.js";

export interface UnitClass {
  unit: string;
  deviceClass?: string;
  stateClass?: StateClass;
}

const TEMPERATURE: UnitClass = { unit: "°C", deviceClass: "temperature", stateClass: "measurement" };

const BY_UNIT: Readonly<Record<string, UnitClass>> = {
  C: TEMPERATURE,
  "'C": TEMPERATURE,
  "°C": TEMPERATURE,
  K: { unit: "K", deviceClass: "temperature", stateClass: "measurement" },
  kW: { unit: "kW", deviceClass: "power", stateClass: "measurement" },
  W: { unit: "W", deviceClass: "power", stateClass: "measurement" },
  kWh: { unit: "kWh", deviceClass: "energy", stateClass: "total_increasing" },
  bar: { unit: "bar", deviceClass: "pressure", stateClass: "measurement" },
  kPa: { unit: "kPa", deviceClass: "pressure", stateClass: "measurement" },
  Pa: { unit: "Pa", deviceClass: "pressure", stateClass: "measurement" },
  V: { unit: "V", deviceClass: "voltage", stateClass: "measurement" },
  A: { unit: "A", deviceClass: "current", stateClass: "measurement" },
  Hz: { unit: "Hz", deviceClass: "frequency", stateClass: "measurement" },
  "%": { unit: "%", stateClass: "measurement" },
  s: { unit: "s", deviceClass: "duration", stateClass: "measurement" },
  min: { unit: "min", deviceClass: "duration", stateClass: "measurement" },
  h: { unit: "h", deviceClass: "duration", stateClass: "measurement" },
  d: { unit: "d", deviceClass: "duration", stateClass: "measurement" },
  "l/min": { unit: "L/min", deviceClass: "volume_flow_rate", stateClass: "measurement" },
  "L/min": { unit: "L/min", deviceClass: "volume_flow_rate", stateClass: "measurement" },
  rpm: { unit: "rpm", stateClass: "measurement" },
};

/** Classes for a descriptor's unit string; undefined when it has none. */
export function unitClassOf(raw: string): UnitClass | undefined {
  const text = raw.trim();
  if (text === "") return undefined;
  // Own keys only: a unit string off the wire such as "constructor" must not reach Object's prototype.
  return (
    (Object.hasOwn(BY_UNIT, text) ? BY_UNIT[text] : undefined) ?? { unit: text, stateClass: "measurement" }
  );
}

/** Device classes of `number` entities (a subset of the sensor ones). */
export const NUMBER_DEVICE_CLASSES: ReadonlySet<string> = new Set([
  "temperature",
  "power",
  "energy",
  "pressure",
  "voltage",
  "current",
  "frequency",
  "duration",
  "volume_flow_rate",
]);

/** Temperature sensors read 999.0 when no sensor is fitted (HA-COMPAT.md §5): show it as unknown. */
export const NO_SENSOR_TEMPLATE = "{{ none if value == 'None' or (value | float(0)) == 999 else value }}";
