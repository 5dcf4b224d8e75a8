/**
 * Options of a {@link Simulation}: every one has a default matching a real bus's rhythm (the
 * capture and PROTOCOL.md §10.3, §19, §21; the panel's intervals are {@link FIELD_TIMING}) and can be
 * overridden. A faster rhythm is a named profile (`./timing.ts`), never a silent default.
 */
import {
  Address,
  type AlarmRecord,
  GATEWAY_ADDRESS_RANGE,
  MAX_FRAME_LENGTH,
  MIN_FRAME_LENGTH,
} from "../protocol/index.js";
import { RealClock, type SimClock } from "./clock.js";
import type { FaultOptions } from "./faults.js";
import type { PresenceWrite, ThermostatCopy } from "./panel.js";
import type { ResponseCap } from "./parameter-space.js";
import type { SimProfile } from "./profile/format.js";
import { defaultProfile } from "./profile/load.js";
import { FIELD_TIMING } from "./timing.js";

export interface SimulationCaps {
  /** GET_PARAMS answers of the controller (the capture: 100 asked → 100 returned, ≤ 466-byte payloads). */
  controllerValues: ResponseCap;
  /** 0x82 answers of the controller: 920 payload bytes give 39 batches for the 1,447 descriptors. */
  controllerDescriptors: ResponseCap;
  panelValues: ResponseCap;
  /** 0x81 answers of the panel: 190 payload bytes give 43 batches for the 423 descriptors. */
  panelDescriptors: ResponseCap;
  thermostatValues: ResponseCap;
  /** PROTOCOL.md §17.4: ≤ 240 payload bytes (14/16/5 entries). */
  thermostatDescriptors: ResponseCap;
}

export interface SimulationOptions {
  /** Default: a new {@link RealClock}. Pass a `VirtualClock` to run faster than real time. */
  clock: SimClock;
  /** Seed of every random choice (value drift, faults, garbling). */
  seed: number;
  baudRate: number;
  /** True: bytes take 10 bits / baud on the wire. False: transmissions take no time. */
  wireDelay: boolean;
  /** Bus-log bound (oldest entries are dropped). */
  maxLogEntries: number;
  /** Parameter spaces and identity (default: the bundled ecoMAX360i profile). */
  profile: SimProfile;

  controllerAddress: number;
  panelAddress: number;
  thermostatAddress: number;
  /** A wired ecoSTER at `thermostatAddress` (default true); false: only paired thermostats. */
  wiredThermostat: boolean;
  /**
   * Circuit whose thermostat a newly paired one becomes (the controller's
   * `Circuit<N>ThermostatAddress` is set to it); undefined: paired thermostats only report.
   */
  pairedThermostatCircuit: number | undefined;
  /** While pairing, the panel probes one free address of 160–199 with IDENTIFY every this many beacons (0: never). */
  pairingProbeEvery: number;
  /** Simulate the 0xFFFF poller (present on real buses). */
  poller: boolean;
  /**
   * Stress option (default false): the poller also sweeps while another party holds the token —
   * from each grant until the token comes back — so its requests and the controller's replies to
   * 0xFFFF land amid the holder's own exchanges. Real pollers stay quiet during a grant.
   */
  pollerIgnoresToken: boolean;

  controllerLatencyMs: number;
  panelLatencyMs: number;
  thermostatLatencyMs: number;
  pollerTurnaroundMs: number;
  pollerReplyTimeoutMs: number;
  /**
   * A cue less than this long after the last sweep started is ignored (the capture shows such
   * probes). Undefined: 55 % of `panelCycleMs` (1,430 ms by default).
   */
  pollerMinSweepIntervalMs: number | undefined;

  /** False: the panel only answers requests (and manual token grants); no cycle, no broadcasts. */
  panelCycle: boolean;
  panelCycleMs: number;
  /** Silence the panel waits for before its own traffic (lets a poller sweep finish). */
  panelQuietGapMs: number;
  /** Probed once per cycle; the first is the poller's cue (131). */
  knownAddresses: readonly number[];
  /** Scanning IDENTIFY targets, in order (non-sequential; includes 105–130 so a gateway can claim one). */
  scanAddresses: readonly number[];
  scanIntervalMs: number;
  identifyTimeoutMs: number;
  /** How long the panel waits for the thermostat's and the controller's answers. */
  panelReplyTimeoutMs: number;
  tokenGrantIntervalMs: number;
  /** After this long without a token return the panel takes the bus back. */
  tokenReturnTimeoutMs: number;
  deviceTableIntervalMs: number;
  clockBroadcastIntervalMs: number;
  thermostatPollIntervalMs: number;
  presenceWriteIntervalMs: number;
  pairingBeaconIntervalMs: number;
  /** Gateways the panel already knows (so tests need not wait for a scan). */
  registeredGateways: readonly number[];
  /** A gateway answering a scan in this range gets registered. */
  claimRange: { first: number; last: number };
  thermostatCopies: readonly ThermostatCopy[];
  presenceWrites: readonly PresenceWrite[];
  /** Controller index whose value the panel reports as its own temperature (THERMOSTAT_100). */
  panelTemperatureIndex: number;

  caps: SimulationCaps;
  /** Served to alarm reads, index 0 first. */
  alarms: readonly AlarmRecord[];
  liveValues: boolean;
  liveValuesIntervalMs: number;
  /** Initial room temperature of the thermostat (°C). */
  roomTemperature: number;
  /** How the controller answers rejected writes (see controller.ts). */
  writeRejection: "error-reply" | "silent";
  faults: Partial<FaultOptions>;
}

/** Options that are not valid; the message names the option and says what is expected. */
export class SimulationOptionsError extends RangeError {
  override readonly name = "SimulationOptionsError";
}

/** Targets seen in the capture, then the documented order, then the rest of 105–130 spread out. */
function defaultScanAddresses(): number[] {
  const list = [195, 1, 131, 100, 101, 102, 115, 116, 118, 119, 164, 32, 166, 167, 169];
  const span = GATEWAY_ADDRESS_RANGE.last - GATEWAY_ADDRESS_RANGE.first + 1;
  for (let i = 0; i < span; i++) {
    const address = GATEWAY_ADDRESS_RANGE.first + ((i * 7) % span);
    if (!list.includes(address)) list.push(address);
  }
  return list;
}

/** A small alarm history: newest first, the newest still active. */
export const DEFAULT_ALARMS: readonly AlarmRecord[] = [
  { code: 2, from: { year: 2026, month: 1, day: 20, hour: 7, minute: 14, second: 2 }, to: undefined },
  {
    code: 15,
    from: { year: 2026, month: 1, day: 18, hour: 22, minute: 40, second: 11 },
    to: { year: 2026, month: 1, day: 18, hour: 23, minute: 2, second: 45 },
  },
  {
    code: 7,
    from: { year: 2025, month: 12, day: 30, hour: 5, minute: 3, second: 0 },
    to: { year: 2025, month: 12, day: 30, hour: 5, minute: 10, second: 30 },
  },
];

const FULL_FRAME: ResponseCap = { maxCount: 255, maxPayloadBytes: MAX_FRAME_LENGTH - MIN_FRAME_LENGTH };

export const DEFAULT_CAPS: Readonly<SimulationCaps> = {
  controllerValues: FULL_FRAME,
  controllerDescriptors: { maxCount: 255, maxPayloadBytes: 920 },
  panelValues: FULL_FRAME,
  panelDescriptors: { maxCount: 255, maxPayloadBytes: 190 },
  thermostatValues: FULL_FRAME,
  thermostatDescriptors: { maxCount: 255, maxPayloadBytes: 240 },
};

/** Defaults of everything except the clock and the profile (created per simulation). */
export const DEFAULT_OPTIONS: Readonly<Omit<SimulationOptions, "clock" | "profile">> = {
  seed: 1,
  baudRate: 115_200,
  wireDelay: true,
  maxLogEntries: 100_000,
  controllerAddress: Address.CONTROLLER,
  panelAddress: Address.PANEL,
  thermostatAddress: Address.THERMOSTAT,
  wiredThermostat: true,
  pairedThermostatCircuit: 2,
  pairingProbeEvery: 5,
  poller: true,
  pollerIgnoresToken: false,
  controllerLatencyMs: 2,
  panelLatencyMs: 2,
  thermostatLatencyMs: 2,
  pollerTurnaroundMs: 2,
  pollerReplyTimeoutMs: 200,
  pollerMinSweepIntervalMs: undefined,
  panelCycle: true,
  ...FIELD_TIMING,
  panelQuietGapMs: 30,
  knownAddresses: [131],
  scanAddresses: defaultScanAddresses(),
  identifyTimeoutMs: 100,
  panelReplyTimeoutMs: 200,
  // Longer than the 6.6 s the field gateway holds the token for a full discovery (PROTOCOL.md §18).
  tokenReturnTimeoutMs: 10_000,
  pairingBeaconIntervalMs: 100,
  registeredGateways: [],
  claimRange: { ...GATEWAY_ADDRESS_RANGE },
  // This installation: circuit 2 follows the thermostat (the capture's 286/288/289/290 writes).
  thermostatCopies: [
    { from: 1, to: 286 },
    { from: 4, to: 288 },
    { from: 5, to: 289 },
    { from: 6, to: 290 },
  ],
  // The capture's device-presence writes, in its order.
  presenceWrites: [
    { index: 403, value: 1 },
    { index: 404, value: 1 },
    { index: 406, value: 2 },
    { index: 405, value: 0 },
  ],
  panelTemperatureIndex: 524,
  caps: DEFAULT_CAPS,
  alarms: DEFAULT_ALARMS,
  liveValues: true,
  liveValuesIntervalMs: 1_000,
  roomTemperature: 18.9,
  writeRejection: "error-reply",
  faults: {},
};

function fail(option: string, expected: string, value: unknown): never {
  throw new SimulationOptionsError(
    `simulation option ${option} must be ${expected}, got ${JSON.stringify(value)}`,
  );
}

function checkAddress(option: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 0xfffe) {
    fail(option, "a bus address (integer 0..65534)", value);
  }
}

function checkCap(option: string, cap: ResponseCap): void {
  if (!Number.isInteger(cap?.maxCount) || cap.maxCount < 1 || cap.maxCount > 255) {
    fail(`${option}.maxCount`, "an integer 1..255", cap?.maxCount);
  }
  const most = MAX_FRAME_LENGTH - MIN_FRAME_LENGTH;
  if (!Number.isInteger(cap.maxPayloadBytes) || cap.maxPayloadBytes < 4 || cap.maxPayloadBytes > most) {
    fail(
      `${option}.maxPayloadBytes`,
      `an integer 4..${most} (a frame holds at most ${MAX_FRAME_LENGTH} bytes)`,
      cap.maxPayloadBytes,
    );
  }
}

const DURATIONS = [
  "controllerLatencyMs",
  "panelLatencyMs",
  "thermostatLatencyMs",
  "pollerTurnaroundMs",
  "pollerReplyTimeoutMs",
  "panelQuietGapMs",
  "scanIntervalMs",
  "identifyTimeoutMs",
  "panelReplyTimeoutMs",
  "tokenGrantIntervalMs",
  "tokenReturnTimeoutMs",
  "deviceTableIntervalMs",
  "clockBroadcastIntervalMs",
  "thermostatPollIntervalMs",
  "presenceWriteIntervalMs",
] as const;

const POSITIVE_DURATIONS = ["panelCycleMs", "liveValuesIntervalMs", "pairingBeaconIntervalMs"] as const;

/** Fills in defaults and validates; throws {@link SimulationOptionsError} naming a bad option. */
export function resolveOptions(options: Partial<SimulationOptions> = {}): SimulationOptions {
  const resolved: SimulationOptions = {
    ...DEFAULT_OPTIONS,
    ...options,
    clock: options.clock ?? new RealClock(),
    profile: options.profile ?? defaultProfile(),
    caps: { ...DEFAULT_CAPS, ...options.caps },
    faults: { ...options.faults },
  };
  if (!Number.isFinite(resolved.seed)) fail("seed", "a finite number", resolved.seed);
  if (!(Number.isFinite(resolved.baudRate) && resolved.baudRate >= 300 && resolved.baudRate <= 4_000_000)) {
    fail(
      "baudRate",
      "a baud rate between 300 and 4000000 (115200 or 38400 on real buses)",
      resolved.baudRate,
    );
  }
  if (!Number.isInteger(resolved.maxLogEntries) || resolved.maxLogEntries < 1) {
    fail("maxLogEntries", "a positive integer", resolved.maxLogEntries);
  }
  for (const name of ["controllerAddress", "panelAddress", "thermostatAddress"] as const) {
    checkAddress(name, resolved[name]);
  }
  const devices = [resolved.controllerAddress, resolved.panelAddress, resolved.thermostatAddress];
  if (new Set(devices).size !== devices.length)
    fail("controllerAddress/panelAddress/thermostatAddress", "distinct", devices);
  for (const name of DURATIONS) {
    const value = resolved[name];
    if (!(Number.isFinite(value) && value >= 0)) fail(name, "a duration ≥ 0 ms", value);
  }
  const minSweep = resolved.pollerMinSweepIntervalMs;
  if (minSweep !== undefined && !(Number.isFinite(minSweep) && minSweep >= 0)) {
    fail("pollerMinSweepIntervalMs", "a duration ≥ 0 ms", minSweep);
  }
  for (const name of POSITIVE_DURATIONS) {
    const value = resolved[name];
    if (!(Number.isFinite(value) && value > 0)) fail(name, "a duration > 0 ms", value);
  }
  for (const name of ["knownAddresses", "scanAddresses", "registeredGateways"] as const) {
    const list = resolved[name];
    if (!Array.isArray(list)) fail(name, "an array of bus addresses", list);
    list.forEach((address, i) => {
      checkAddress(`${name}[${i}]`, address);
    });
  }
  for (const [name, cap] of Object.entries(resolved.caps)) checkCap(`caps.${name}`, cap);
  if (!Number.isFinite(resolved.roomTemperature))
    fail("roomTemperature", "a finite number of °C", resolved.roomTemperature);
  if (!Number.isInteger(resolved.pairingProbeEvery) || resolved.pairingProbeEvery < 0)
    fail(
      "pairingProbeEvery",
      "an integer ≥ 0 (beacons per IDENTIFY probe; 0: never)",
      resolved.pairingProbeEvery,
    );
  const circuit = resolved.pairedThermostatCircuit;
  if (circuit !== undefined && !(Number.isInteger(circuit) && circuit >= 1 && circuit <= 7))
    fail("pairedThermostatCircuit", "a circuit number 1–7, or undefined", circuit);
  if (resolved.writeRejection !== "error-reply" && resolved.writeRejection !== "silent") {
    fail("writeRejection", '"error-reply" or "silent"', resolved.writeRejection);
  }
  return resolved;
}
