/**
 * Where the virtual thermostat's room temperature comes from (PROTOCOL.md §17.6, issue 16 point 3).
 *
 * - A reading from Home Assistant (HTTP or MQTT) is rounded to 2 decimals and kept with the time
 *   it arrived; `is_stale` = none yet, or older than `maxAgeMs` (default 300 s). Staleness is
 *   informational: the last value keeps being reported.
 * - A value restored from the state directory at start-up counts as fresh from that moment
 *   (source "persisted") until Home Assistant sends a new one.
 * - While the feed is stale, a fresh reading of a real ecoSTER on the bus (the backup) is served
 *   instead (source "backup:<address>"); a new feed reading takes over again.
 * - The fallback (19.0 °C) is used only when no value was ever received (never 0.0).
 */
import type { Clock } from "../util/clock.js";

export const DEFAULT_MAX_AGE_MS = 300_000;
export const DEFAULT_STALE_FALLBACK = 19.0;

export type EffectiveSource = "ha" | "persisted" | "fallback" | `backup:${number}`;

export interface TemperatureReading {
  value: number;
  /** Clock time (ms) it was received (for a persisted value: when it was restored). */
  receivedAt: number;
  humidity?: number;
}

export interface PersistedTemperature {
  value: number;
  /** When Home Assistant sent it (ms since the epoch), for the record. */
  receivedAt: number;
  humidity?: number;
}

export interface TemperatureSourceOptions {
  clock: Clock;
  maxAgeMs?: number;
  fallback?: number;
  /** The last value from the state directory, if any. */
  persisted?: PersistedTemperature;
}

export interface EffectiveTemperature {
  value: number;
  source: EffectiveSource;
}

export interface AcceptedReading {
  temperature: number;
  /** Age of the previous reading (s, 0.1 resolution); null for the first. */
  previousAgeSeconds: number | null;
  receivedAt: number;
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** §17.3 range of a valid room temperature reading (issue 16 bad input: outside → 422). */
export const TEMPERATURE_RANGE = { min: -30, max: 60 } as const;

export function isValidTemperature(value: unknown): value is number {
  return (
    typeof value === "number" &&
    Number.isFinite(value) &&
    value >= TEMPERATURE_RANGE.min &&
    value <= TEMPERATURE_RANGE.max
  );
}

export class TemperatureSource {
  readonly maxAgeMs: number;
  readonly fallback: number;
  private last: (TemperatureReading & { origin: "ha" | "persisted" }) | undefined;
  private backup: { address: number; value: number; receivedAt: number } | undefined;

  constructor(private readonly options: TemperatureSourceOptions) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.fallback = options.fallback ?? DEFAULT_STALE_FALLBACK;
    const persisted = options.persisted;
    if (persisted && isValidTemperature(persisted.value)) {
      this.last = {
        value: round(persisted.value, 2),
        receivedAt: options.clock.now(),
        origin: "persisted",
        ...(persisted.humidity !== undefined ? { humidity: persisted.humidity } : {}),
      };
    }
  }

  /** Stores a reading from Home Assistant. Throws RangeError on a value that is not a temperature. */
  accept(temperature: number, humidity?: number): AcceptedReading {
    if (!isValidTemperature(temperature)) {
      throw new RangeError(
        `temperature must be a finite number in ${TEMPERATURE_RANGE.min}…${TEMPERATURE_RANGE.max} °C`,
      );
    }
    if (humidity !== undefined && !(Number.isFinite(humidity) && humidity >= 0 && humidity <= 100)) {
      throw new RangeError("humidity must be a finite number in 0…100 %");
    }
    const now = this.options.clock.now();
    const previousAgeSeconds = this.last ? round((now - this.last.receivedAt) / 1000, 1) : null;
    this.last = {
      value: round(temperature, 2),
      receivedAt: now,
      origin: "ha",
      ...(humidity !== undefined ? { humidity: round(humidity, 1) } : {}),
    };
    return { temperature: this.last.value, previousAgeSeconds, receivedAt: now };
  }

  /** A reading of a real ecoSTER on the bus (the backup source). */
  acceptBackup(address: number, value: number): void {
    if (!isValidTemperature(value)) return;
    this.backup = { address, value: round(value, 2), receivedAt: this.options.clock.now() };
  }

  /** The last value from Home Assistant (or restored), undefined when none. */
  get reading(): Readonly<TemperatureReading> | undefined {
    return this.last;
  }

  /** Seconds since the last reading (0.1 resolution), null when none. */
  get ageSeconds(): number | null {
    return this.last ? round((this.options.clock.now() - this.last.receivedAt) / 1000, 1) : null;
  }

  /** No reading yet, or the last is older than `maxAgeMs`. */
  get isStale(): boolean {
    return !this.last || this.options.clock.now() - this.last.receivedAt > this.maxAgeMs;
  }

  /** Address of the backup thermostat whose reading is fresh, if any. */
  get freshBackup(): { address: number; value: number } | undefined {
    const backup = this.backup;
    if (!backup || this.options.clock.now() - backup.receivedAt > this.maxAgeMs) return undefined;
    return backup;
  }

  /** What the bus reports now, and why. */
  effective(): EffectiveTemperature {
    const last = this.last;
    if (last && !this.isStale) return { value: last.value, source: last.origin };
    const backup = this.freshBackup;
    if (backup) return { value: backup.value, source: `backup:${backup.address}` };
    if (last) return { value: last.value, source: last.origin };
    return { value: this.fallback, source: "fallback" };
  }

  /** What to write to the state directory (the last value and when HA sent it). */
  persistable(): PersistedTemperature | undefined {
    const last = this.last;
    if (!last) return undefined;
    return {
      value: last.value,
      receivedAt: last.receivedAt,
      ...(last.humidity !== undefined ? { humidity: last.humidity } : {}),
    };
  }
}
