/**
 * Pairing of the virtual thermostat (PROTOCOL.md §17.5): which bus address it answers at.
 *
 * Beacon path: `startWindow()` → pairing_requested (60 s); the first panel beacon (SERVICE 0x2004)
 * is answered after 20 ms by SERVICE_RESPONSE from 163 carrying the identity → beacon_responded
 * (window restarted); the panel's 0x2005 carries the assigned address (payload bytes 4–5) → paired,
 * answered after 20 ms from the new address with the 0x2005 payload echoed.
 *
 * Tentative path: while unpaired, with a beacon seen in the last 60 s and a device table seen, a
 * panel IDENTIFY to a free address in 160–199 (not in the latest device table) is claimed and
 * answered → tentative; when that address appears in a 0x2001 table → paired.
 *
 * Any pairing_requested / beacon_responded / tentative state older than 60 s → unpaired.
 * A pure machine: it takes frames and returns the replies (with their turnaround); the clock gives
 * the time and the window timer.
 */
import {
  BROADCAST_ADDRESS,
  Command,
  decodeAddressAssignment,
  decodeDeviceTable,
  decodeService,
  type Frame,
  ServiceFunction,
  THERMOSTAT_ADDRESS_RANGE,
  THERMOSTAT_PAIRING_ADDRESS,
} from "../protocol/index.js";
import type { Clock, ClockTimer } from "../util/clock.js";
import { VIRTUAL_THERMOSTAT_IDENTITY } from "./emulator.js";

export type PairingState = "unpaired" | "pairing_requested" | "beacon_responded" | "tentative" | "paired";

export const PAIRING_WINDOW_MS = 60_000;
/** Turnaround before a pairing answer (§14). */
export const PAIRING_TURNAROUND_MS = 20;
/** A tentative claim is armed this long after the last beacon. */
export const BEACON_ARMED_MS = 60_000;

const PANEL = 100;

export interface PairingReply {
  frame: Frame;
  /** Wait this long after the request before sending (0: at once). */
  turnaroundMs: number;
}

export interface PairingSnapshot {
  state: PairingState;
  /** The address the thermostat answers at (tentative or paired); undefined otherwise. */
  address: number | undefined;
  /** When the open window closes (ms since the epoch); undefined outside a window. */
  windowEndsAt: number | undefined;
}

export type StartWindowResult =
  | { ok: true; previous: PairingState; snapshot: PairingSnapshot }
  | { ok: false; reason: "window-open"; snapshot: PairingSnapshot };

export interface PairingOptions {
  clock: Clock;
  /** A persisted address: paired at once. */
  pairedAddress?: number;
  /** Called on every state change (persist the address when paired, forget it when unpaired). */
  onChange?: (snapshot: PairingSnapshot) => void;
}

function isInThermostatRange(address: number): boolean {
  return address >= THERMOSTAT_ADDRESS_RANGE.first && address <= THERMOSTAT_ADDRESS_RANGE.last;
}

export class PairingMachine {
  private current: PairingState = "unpaired";
  private addressValue: number | undefined;
  private windowEndsAt: number | undefined;
  private windowTimer: ClockTimer | undefined;
  private lastBeaconAt = Number.NEGATIVE_INFINITY;
  private deviceTable: Set<number> | undefined;

  constructor(private readonly options: PairingOptions) {
    const address = options.pairedAddress;
    if (address !== undefined && Number.isInteger(address) && address > 0 && address < BROADCAST_ADDRESS) {
      this.current = "paired";
      this.addressValue = address;
    }
  }

  get state(): PairingState {
    return this.current;
  }

  /** The address served (tentative or paired). */
  get address(): number | undefined {
    return this.addressValue;
  }

  snapshot(): PairingSnapshot {
    return { state: this.current, address: this.addressValue, windowEndsAt: this.windowEndsAt };
  }

  /** The addresses of the latest 0x2001 table (undefined before the first). */
  get lastDeviceTable(): ReadonlySet<number> | undefined {
    return this.deviceTable;
  }

  /**
   * The user asks to pair: forget the address (written values are kept elsewhere) and open the
   * 60 s window. While a window is open, nothing changes and the current state is returned.
   * (A request while paired re-pairs, HA-COMPAT §8.3.)
   */
  startWindow(): StartWindowResult {
    if (this.current === "pairing_requested" || this.current === "beacon_responded") {
      return { ok: false, reason: "window-open", snapshot: this.snapshot() };
    }
    const previous = this.current;
    this.addressValue = undefined;
    this.enter("pairing_requested", true);
    return { ok: true, previous, snapshot: this.snapshot() };
  }

  /** Drops the pairing (and any window): unpaired, no address. */
  forget(): void {
    this.addressValue = undefined;
    this.enter("unpaired", false);
  }

  /** Stops the window timer (shutdown). */
  close(): void {
    this.options.clock.clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
  }

  /**
   * Feeds one frame seen on the bus. Returns the pairing reply to send, if any; frames for the
   * served address (polls, writes) are the emulator's business, not this machine's.
   */
  onFrame(frame: Frame): PairingReply | undefined {
    if (frame.source !== PANEL) return undefined;
    if (frame.command === Command.SERVICE) return this.onService(frame);
    if (frame.command === Command.IDENTIFY) return this.onIdentify(frame);
    return undefined;
  }

  private onService(frame: Frame): PairingReply | undefined {
    const service = decodeService(frame.payload);
    if (!service.ok) return undefined;
    switch (service.value.function) {
      case ServiceFunction.PAIRING_BEACON:
        this.lastBeaconAt = this.options.clock.now();
        if (this.current !== "pairing_requested") return undefined;
        this.enter("beacon_responded", true);
        return {
          frame: {
            source: THERMOSTAT_PAIRING_ADDRESS,
            destination: PANEL,
            command: Command.SERVICE_RESPONSE,
            payload: Buffer.from(VIRTUAL_THERMOSTAT_IDENTITY),
          },
          turnaroundMs: PAIRING_TURNAROUND_MS,
        };
      case ServiceFunction.ADDRESS_ASSIGNMENT: {
        if (this.current !== "beacon_responded") return undefined;
        if (frame.destination !== THERMOSTAT_PAIRING_ADDRESS && frame.destination !== BROADCAST_ADDRESS)
          return undefined;
        const assignment = decodeAddressAssignment(frame.payload);
        if (!assignment.ok) return undefined;
        const address = assignment.value.address;
        if (address === 0 || address >= BROADCAST_ADDRESS) return undefined;
        this.addressValue = address;
        this.enter("paired", false);
        return {
          frame: {
            source: address,
            destination: PANEL,
            command: Command.SERVICE_RESPONSE,
            payload: Buffer.from(frame.payload),
          },
          turnaroundMs: PAIRING_TURNAROUND_MS,
        };
      }
      case ServiceFunction.DEVICE_TABLE: {
        const table = decodeDeviceTable(frame.payload);
        if (!table.ok) return undefined;
        this.deviceTable = new Set(table.value.map((entry) => entry.address));
        if (this.current === "tentative" && this.deviceTable.has(this.addressValue!)) {
          this.enter("paired", false);
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private onIdentify(frame: Frame): PairingReply | undefined {
    const target = frame.destination;
    const armed = this.options.clock.now() - this.lastBeaconAt <= BEACON_ARMED_MS;
    if (
      this.current !== "unpaired" ||
      !armed ||
      this.deviceTable === undefined ||
      !isInThermostatRange(target) ||
      target === THERMOSTAT_PAIRING_ADDRESS ||
      this.deviceTable.has(target)
    ) {
      return undefined;
    }
    this.addressValue = target;
    this.enter("tentative", true);
    return {
      frame: {
        source: target,
        destination: PANEL,
        command: Command.IDENTIFY_RESPONSE,
        payload: Buffer.from(VIRTUAL_THERMOSTAT_IDENTITY),
      },
      turnaroundMs: 0,
    };
  }

  private enter(state: PairingState, openWindow: boolean): void {
    const clock = this.options.clock;
    clock.clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    this.windowEndsAt = undefined;
    if (openWindow) {
      this.windowEndsAt = clock.now() + PAIRING_WINDOW_MS;
      this.windowTimer = clock.setTimeout(() => {
        this.windowTimer = undefined;
        this.addressValue = undefined;
        this.enter("unpaired", false);
      }, PAIRING_WINDOW_MS);
    }
    this.current = state;
    this.options.onChange?.(this.snapshot());
  }
}
