/**
 * What the core keeps across restarts, per bus target (`bus-state.ts`): the claimed address and
 * the parameter snapshot. Finds the bus's folder in STATE_DIR at start, restores the address and
 * the snapshot (served at once when recent), saves the address when claimed and the snapshot at
 * stop. Without a usable STATE_DIR the gateway still runs: it claims an address and discovers again.
 */
import { logEvent } from "../log/index.js";
import { readSavedAddress, saveAddress } from "../state/bus-address.js";
import { type BusState, openBusState } from "./bus-state.js";
import type { CoreParts } from "./core-types.js";
import { SnapshotKeeper } from "./snapshot-keeper.js";

export class CoreStorage {
  /** This bus's folder in STATE_DIR, once found. */
  busState: BusState | undefined;
  snapshots: SnapshotKeeper | undefined;
  /** Why STATE_DIR could not be used, when it could not. */
  private stateError: string | undefined;

  constructor(private readonly p: Omit<CoreParts, "snapshots">) {}

  /** Finds the folder, restores the address and the snapshot. Nothing here waits for the bus. */
  async open(): Promise<void> {
    const { options, log, clock } = this.p;
    if (options.stateDir) {
      try {
        const target = { kind: options.link.kind, target: options.link.target };
        this.busState = await openBusState(options.stateDir, target, { logger: log, now: clock.now() });
        logEvent(log, "state.target", {
          folder: this.busState.directory.path,
          target: options.link.target,
          basis: this.busState.target.basis,
        });
      } catch (error) {
        this.stateError = `${(error as Error).message} (STATE_DIR ${options.stateDir})`;
        logEvent(log, "state.failed", { reason: this.stateError });
      }
    }
    this.snapshots = new SnapshotKeeper({
      directory: this.busState?.directory,
      bus: { key: this.busState?.target.key ?? options.link.kind, simulated: options.link.kind === "sim" },
      intervalMs: options.snapshotIntervalMs,
      logger: log,
      describe: `STATE_DIR ${options.stateDir}`,
    });
    await this.restoreAddress();
    await this.restoreSnapshot();
  }

  /** A claimed address is saved; it stays in use either way, only the next start claims again. */
  async persistAddress(address: number): Promise<void> {
    const { log, clock, options } = this.p;
    const directory = this.busState?.directory;
    if (directory) {
      try {
        await saveAddress(directory, address, clock.now());
      } catch (error) {
        const reason = `${(error as Error).message} (STATE_DIR ${options.stateDir})`;
        logEvent(log, "address.save.failed", { address, reason });
      }
    } else if (this.stateError !== undefined) {
      logEvent(log, "address.save.failed", { address, reason: this.stateError });
    }
    logEvent(log, "address.claimed", { address, how: "auto-claim" });
  }

  /** Saves the values at stop, unless they are known to be wrong. */
  async saveAtStop(): Promise<void> {
    const { state, store, clock } = this.p;
    if (!state.valuesWrong) await this.snapshots?.save(store, state.savedAlarms(), clock.now());
  }

  private async restoreAddress(): Promise<void> {
    const { options, log, address } = this.p;
    const directory = this.busState?.directory;
    if (options.sourceAddress === "auto" && directory) {
      const saved = await readSavedAddress(directory);
      if (saved !== undefined) {
        address.restore(saved);
        logEvent(log, "address.claimed", { address: saved, how: "persisted" });
      }
    } else if (options.sourceAddress !== "auto") {
      logEvent(log, "address.claimed", { address: options.sourceAddress, how: "configured" });
    }
  }

  private async restoreSnapshot(): Promise<void> {
    const { state, store, clock, log } = this.p;
    const restored = await this.snapshots?.restore(store);
    if (!restored) return;
    state.knownIdentity = restored.identity;
    state.catalogue = restored.fingerprint;
    state.needDiscovery = false;
    state.verification = "pending";
    state.checkCause = "start";
    state.dataSource = "snapshot";
    const ageMs = clock.now() - restored.polledAt;
    // An old snapshot still spares the discovery, but its values are not served (see dataState).
    const served = state.dataState() === "stale";
    if (served && restored.alarms) {
      // The saved alarm log is served with the saved values until the first poll reads it again.
      state.alarms = restored.alarms;
      state.alarmsReadAt = restored.savedAt;
    }
    state.discovery = {
      ...state.discovery,
      state: "complete",
      source: "snapshot",
      lastCompletedAt: restored.savedAt,
      regulatorCount: store.definitionsOf("regulator").length,
      panelCount: store.definitionsOf("panel").length,
      fingerprint: restored.fingerprint,
    };
    logEvent(log, "snapshot.restored", {
      count: restored.count,
      savedAt: new Date(restored.savedAt).toISOString(),
      ageSeconds: Math.round(ageMs / 100) / 10,
      served,
    });
  }
}
