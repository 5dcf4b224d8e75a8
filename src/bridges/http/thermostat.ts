/**
 * The virtual-thermostat calls of Home Assistant's integration (HA-COMPAT.md §8) answer through
 * this interface. Until the virtual thermostat exists, {@link DisabledThermostat} reports it
 * disabled: status 200 with `enabled: false`, temperatures accepted into memory only (nothing is
 * sent on the bus), pairing refused with 409 — never an error, never slow.
 */

export type PairingState = "unpaired" | "pairing_requested" | "beacon_responded" | "tentative" | "paired";

export interface ThermostatStatus {
  enabled: boolean;
  /** Last temperature received from Home Assistant (°C), null if none yet. */
  temperature: number | null;
  /** What the bus is told: the last reading (even stale), else the fallback. */
  effectiveTemperature: number;
  isStale: boolean;
  /** Seconds since the last reading, null if none. */
  ageSeconds: number | null;
  maxAgeSeconds: number;
  staleFallback: number;
  /** null when the emulator is disabled. */
  pairingState: PairingState | null;
  busAddress: number | null;
  /** `primary` (Home Assistant's reading) or `backup:<addr>` (a wired thermostat's reading). */
  effectiveSource: string;
}

export interface TemperatureReceipt {
  /** The stored temperature (°C). */
  temperature: number;
  /** Age of the previous reading in seconds, null for the first. */
  previousAgeSeconds: number | null;
  /** ms since epoch. */
  receivedAt: number;
  /** Whether the reading will reach the bus (false while the thermostat is disabled). */
  forwardedToBus: boolean;
}

export type PairingAnswer = { accepted: true; message: string } | { accepted: false; reason: string };

/** Must answer from memory, at once: Home Assistant gives these calls 5 s and fails its cycle on a timeout. */
export interface ThermostatApi {
  status(now?: number): ThermostatStatus;
  submitTemperature(celsius: number, now?: number): TemperatureReceipt;
  requestPairing(): PairingAnswer;
}

/** The reference gateway's thresholds (HA-COMPAT.md §8.1). */
export const THERMOSTAT_MAX_AGE_SECONDS = 300;
export const THERMOSTAT_STALE_FALLBACK_CELSIUS = 19;
/**
 * Room temperatures the thermostat accepts (°C). Anything else is a broken sensor or a bad
 * request: refused (422) and not stored, so the bus is never told it.
 */
export const THERMOSTAT_TEMPERATURE_RANGE = { min: -30, max: 60 } as const;
const MS_PER_SECOND = 1000;

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * No virtual thermostat: the last temperature is remembered (so the status tells the truth about
 * what was received) but nothing is sent on the bus, and pairing is not available.
 */
export class DisabledThermostat implements ThermostatApi {
  private last: { celsius: number; at: number } | undefined;

  status(now = Date.now()): ThermostatStatus {
    const age = this.last ? round1((now - this.last.at) / MS_PER_SECOND) : null;
    return {
      enabled: false,
      temperature: this.last ? this.last.celsius : null,
      effectiveTemperature: this.last ? this.last.celsius : THERMOSTAT_STALE_FALLBACK_CELSIUS,
      isStale: age === null || age > THERMOSTAT_MAX_AGE_SECONDS,
      ageSeconds: age,
      maxAgeSeconds: THERMOSTAT_MAX_AGE_SECONDS,
      staleFallback: THERMOSTAT_STALE_FALLBACK_CELSIUS,
      pairingState: null,
      busAddress: null,
      effectiveSource: "primary",
    };
  }

  submitTemperature(celsius: number, now = Date.now()): TemperatureReceipt {
    const previousAgeSeconds = this.last ? round1((now - this.last.at) / MS_PER_SECOND) : null;
    this.last = { celsius: round2(celsius), at: now };
    return { temperature: this.last.celsius, previousAgeSeconds, receivedAt: now, forwardedToBus: false };
  }

  requestPairing(): PairingAnswer {
    return { accepted: false, reason: "Thermostat already paired or pairing not available" };
  }
}
