/**
 * Keeps the parameter snapshot of one bus target: restores it at start (only a file taken on this
 * bus target — a file of another one, e.g. copied by hand, is discarded), saves it after the first
 * complete poll, every `intervalMs` and at stop, and throws it away when the live controller turns
 * out to be another one. Failures are logged, never thrown: the snapshot is only a cache.
 */
import type { Logger } from "../log/index.js";
import { logEvent } from "../log/index.js";
import type { StateDirectory } from "../state/state-file.js";
import type { ParameterStore } from "../store/parameter-store.js";
import type { Alarm } from "./alarms.js";
import {
  type RestoredSnapshot,
  restoreSnapshot,
  SNAPSHOT_FILE,
  type SnapshotBus,
  saveSnapshot,
} from "./snapshot.js";

export interface SnapshotKeeperOptions {
  /** The bus target's state folder; undefined = keep nothing. */
  directory: StateDirectory | undefined;
  bus: SnapshotBus;
  /** Values are saved at most this often while polling (0 = only after the first poll and at stop). */
  intervalMs: number;
  logger: Logger;
  /** For log lines: where the state directory is. */
  describe: string;
}

export class SnapshotKeeper {
  private lastSavedAt = 0;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: SnapshotKeeperOptions) {}

  get enabled(): boolean {
    return this.options.directory !== undefined;
  }

  /** Loads the snapshot into `store`; undefined when there is none (or it is not this bus's). */
  async restore(store: ParameterStore): Promise<RestoredSnapshot | undefined> {
    const { directory, bus } = this.options;
    if (!directory) return undefined;
    let refused: string | undefined;
    try {
      return await restoreSnapshot(directory, store, (header) => {
        // Files from before state was kept per bus have no `bus`: they were attributed when moved here.
        if (header.bus === undefined) return true;
        if (header.bus.key === bus.key && header.bus.simulated === bus.simulated) return true;
        refused = `it was taken on ${header.bus.simulated ? "the built-in simulator" : `bus ${header.bus.key}`}, not on ${bus.key}`;
        return false;
      });
    } catch (error) {
      logEvent(this.options.logger, "snapshot.failed", {
        operation: "restore",
        reason: (error as Error).message,
      });
      return undefined;
    } finally {
      if (refused !== undefined) await this.discard(refused);
    }
  }

  /**
   * Starts a save when none was saved yet in this run, or the last save is `intervalMs` old, and
   * returns at once: the caller is a poll that holds the bus token, which must not wait for the
   * disk (an SD card's fsync can take seconds). Saves never overlap; `save` waits for this one.
   */
  maybeSave(store: ParameterStore, alarms: readonly Alarm[] | undefined, now: number): void {
    const due =
      this.lastSavedAt === 0 ||
      (this.options.intervalMs > 0 && now - this.lastSavedAt >= this.options.intervalMs);
    if (!due || this.inFlight) return;
    this.inFlight = this.write(store, alarms, now).finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Saves definitions and values (only a complete picture: after a complete poll). */
  async save(store: ParameterStore, alarms: readonly Alarm[] | undefined, now: number): Promise<void> {
    await this.inFlight;
    await this.write(store, alarms, now);
  }

  /** The values are taken from the store before the first await: one poll's picture. */
  private async write(
    store: ParameterStore,
    alarms: readonly Alarm[] | undefined,
    now: number,
  ): Promise<void> {
    const { directory } = this.options;
    if (!directory || store.size === 0 || !store.firstPollComplete) return;
    try {
      await saveSnapshot(directory, store, { alarms, savedAt: now, bus: this.options.bus });
      this.lastSavedAt = now;
    } catch (error) {
      logEvent(this.options.logger, "snapshot.failed", {
        operation: "save",
        reason: `${(error as Error).message} (${this.options.describe})`,
      });
    }
  }

  /** Deletes the snapshot file and says why. */
  async discard(reason: string): Promise<void> {
    const { directory } = this.options;
    await this.inFlight; // a save under way would write the file again
    logEvent(this.options.logger, "snapshot.discarded", { reason });
    if (!directory) return;
    try {
      await directory.remove(SNAPSHOT_FILE);
    } catch (error) {
      logEvent(this.options.logger, "snapshot.failed", {
        operation: "save",
        reason: `could not delete the discarded snapshot: ${(error as Error).message}`,
      });
    }
    this.lastSavedAt = 0;
  }
}
