/**
 * The gateway's virtual room thermostat: pairing (pairing.ts), the ecoSTER_40 emulation
 * (emulator.ts) and the temperature source (temperature-source.ts), persisted in the state
 * directory (store.ts). The bus layer feeds it every frame it receives ({@link handle}) and sends
 * the reply it returns before anything else it has pending.
 */
import {
  BROADCAST_ADDRESS,
  Command,
  decodeDeviceTable,
  decodeService,
  type Frame,
  ServiceFunction,
  THERMOSTAT_ADDRESS_RANGE,
} from "../protocol/index.js";
import type { StateDirectory } from "../state/state-file.js";
import type { Clock } from "../util/clock.js";
import { ThermostatEmulator } from "./emulator.js";
import { PairingMachine, type PairingSnapshot, type PairingState } from "./pairing.js";
import { type ThermostatState, ThermostatStore, writtenToMap, writtenToRecord } from "./store.js";
import {
  type AcceptedReading,
  DEFAULT_MAX_AGE_MS,
  DEFAULT_STALE_FALLBACK,
  type EffectiveSource,
  TemperatureSource,
} from "./temperature-source.js";

/** The reference persists the temperature at most this often (HA-COMPAT §8.2). */
export const TEMPERATURE_PERSIST_INTERVAL_MS = 120_000;

const PANEL = 100;

export interface VirtualThermostatOptions {
  clock: Clock;
  enabled: boolean;
  /** Undefined: nothing persisted (tests, one-shot commands). */
  stateDirectory?: StateDirectory;
  /** THERMOSTAT_MAX_AGE in ms (default 300 s). */
  maxAgeMs?: number;
  /** THERMOSTAT_STALE_FALLBACK (default 19.0 °C). */
  staleFallback?: number;
  /** Persist failures (logged by the caller; never thrown into the bus path). */
  onPersistError?: (error: unknown) => void;
}

export interface ThermostatReply {
  frame: Frame;
  /** Wait this long before sending (pairing answers: 20 ms; emulator replies: 0, send at once). */
  turnaroundMs: number;
}

export type StartPairingResult =
  | { ok: true; previous: PairingState; snapshot: PairingSnapshot }
  | { ok: false; reason: "disabled"; snapshot: undefined }
  | { ok: false; reason: "window-open"; snapshot: PairingSnapshot };

/** GET /api/thermostat/status (HA-COMPAT §8.1) plus effective_source and humidity. */
export interface ThermostatStatus {
  enabled: boolean;
  temperature: number | null;
  humidity: number | null;
  effective_temperature: number;
  /** `primary` only from a gateway whose thermostat is disabled (the reference's word, HA-COMPAT §8.1). */
  effective_source: EffectiveSource | "primary";
  is_stale: boolean;
  age_seconds: number | null;
  max_age_seconds: number;
  stale_fallback: number;
  pairing_state: PairingState | null;
  bus_address: number | null;
  /** Seconds left in the open pairing window, null outside one. */
  pairing_window_seconds: number | null;
}

function isThermostatAddress(address: number): boolean {
  return address >= THERMOSTAT_ADDRESS_RANGE.first && address <= THERMOSTAT_ADDRESS_RANGE.last;
}

export class VirtualThermostat {
  readonly enabled: boolean;
  readonly source: TemperatureSource;
  readonly pairing: PairingMachine;
  readonly emulator: ThermostatEmulator;
  private readonly store: ThermostatStore | undefined;
  private saving: Promise<void> = Promise.resolve();
  private lastTemperatureSave = Number.NEGATIVE_INFINITY;
  private temperatureSaveTimer: ReturnType<Clock["setTimeout"]> | undefined;

  /** Loads the persisted state (if a state directory is given) and builds the thermostat. */
  static async open(options: VirtualThermostatOptions): Promise<VirtualThermostat> {
    const store = options.stateDirectory ? new ThermostatStore(options.stateDirectory) : undefined;
    const state = await store?.load();
    return new VirtualThermostat(options, store, state);
  }

  private constructor(
    private readonly options: VirtualThermostatOptions,
    store: ThermostatStore | undefined,
    state: ThermostatState | undefined,
  ) {
    this.enabled = options.enabled;
    this.store = store;
    const { clock } = options;
    this.source = new TemperatureSource({
      clock,
      maxAgeMs: options.maxAgeMs ?? DEFAULT_MAX_AGE_MS,
      fallback: options.staleFallback ?? DEFAULT_STALE_FALLBACK,
      ...(state?.temperature ? { persisted: state.temperature } : {}),
    });
    this.emulator = new ThermostatEmulator({
      clock,
      temperature: () => this.source.effective().value,
      written: writtenToMap(state?.written ?? {}),
    });
    this.pairing = new PairingMachine({
      clock,
      ...(state?.address ? { pairedAddress: state.address } : {}),
      onChange: (snapshot) => {
        if (snapshot.state === "paired" || snapshot.state === "unpaired") this.persist();
      },
    });
  }

  /**
   * Feeds a frame received from the bus; returns the reply to send, if any. Replies to the panel's
   * polls must go out before anything else pending (a slow reply fails the panel's poll).
   */
  handle(frame: Frame): ThermostatReply | undefined {
    if (!this.enabled) return undefined;
    this.learnBackup(frame);
    const pairingReply = this.pairing.onFrame(frame);
    if (pairingReply) return pairingReply;
    const address = this.pairing.address;
    if (address === undefined || frame.source !== PANEL || frame.destination !== address) return undefined;
    const state = this.pairing.state;
    if (state !== "paired" && state !== "tentative") return undefined;
    const reply = this.emulator.reply(frame, address);
    if (reply && frame.command === Command.MODIFY_PARAM) this.persist();
    return reply ? { frame: reply, turnaroundMs: 0 } : undefined;
  }

  /** The address the thermostat answers at, if paired or tentatively claimed. */
  get address(): number | undefined {
    return this.pairing.address;
  }

  /** POST /api/thermostat/pair. */
  startPairing(): StartPairingResult {
    if (!this.enabled) return { ok: false, reason: "disabled", snapshot: undefined };
    return this.pairing.startWindow();
  }

  /** POST /api/thermostat/temperature (and MQTT). Throws RangeError on invalid input (→ 422). */
  acceptTemperature(temperature: number, humidity?: number): AcceptedReading {
    const accepted = this.source.accept(temperature, humidity);
    this.persistTemperatureLazily();
    return accepted;
  }

  status(): ThermostatStatus {
    const { source } = this;
    const effective = source.effective();
    const reading = source.reading;
    const snapshot = this.pairing.snapshot();
    const now = this.options.clock.now();
    return {
      enabled: this.enabled,
      temperature: reading?.value ?? null,
      humidity: reading?.humidity ?? null,
      effective_temperature: effective.value,
      effective_source: effective.source,
      is_stale: source.isStale,
      age_seconds: source.ageSeconds,
      max_age_seconds: source.maxAgeMs / 1000,
      stale_fallback: source.fallback,
      pairing_state: this.enabled ? snapshot.state : null,
      bus_address: this.enabled && snapshot.state === "paired" ? (snapshot.address ?? null) : null,
      pairing_window_seconds:
        this.enabled && snapshot.windowEndsAt !== undefined
          ? Math.max(0, Math.ceil((snapshot.windowEndsAt - now) / 1000))
          : null,
    };
  }

  /** Writes everything now and waits for it (shutdown). */
  async flush(): Promise<void> {
    this.options.clock.clearTimeout(this.temperatureSaveTimer);
    this.temperatureSaveTimer = undefined;
    this.persist();
    await this.saving;
  }

  close(): void {
    this.pairing.close();
    this.options.clock.clearTimeout(this.temperatureSaveTimer);
    this.temperatureSaveTimer = undefined;
  }

  /** Resolves when every save requested so far has finished. */
  get settled(): Promise<void> {
    return this.saving;
  }

  /** A real ecoSTER's temperature from the panel's 0x2001 table: the backup source. */
  private learnBackup(frame: Frame): void {
    if (frame.source !== PANEL || frame.destination !== BROADCAST_ADDRESS) return;
    if (frame.command !== Command.SERVICE) return;
    const service = decodeService(frame.payload);
    if (!service.ok || service.value.function !== ServiceFunction.DEVICE_TABLE) return;
    const table = decodeDeviceTable(frame.payload);
    if (!table.ok) return;
    const own = this.pairing.address;
    for (const entry of table.value) {
      if (entry.address !== own && isThermostatAddress(entry.address))
        this.source.acceptBackup(entry.address, entry.temperature);
    }
  }

  private persistTemperatureLazily(): void {
    if (!this.store || this.temperatureSaveTimer) return;
    const now = this.options.clock.now();
    const wait = this.lastTemperatureSave + TEMPERATURE_PERSIST_INTERVAL_MS - now;
    if (wait <= 0) {
      this.persist();
      return;
    }
    this.temperatureSaveTimer = this.options.clock.setTimeout(() => {
      this.temperatureSaveTimer = undefined;
      this.persist();
    }, wait);
  }

  private persist(): void {
    const store = this.store;
    if (!store) return;
    this.lastTemperatureSave = this.options.clock.now();
    const snapshot = this.pairing.snapshot();
    const state: ThermostatState = {
      version: 1,
      address: snapshot.state === "paired" ? (snapshot.address ?? null) : null,
      written: writtenToRecord(this.emulator.writtenValues()),
      temperature: this.source.persistable() ?? null,
    };
    this.saving = this.saving
      .then(() => store.save(state))
      .catch((error: unknown) => this.options.onPersistError?.(error));
  }
}
