/**
 * The virtual-thermostat calls of Home Assistant's integration (HA-COMPAT.md §8) answer through
 * the port's {@link ThermostatPort}: the gateway's VirtualThermostat when THERMOSTAT_ENABLED, else
 * {@link DisabledThermostat}, which reports it disabled — status 200 with `enabled: false`,
 * temperatures accepted into memory only (nothing is sent on the bus), pairing refused with 409 —
 * never an error, never slow.
 */
import {
  type AcceptedReading,
  type StartPairingResult,
  TEMPERATURE_RANGE,
  type ThermostatPort,
  type ThermostatStatus,
} from "../../port/index.js";
import type { Clock } from "../../util/clock.js";

/** The reference gateway's thresholds (HA-COMPAT.md §8.1), reported while disabled. */
export const THERMOSTAT_MAX_AGE_SECONDS = 300;
export const THERMOSTAT_STALE_FALLBACK_CELSIUS = 19;
/**
 * Room temperatures the thermostat accepts (°C). Anything else is a broken sensor or a bad
 * request: refused (422) and not stored, so the bus is never told it.
 */
export const THERMOSTAT_TEMPERATURE_RANGE = TEMPERATURE_RANGE;
const MS_PER_SECOND = 1000;

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * No virtual thermostat: the last temperature is remembered (so the status tells the truth about
 * what was received) but nothing is sent on the bus, and pairing is not available.
 */
export class DisabledThermostat implements ThermostatPort {
  readonly enabled = false;
  private last: { celsius: number; at: number; humidity?: number } | undefined;

  constructor(private readonly clock: Clock) {}

  status(): ThermostatStatus {
    const now = this.clock.now();
    const age = this.last ? round1((now - this.last.at) / MS_PER_SECOND) : null;
    return {
      enabled: false,
      temperature: this.last ? this.last.celsius : null,
      humidity: this.last?.humidity ?? null,
      effective_temperature: this.last ? this.last.celsius : THERMOSTAT_STALE_FALLBACK_CELSIUS,
      // Nothing is sent on the bus while disabled: "primary" is the reference's word for its own feed.
      effective_source: "primary",
      is_stale: age === null || age > THERMOSTAT_MAX_AGE_SECONDS,
      age_seconds: age,
      max_age_seconds: THERMOSTAT_MAX_AGE_SECONDS,
      stale_fallback: THERMOSTAT_STALE_FALLBACK_CELSIUS,
      pairing_state: null,
      bus_address: null,
      pairing_window_seconds: null,
    };
  }

  acceptTemperature(temperature: number, humidity?: number): AcceptedReading {
    const now = this.clock.now();
    const previousAgeSeconds = this.last ? round1((now - this.last.at) / MS_PER_SECOND) : null;
    this.last = {
      celsius: round2(temperature),
      at: now,
      ...(humidity !== undefined ? { humidity: round1(humidity) } : {}),
    };
    return { temperature: this.last.celsius, previousAgeSeconds, receivedAt: now };
  }

  startPairing(): StartPairingResult {
    return { ok: false, reason: "disabled", snapshot: undefined };
  }
}
