/**
 * The virtual room thermostat in the core (issue 16): opened per bus target with its state in that
 * target's folder (STATE_DIR/buses/<key>/thermostat.json), installed as the bus's responder (its
 * replies go before anything else pending), kept for the whole run — across link losses and
 * reconnects, so a re-pairing or a reconnect never reports 0.0 — and flushed at stop. A watch
 * every WATCH_INTERVAL_MS logs a stale room temperature once per episode (warn) and its recovery
 * (info), and a pairing when the panel makes one.
 */
import { logEvent } from "../log/index.js";
import type { StateDirectory } from "../state/state-file.js";
import { staleRoomTemperatureReason } from "../thermostat/staleness.js";
import { VirtualThermostat } from "../thermostat/virtual-thermostat.js";
import type { ClockTimer } from "../util/clock.js";
import type { CoreParts } from "./core-types.js";

/** How often staleness and pairing are looked at (well inside the panel's ~10 s poll). */
export const WATCH_INTERVAL_MS = 5_000;

export interface RoomThermostatHealth {
  /** Why the room temperature is stale (as /health says it); undefined when fresh. */
  staleReason: string | undefined;
}

export class CoreThermostat {
  private opened: VirtualThermostat | undefined;
  private watchTimer: ClockTimer | undefined;
  /** When the current stale episode was first seen; undefined while fresh. */
  private staleSince: number | undefined;
  private pairedAddress: number | null = null;
  private stopped = false;

  constructor(private readonly p: Omit<CoreParts, "snapshots">) {}

  /** The thermostat, once opened (undefined when THERMOSTAT_ENABLED is off). */
  get thermostat(): VirtualThermostat | undefined {
    return this.opened;
  }

  /** Opens it (once) on the bus folder and puts it on the bus. Nothing here waits for the bus. */
  async open(directory: StateDirectory | undefined): Promise<void> {
    const settings = this.p.options.thermostat;
    if (!settings?.enabled || this.opened || this.stopped) return;
    const { clock, log, bus } = this.p;
    const thermostat = await VirtualThermostat.open({
      clock,
      enabled: true,
      stateDirectory: directory,
      maxAgeMs: settings.maxAgeMs,
      staleFallback: settings.staleFallback,
      onPersistError: (error) =>
        logEvent(log, "thermostat.save.failed", { reason: (error as Error).message }),
    });
    this.opened = thermostat;
    bus.setResponder(thermostat);
    const status = thermostat.status();
    this.pairedAddress = status.bus_address;
    logEvent(log, "thermostat.ready", {
      address: status.bus_address,
      pairingState: status.pairing_state ?? "unpaired",
      temperature: status.effective_temperature,
      source: status.effective_source,
    });
    this.watch();
  }

  health(): RoomThermostatHealth | undefined {
    const thermostat = this.opened;
    return thermostat ? { staleReason: staleRoomTemperatureReason(thermostat.status()) } : undefined;
  }

  /** Stops the watch, writes everything and takes the thermostat off the bus (core stop). */
  async stop(): Promise<void> {
    const thermostat = this.opened;
    if (!thermostat || this.stopped) return;
    this.stopped = true;
    this.p.clock.clearTimeout(this.watchTimer);
    this.watchTimer = undefined;
    await thermostat.flush();
    thermostat.close();
    this.p.bus.setResponder(undefined);
  }

  private watch(): void {
    if (this.stopped) return;
    this.look();
    this.watchTimer = this.p.clock.setTimeout(() => this.watch(), WATCH_INTERVAL_MS);
  }

  private look(): void {
    const thermostat = this.opened;
    if (!thermostat) return;
    const { log, clock } = this.p;
    const status = thermostat.status();
    if (status.bus_address !== null && status.bus_address !== this.pairedAddress)
      logEvent(log, "thermostat.paired", { address: status.bus_address });
    this.pairedAddress = status.bus_address;
    const reason = staleRoomTemperatureReason(status);
    if (reason !== undefined && this.staleSince === undefined) {
      // The episode began when the last reading passed THERMOSTAT_MAX_AGE (or now, with none).
      const overdueMs =
        status.age_seconds === null ? 0 : Math.max(0, (status.age_seconds - status.max_age_seconds) * 1000);
      this.staleSince = clock.now() - overdueMs;
      logEvent(log, "thermostat.stale", {
        reason,
        ageSeconds: status.age_seconds,
        temperature: status.effective_temperature,
        source: status.effective_source,
      });
    } else if (reason === undefined && this.staleSince !== undefined) {
      const staleSeconds = Math.round((clock.now() - this.staleSince) / 1000);
      this.staleSince = undefined;
      logEvent(log, "thermostat.fresh", { temperature: status.effective_temperature, staleSeconds });
    }
  }
}
