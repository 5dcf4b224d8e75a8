/**
 * The ecoSTER room thermostat's 35-parameter table (PROTOCOL.md §17.3): names, types, units,
 * writable flags, descriptor ranges, per-value flag bytes and the emulator's default values.
 * Shared by the simulator's thermostat, the virtual thermostat and capture decoding.
 */
import { TypeCode } from "./types.js";

export interface EcosterParameter {
  index: number;
  name: string;
  type: TypeCode;
  unit: string;
  writable: boolean;
  /** Literal descriptor range (for strings: max = maximum length). */
  min: number;
  max: number;
  /** Per-value flag byte before the parameter is written. */
  flag: number;
  /** Flag byte once the parameter has been written (where it changes). */
  writtenFlag?: number;
  /** Default value of the emulator (NaN for the absent external sensor). */
  value: number | string;
}

const C = "'C";

function schedules(): EcosterParameter[] {
  const days = ["Sun.", "Mon.", "Tue.", "Wed.", "Thu.", "Fri.", "Sat."];
  return days.flatMap((day, i) => [
    {
      index: 9 + 2 * i,
      name: i === 0 ? `Schedule A ${day}` : `S A ${day}`,
      type: TypeCode.UINT32,
      unit: "",
      writable: true,
      min: 0,
      max: 0,
      flag: 0x81,
      value: 0,
    },
    {
      index: 10 + 2 * i,
      name: `S B ${day}`,
      type: TypeCode.UINT16,
      unit: "",
      writable: true,
      min: 0,
      max: 0,
      flag: 0x81,
      value: 0,
    },
  ]);
}

export const ECOSTER_PARAMETERS: readonly EcosterParameter[] = [
  {
    index: 0,
    name: "IntrSens",
    type: TypeCode.FLOAT,
    unit: C,
    writable: false,
    min: 0,
    max: 0,
    flag: 0x00,
    value: 19.0,
  },
  {
    index: 1,
    name: "WorkMode",
    type: TypeCode.UINT8,
    unit: "",
    writable: true,
    min: 0,
    max: 0,
    flag: 0x81,
    value: 3,
  },
  {
    index: 2,
    name: "AlMsk",
    type: TypeCode.UINT32,
    unit: "",
    writable: true,
    min: 0,
    max: 0,
    flag: 0x81,
    writtenFlag: 0x01,
    value: 0,
  },
  {
    index: 3,
    name: "PresetNow",
    type: TypeCode.FLOAT,
    unit: C,
    writable: false,
    min: 0,
    max: 0,
    flag: 0x00,
    value: 19.0,
  },
  {
    index: 4,
    name: "PrDay",
    type: TypeCode.FLOAT,
    unit: C,
    writable: true,
    min: 10,
    max: 35,
    flag: 0x81,
    writtenFlag: 0x01,
    value: 19.5,
  },
  {
    index: 5,
    name: "PrNight",
    type: TypeCode.FLOAT,
    unit: C,
    writable: true,
    min: 10,
    max: 35,
    flag: 0x81,
    writtenFlag: 0x01,
    value: 18.0,
  },
  {
    index: 6,
    name: "Hyst",
    type: TypeCode.FLOAT,
    unit: C,
    writable: true,
    min: -4,
    max: 4,
    flag: 0x81,
    writtenFlag: 0x01,
    value: 0.5,
  },
  {
    index: 7,
    name: "MonitA",
    type: TypeCode.UINT32,
    unit: "",
    writable: true,
    min: 0,
    max: 0,
    flag: 0x81,
    writtenFlag: 0x01,
    value: 0,
  },
  {
    index: 8,
    name: "MonitB",
    type: TypeCode.UINT32,
    unit: "",
    writable: true,
    min: 0,
    max: 0,
    flag: 0x81,
    writtenFlag: 0x01,
    value: 0,
  },
  ...schedules(),
  {
    index: 23,
    name: "ExtSens",
    type: TypeCode.FLOAT,
    unit: C,
    writable: false,
    min: 0,
    max: 0,
    flag: 0x00,
    value: Number.NaN,
  },
  {
    index: 24,
    name: "FN",
    type: TypeCode.STRING,
    unit: "",
    writable: true,
    min: 0,
    max: 11,
    flag: 0x01,
    value: "0000000002",
  },
  {
    index: 25,
    name: "HV",
    type: TypeCode.STRING,
    unit: "",
    writable: false,
    min: 0,
    max: 7,
    flag: 0x00,
    value: "H2.0.0",
  },
  {
    index: 26,
    name: "SW",
    type: TypeCode.STRING,
    unit: "",
    writable: false,
    min: 0,
    max: 8,
    flag: 0x00,
    value: "S001.24",
  },
  {
    index: 27,
    name: "",
    type: TypeCode.STRING,
    unit: "",
    writable: false,
    min: 0,
    max: 21,
    flag: 0x00,
    value: "Dec 28 2022 10:41:09",
  },
  {
    index: 28,
    name: "TestStart",
    type: TypeCode.UINT8,
    unit: "",
    writable: false,
    min: 0,
    max: 1,
    flag: 0x00,
    value: 0,
  },
  {
    index: 29,
    name: "TestRes",
    type: TypeCode.UINT8,
    unit: "",
    writable: false,
    min: 0,
    max: 0,
    flag: 0x00,
    value: 0,
  },
  {
    index: 30,
    name: "Run",
    type: TypeCode.UINT32,
    unit: "s",
    writable: false,
    min: 0,
    max: 0,
    flag: 0x00,
    value: 0,
  },
  {
    index: 31,
    name: "RstCause",
    type: TypeCode.UINT8,
    unit: "",
    writable: false,
    min: 0,
    max: 0,
    flag: 0x00,
    value: 15,
  },
  {
    index: 32,
    name: "Rtc CV",
    type: TypeCode.UINT8,
    unit: "",
    writable: false,
    min: 0,
    max: 0,
    flag: 0x00,
    value: 2,
  },
  {
    index: 33,
    name: "Afrz",
    type: TypeCode.FLOAT,
    unit: C,
    writable: true,
    min: 5,
    max: 30,
    flag: 0x01,
    value: 9.0,
  },
  {
    index: 34,
    name: "Corr",
    type: TypeCode.FLOAT,
    unit: C,
    writable: true,
    min: -4,
    max: 4,
    flag: 0x01,
    value: 0.0,
  },
];

/** Type lookup over the thermostat's wire indices. */
export function ecosterTypeOf(index: number): number | undefined {
  return ECOSTER_PARAMETERS[index]?.type;
}
