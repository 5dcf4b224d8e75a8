/**
 * Tells the bridges when the virtual thermostat's state changes. The thermostat has no change
 * event (staleness comes with time alone, pairing moves on the bus), so its status is read on the
 * gateway's clock every second and compared with the last one on the fields a client acts on:
 * enabled, the temperatures, the effective source, staleness, the pairing state and the bus
 * address. Ages and the pairing countdown move every second and do not count as a change.
 * A bridge that has just handed the thermostat a value calls {@link ThermostatWatch.check} to
 * report it at once.
 */
import type { ThermostatPort } from "../port/index.js";
import type { Clock, ClockTimer } from "../util/clock.js";

export type ThermostatStatusView = ReturnType<ThermostatPort["status"]>;

/** How often the status is read (ms). */
export const THERMOSTAT_WATCH_INTERVAL_MS = 1_000;

/** The fields whose change is announced. */
export function thermostatStateKey(status: ThermostatStatusView): string {
  return JSON.stringify([
    status.enabled,
    status.temperature,
    status.humidity,
    status.effective_temperature,
    status.effective_source,
    status.is_stale,
    status.pairing_state,
    status.bus_address,
  ]);
}

export type ThermostatListener = (status: ThermostatStatusView, previous: ThermostatStatusView) => void;

export class ThermostatWatch {
  private last: ThermostatStatusView;
  private lastKey: string;
  private timer: ClockTimer | undefined;
  private stopped = false;
  private readonly listeners = new Set<ThermostatListener>();

  constructor(
    private readonly thermostat: ThermostatPort,
    private readonly clock: Clock,
    private readonly intervalMs = THERMOSTAT_WATCH_INTERVAL_MS,
  ) {
    this.last = thermostat.status();
    this.lastKey = thermostatStateKey(this.last);
    this.schedule();
  }

  /** The status read last. */
  get current(): ThermostatStatusView {
    return this.last;
  }

  /** Calls `listener` on every change; returns its removal. */
  onChange(listener: ThermostatListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the status now and announces it if it changed; returns it. */
  check(): ThermostatStatusView {
    const status = this.thermostat.status();
    const key = thermostatStateKey(status);
    const previous = this.last;
    this.last = status;
    if (key !== this.lastKey) {
      this.lastKey = key;
      for (const listener of this.listeners) listener(status, previous);
    }
    return status;
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      try {
        this.check();
      } finally {
        this.schedule();
      }
    }, this.intervalMs);
    // Real timers: a low-rate check must never keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }
}
