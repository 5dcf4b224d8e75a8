/**
 * The default MQTT set: every parameter behind an entity of the Home Assistant `econext`
 * integration (HA-COMPAT.md §10–§11), with what the descriptors cannot say — a readable name, the
 * unit and class where the controller sends no unit string, value sets of selects and enums,
 * scaling the integration does itself, fallback ranges and the integration's sub-device gates.
 * Indices are the ecoMAX360i's; on another controller they simply match other parameters' hints
 * less well, which is why `MQTT_PUBLISH=all` and lists exist.
 */

export type EntityCategory = "config" | "diagnostic";
export type StateClass = "measurement" | "total" | "total_increasing";

/** An entity exists only while this holds (HA-COMPAT.md §11: "Sub-device gates"). */
export type Gate =
  /** DHW: index 61 present and not 999.0 (no sensor). */
  | { kind: "sensor-present"; index: number }
  /** Circuit N: `CircuitNactive` > 0. */
  | { kind: "positive"; index: number };

export interface EntityHint {
  /** Entity name shown in Home Assistant (the device name is prefixed by HA). */
  label: string;
  /** Force a platform where the rules would choose another (e.g. a writable status shown read-only). */
  component?: "sensor" | "button";
  unit?: string;
  deviceClass?: string;
  stateClass?: StateClass;
  /** Jinja template turning the raw state into what HA shows (scaling done by the integration). */
  valueTemplate?: string;
  /** Raw value → option: a select when writable, an enum sensor when read-only. */
  options?: Readonly<Record<number, string>>;
  /** Values read but never written, shown as one of the options (162 reads 5 and 6 as auto). */
  readAliases?: Readonly<Record<number, string>>;
  /** Range when the controller declares none (the integration's fallbacks). */
  min?: number;
  max?: number;
  step?: number;
  category?: EntityCategory;
  gate?: Gate;
  /** What the button sends. */
  pressValue?: number;
}

const C = "°C";
const temperature = { unit: C, deviceClass: "temperature", stateClass: "measurement" } as const;
const setpoint = { unit: C, deviceClass: "temperature" } as const;
const percent = { unit: "%", stateClass: "measurement" } as const;
const rpm = { unit: "rpm", stateClass: "measurement" } as const;
const minutes = { unit: "min", deviceClass: "duration" } as const;
const power = { unit: "kW", deviceClass: "power", stateClass: "measurement" } as const;
const cop = { stateClass: "measurement" } as const;
/** Raw counters in hundredths of a kWh (HA-COMPAT.md §5: the integration divides by 100). */
const energy = {
  unit: "kWh",
  deviceClass: "energy",
  stateClass: "total_increasing",
  valueTemplate: "{{ none if value == 'None' else ((value | float) / 100) | round(2) }}",
} as const;
/** Raw uint16 holding an int16 in tenths of a degree (the integration's conversion). */
const tenthsSigned = {
  ...temperature,
  valueTemplate:
    "{{ none if value == 'None' else (((value | int) - 65536 if (value | int) > 32767 else (value | int)) / 10) | round(1) }}",
} as const;
const diagnostic = { category: "diagnostic" } as const;
const config = { category: "config" } as const;
const onOffSchedule = { 0: "off", 1: "on", 2: "schedule" } as const;

const DHW_GATE: Gate = { kind: "sensor-present", index: 61 };

const CONTROLLER: Record<number, EntityHint> = {
  0: { label: "Software version", ...diagnostic },
  1: { label: "Hardware version", ...diagnostic },
  10: { label: "UID", ...diagnostic },
  374: { label: "Device name", ...diagnostic },
  13: { label: "Compilation date", ...diagnostic },
  14: { label: "Reset counter", ...diagnostic, stateClass: "total_increasing" },
  68: { label: "Outdoor temperature", ...temperature },
  83: { label: "Flap valve state", options: { 0: "ch", 3: "dhw" } },
  377: { label: "WiFi SSID", component: "sensor", ...diagnostic },
  380: { label: "WiFi signal strength", component: "sensor", ...percent, ...diagnostic },
  860: { label: "WiFi IP address", ...diagnostic },
  863: { label: "LAN IP address", ...diagnostic },
  81: { label: "Outputs", ...diagnostic },
  82: { label: "Inputs", ...diagnostic },
  495: { label: "Active operating mode", options: { 0: "standby", 3: "cooling", 4: "heating" } },
  162: {
    label: "Operating mode",
    options: { 1: "summer", 2: "winter", 6: "auto" },
    readAliases: { 5: "auto" },
  },
  163: { label: "Work state 3", component: "sensor", ...diagnostic },
  164: { label: "Work state 4", component: "sensor", ...diagnostic },
  702: { label: "Summer mode on", ...setpoint, min: 22, max: 30, ...config },
  703: { label: "Summer mode off", ...setpoint, min: 0, max: 24, ...config },
  498: { label: "Compressor minimum work time", unit: "min", ...config },
  499: { label: "Compressor minimum break time", unit: "min", ...config },
  503: { label: "Compressor minimum starts", ...config },
  485: { label: "Cooling support", min: 0, max: 1, ...config },
};

const DHW: Record<number, EntityHint> = {
  61: { label: "DHW temperature", ...temperature },
  134: { label: "DHW calculated setpoint", ...temperature },
  1431: { label: "DHW boost time remaining", ...minutes },
  103: { label: "DHW target temperature", ...setpoint, min: 35, max: 65 },
  104: { label: "DHW hysteresis", ...setpoint, ...config },
  108: { label: "DHW maximum temperature", ...setpoint, ...config },
  112: { label: "DHW maximum temperature hysteresis", ...setpoint, ...config },
  113: { label: "DHW load time", ...config },
  136: { label: "Legionella temperature", ...setpoint, ...config },
  138: { label: "Legionella hour", ...config },
  481: { label: "DHW temperature correction", ...setpoint, ...config },
  119: { label: "DHW mode", options: onOffSchedule },
  137: {
    label: "Legionella day",
    options: {
      0: "sunday",
      1: "monday",
      2: "tuesday",
      3: "wednesday",
      4: "thursday",
      5: "friday",
      6: "saturday",
    },
    ...config,
  },
  115: { label: "DHW boost", min: 0, max: 1 },
  135: { label: "Legionella start", min: 0, max: 1 },
};

const HEAT_PUMP: Record<number, EntityHint> = {
  // The heat-pump device's software version in the integration's device info (HA-COMPAT.md §4).
  1283: { label: "Heat pump software version", ...diagnostic },
  1208: { label: "System pressure", unit: "bar", deviceClass: "pressure", stateClass: "measurement" },
  1209: { label: "Pump speed", ...percent },
  1365: { label: "Compressor frequency", unit: "Hz", deviceClass: "frequency", stateClass: "measurement" },
  612: {
    label: "Water flow rate",
    unit: "L/min",
    deviceClass: "volume_flow_rate",
    stateClass: "measurement",
  },
  1366: { label: "Fan speed", ...rpm },
  479: { label: "Heat pump target temperature", ...temperature },
  1350: {
    label: "Heat pump work mode",
    options: { 0: "standby", 1: "heating", 2: "mode_2", 3: "cooling", 4: "defrost" },
  },
  1134: { label: "Flow temperature", ...temperature },
  1135: { label: "Return temperature", ...temperature },
  1137: { label: "Discharge temperature", ...temperature },
  1139: { label: "Suction temperature", ...temperature },
  1142: { label: "Defrost temperature", ...temperature },
  1143: { label: "Outdoor unit temperature", ...temperature },
  1047: { label: "Electrical power", ...power },
  1048: { label: "Heating power", ...power },
  1049: { label: "Cooling power", ...power },
  1050: { label: "Heating COP", ...cop },
  1051: { label: "Heating COP average", ...cop },
  1052: { label: "Cooling COP", ...cop },
  1053: { label: "Cooling COP average", ...cop },
  1196: { label: "Coil temperature", ...tenthsSigned },
  1198: { label: "EXV outlet temperature", ...tenthsSigned },
  1217: { label: "EEV position", stateClass: "measurement" },
  1223: { label: "DC bus voltage", unit: "V", deviceClass: "voltage", stateClass: "measurement" },
  1233: { label: "High pressure", unit: "kPa", deviceClass: "pressure", stateClass: "measurement" },
  1234: { label: "Low pressure", unit: "kPa", deviceClass: "pressure", stateClass: "measurement" },
  1285: { label: "Energy consumed total", ...energy },
  1287: { label: "Energy consumed heating", ...energy },
  1286: { label: "Energy consumed cooling", ...energy },
  1288: { label: "Energy consumed water heating", ...energy },
  1290: { label: "Energy produced heating", ...energy },
  1289: { label: "Energy produced cooling", ...energy },
  1291: { label: "Energy produced water heating", ...energy },
  1370: { label: "Purge PWM speed", unit: "%", ...config },
  1439: { label: "Standby pump speed", unit: "%", ...config },
  1440: { label: "Minimum pump speed", unit: "%", ...config },
  1441: { label: "Maximum pump speed", unit: "%", ...config },
  1443: { label: "Fan speed 0", unit: "rpm", ...config },
  1444: { label: "Fan speed 1", unit: "rpm", ...config },
  1445: { label: "Fan speed 2", unit: "rpm", ...config },
  1446: { label: "Fan speed 3", unit: "rpm", ...config },
  1133: { label: "Heat pump work mode setting", options: onOffSchedule },
  1385: { label: "Silent mode level", options: { 0: "level_1", 2: "level_2" } },
  1386: { label: "Silent mode schedule", options: { 0: "off", 2: "schedule" } },
  // The integration's manual defrost and purge switches are bits 0 and 14 of this word.
  1271: { label: "Defrost and purge control word", ...config },
  1369: { label: "Reboot", component: "button", pressValue: 1, ...config },
  // Used by the integration's climate entities (HA-COMPAT.md §11.4).
  1353: { label: "Circuit 1 pump status", ...diagnostic },
  1354: { label: "Circuit 2 pump status", ...diagnostic },
  1355: { label: "Circuit 3 pump status", ...diagnostic },
  1356: { label: "Circuit 4 pump status", ...diagnostic },
  1357: { label: "Circuit 5 pump status", ...diagnostic },
  1358: { label: "Circuit 6 pump status", ...diagnostic },
  1359: { label: "Circuit 7 pump status", ...diagnostic },
  1361: { label: "DHW heating status", ...diagnostic },
};

/** Circuit fields and their indices for circuits 1–7 (HA-COMPAT.md §11.4). */
const CIRCUIT_FIELDS: readonly (readonly [
  label: string,
  indices: readonly number[],
  hint: Omit<EntityHint, "label">,
])[] = [
  ["active", [279, 329, 901, 987, 1038, 781, 831], diagnostic],
  ["name", [278, 328, 900, 986, 1037, 780, 830], { component: "sensor", ...diagnostic }],
  [
    "work state",
    [236, 286, 336, 944, 995, 753, 803],
    { options: { 0: "off", 1: "comfort", 2: "eco", 3: "schedule" } },
  ],
  ["settings word", [231, 281, 331, 940, 991, 749, 799], config],
  ["thermostat temperature", [277, 327, 899, 985, 1036, 779, 829], temperature],
  ["comfort temperature", [238, 288, 338, 946, 997, 755, 805], { ...setpoint, step: 0.1 }],
  ["eco temperature", [239, 289, 339, 947, 998, 756, 806], { ...setpoint, step: 0.1 }],
  ["calculated temperature", [237, 287, 337, 945, 996, 754, 804], temperature],
  ["room setpoint", [42, 92, 93, 94, 95, 96, 97], { ...temperature, component: "sensor" }],
  ["hysteresis", [240, 290, 340, 948, 999, 757, 807], { ...setpoint, ...config }],
  ["maximum radiator temperature", [242, 292, 342, 950, 1001, 759, 809], { ...setpoint, ...config }],
  ["maximum heating temperature", [243, 293, 343, 951, 1002, 760, 810], { ...setpoint, ...config }],
  ["fixed temperature", [261, 311, 361, 969, 1020, 768, 818], { ...setpoint, ...config }],
  ["temperature reduction", [262, 312, 362, 970, 1021, 769, 819], { ...setpoint, ...config }],
  ["curve multiplier", [263, 313, 363, 971, 1022, 770, 820], config],
  ["radiator curve", [273, 323, 895, 981, 1032, 774, 824], { step: 0.1, ...config }],
  ["floor curve", [274, 324, 896, 982, 1033, 775, 825], { step: 0.1, ...config }],
  ["fan coil curve", [586, 587, 588, 589, 590, 591, 592], { step: 0.1, ...config }],
  ["curve shift", [275, 325, 897, 983, 1034, 776, 826], config],
  ["room temperature correction", [280, 330, 902, 988, 1039, 782, 832], { ...setpoint, ...config }],
  [
    "type",
    [269, 319, 369, 977, 1028, 772, 822],
    { options: { 1: "radiator", 2: "underfloor", 3: "fan_coil" }, ...config },
  ],
  ["minimum cooling setpoint", [903, 787, 837, 905, 907, 909, 911], { ...setpoint, ...config }],
  ["maximum cooling setpoint", [904, 788, 838, 906, 908, 910, 912], { ...setpoint, ...config }],
  ["cooling fixed temperature", [739, 789, 839, 990, 1041, 784, 834], { ...setpoint, ...config }],
  ["boost time left", [1432, 1433, 1434, 1435, 1436, 1437, 1438], { unit: "min" }],
];

/** The first index of each circuit's `active` row: the gate of that circuit's other entities. */
const CIRCUIT_ACTIVE = CIRCUIT_FIELDS[0]![1];

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** Schedules (HA-COMPAT.md §10): Sunday AM index of each, 14 consecutive indices (AM/PM per day). */
const SCHEDULES: readonly (readonly [label: string, sundayAm: number, gate?: Gate])[] = [
  ["DHW schedule", 120, DHW_GATE],
  ["Heat pump schedule", 926],
  ["Silent mode schedule", 1387],
  ["Circuit 1 schedule", 247, { kind: "positive", index: CIRCUIT_ACTIVE[0]! }],
  ["Circuit 2 schedule", 297, { kind: "positive", index: CIRCUIT_ACTIVE[1]! }],
  ["Circuit 3 schedule", 881, { kind: "positive", index: CIRCUIT_ACTIVE[2]! }],
  ["Circuit 4 schedule", 955, { kind: "positive", index: CIRCUIT_ACTIVE[3]! }],
  ["Circuit 5 schedule", 1006, { kind: "positive", index: CIRCUIT_ACTIVE[4]! }],
  ["Circuit 6 schedule", 867, { kind: "positive", index: CIRCUIT_ACTIVE[5]! }],
  ["Circuit 7 schedule", 845, { kind: "positive", index: CIRCUIT_ACTIVE[6]! }],
];

/**
 * Circuits 6 and 7 point some fields at neighbouring parameters (HA-COMPAT.md §11.5): those keep
 * the parameter's own name rather than a label that would describe another parameter.
 */
const MISNAMED = new Set([768, 818, 769, 819, 770, 820, 774, 824, 775, 825, 776, 826, 772, 822]);

function buildCatalog(): ReadonlyMap<number, EntityHint> {
  const catalog = new Map<number, EntityHint>();
  for (const [index, hint] of Object.entries(CONTROLLER)) catalog.set(Number(index), hint);
  for (const [index, hint] of Object.entries(DHW)) catalog.set(Number(index), { ...hint, gate: DHW_GATE });
  for (const [index, hint] of Object.entries(HEAT_PUMP)) catalog.set(Number(index), hint);
  for (const [field, indices, hint] of CIRCUIT_FIELDS) {
    indices.forEach((index, i) => {
      const circuit = i + 1;
      const gate: Gate | undefined =
        field === "active" ? undefined : { kind: "positive", index: CIRCUIT_ACTIVE[i]! };
      const label = MISNAMED.has(index) ? "" : `Circuit ${circuit} ${field}`;
      catalog.set(index, { ...hint, label, gate });
    });
  }
  for (const [label, sundayAm, gate] of SCHEDULES) {
    DAYS.forEach((day, d) => {
      for (const [half, offset] of [
        ["AM", 0],
        ["PM", 1],
      ] as const) {
        catalog.set(sundayAm + 2 * d + offset, { label: `${label} ${day} ${half}`, gate, ...config });
      }
    });
  }
  return catalog;
}

/** Index → hint for the default set. An empty label means: use the parameter's name. */
export const DEFAULT_CATALOG: ReadonlyMap<number, EntityHint> = buildCatalog();
