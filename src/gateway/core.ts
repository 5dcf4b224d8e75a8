/**
 * The gateway core: wires the link, the bus, the address, the store and the services, and runs
 * the work while the link is up — discovery (or a verified snapshot), then a poll every
 * POLL_INTERVAL with the alarm history every Nth cycle — recovering by itself from a lost link,
 * a silent bus or an unresponsive controller.
 */
import { EventEmitter } from "node:events";
import { cpuUsage } from "node:process";
import pino from "pino";
import { AddressManager } from "../bus/address.js";
import { type BusOptions, Gm3Bus } from "../bus/bus.js";
import { BusError } from "../bus/errors.js";
import { type Logger, logEvent, rawHex } from "../log/index.js";
import { commandName } from "../protocol/index.js";
import { readSavedAddress, saveAddress } from "../state/bus-address.js";
import { StateDirectory } from "../state/state-file.js";
import { ParameterStore } from "../store/parameter-store.js";
import type { Link, LinkKind } from "../transport/link.js";
import { LinkSupervisor } from "../transport/link-supervisor.js";
import { type Clock, type ClockTimer, systemClock } from "../util/clock.js";
import { type Alarm, readAlarmHistory, sameAlarms } from "./alarms.js";
import { discoverSpace } from "./discovery.js";
import { discoveryRetryDelayMs } from "./discovery-retry.js";
import { type PollOutcome, pollSpace } from "./poller.js";
import {
  type ControllerIdentity,
  identityOf,
  restoreSnapshot,
  SNAPSHOT_MAX_AGE_MS,
  sameIdentity,
  saveSnapshot,
} from "./snapshot.js";
import type { DiscoveryStatus, GatewayStatus, LinkStatus, PollStatus } from "./status.js";
import { SafeWriter, type WriteOutcome, type WriteRequest } from "./writer.js";

/** The bus's own options (turnaround, timeouts, retries, token) plus what the core adds. */
export interface GatewayCoreOptions extends Omit<BusOptions, "answerProbes"> {
  link: {
    create: () => Link;
    kind: LinkKind;
    target: string;
    reconnectDelayMinMs: number;
    reconnectDelayMaxMs: number;
    silenceTimeoutMs: number;
  };
  /** A fixed bus address, or "auto" to claim one from the panel (persisted in stateDir). */
  sourceAddress: number | "auto";
  controllerAddress: number;
  /** Descriptors and values asked per request. */
  paramsPerRequest: number;
  /** Transmissions at one index before a discovery gives up on a space. */
  discoveryAttemptsPerIndex: number;
  pollIntervalMs: number;
  /** Read the alarm history every this many poll cycles (and after each discovery). */
  alarmPollCycles: number;
  writeTimeoutMs: number;
  readOnly: boolean;
  allowPanelWrites: boolean;
  cacheTtlMs: number;
  cacheMaxSize: number;
  /** Where the address and the parameter snapshot live; undefined = keep nothing. */
  stateDir: string | undefined;
  /** Poll cycles in a row without a single answer before the link is reopened. */
  unresponsiveCycles: number;
  /** How often the values are saved for a fast restart (0 = only after discovery and at stop). */
  snapshotIntervalMs: number;
  /** A claimed address not confirmed by a token grant within this time is dropped. */
  tentativeAddressTimeoutMs: number;
  simulator: boolean;
  logger?: Logger;
}

export interface GatewayCoreEvents {
  /** Link, token, discovery or poll state changed (not for every statistic). */
  status: [];
  alarms: [alarms: Alarm[]];
  /** Discovery progress, for a progress bar. */
  progress: [progress: { space: "regulator" | "panel"; discovered: number }];
}

class SessionAborted extends Error {}

/** One period of the link being up; aborted when it goes down or the core stops. */
class Session {
  aborted = false;
  private wake: (() => void) | undefined;
  private timer: ClockTimer | undefined;

  constructor(private readonly clock: Clock) {}

  abort(): void {
    this.aborted = true;
    this.clock.clearTimeout(this.timer);
    this.wake?.();
  }

  check(): void {
    if (this.aborted) throw new SessionAborted();
  }

  async sleep(ms: number): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = this.clock.setTimeout(resolve, ms);
    });
    this.wake = undefined;
    this.timer = undefined;
    this.check();
  }
}

export class GatewayCore extends EventEmitter<GatewayCoreEvents> {
  /** The time every part of the core runs on; bridges compute ages from it too. */
  readonly clock: Clock;
  readonly store: ParameterStore;
  readonly supervisor: LinkSupervisor;
  readonly address: AddressManager;
  readonly bus: Gm3Bus;
  readonly writer: SafeWriter;
  private readonly log: Logger;
  private readonly stateDirectory: StateDirectory | undefined;
  private session: Session | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private readonly startedAt: number;
  private linkStatus: LinkStatus;
  private discovery: DiscoveryStatus = {
    state: "pending",
    source: undefined,
    lastCompletedAt: undefined,
    lastDurationMs: undefined,
    regulatorCount: 0,
    panelCount: 0,
    batches: 0,
    progress: undefined,
    lastError: undefined,
  };
  private poll: PollStatus = {
    cycles: 0,
    lastCompletedAt: undefined,
    lastDurationMs: undefined,
    lastCpuMs: undefined,
    consecutiveFailures: 0,
    lastError: undefined,
    firstPollComplete: false,
  };
  private _alarms: Alarm[] = [];
  private alarmsReadAt: number | undefined;
  private lastTokenGrantAt: number | undefined;
  /** Identity the current definitions belong to. */
  private knownIdentity: ControllerIdentity | undefined;
  /** Definitions must be (re)read before trusting the store's structure. */
  private needDiscovery = true;
  /** Definitions came from a snapshot and are not yet confirmed by a poll. */
  private snapshotUnverified = false;
  private servingSnapshot = false;
  /** Discoveries failed in a row; spaces out the next attempts. */
  private discoveryFailures = 0;
  /** A complete poll has been stored since the link last came up. */
  private polledSinceConnect = false;
  private lastSnapshotAt = 0;

  constructor(private readonly options: GatewayCoreOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.log = options.logger ?? pino({ level: "silent" });
    this.stateDirectory = options.stateDir ? new StateDirectory(options.stateDir) : undefined;
    this.store = new ParameterStore({
      ttlMs: options.cacheTtlMs,
      maxSize: options.cacheMaxSize,
      clock: this.clock,
    });
    this.supervisor = new LinkSupervisor({
      createLink: options.link.create,
      reconnectDelayMinMs: options.link.reconnectDelayMinMs,
      reconnectDelayMaxMs: options.link.reconnectDelayMaxMs,
      silenceTimeoutMs: options.link.silenceTimeoutMs,
      clock: this.clock,
    });
    this.linkStatus = {
      kind: options.link.kind,
      target: options.link.target,
      state: "stopped",
      since: this.clock.now(),
      lastError: undefined,
      reconnects: 0,
    };
    this.address = new AddressManager({
      fixedAddress: options.sourceAddress === "auto" ? undefined : options.sourceAddress,
      tentativeTimeoutMs: options.tentativeAddressTimeoutMs,
      clock: this.clock,
      persist: async (address) => {
        if (this.stateDirectory) {
          try {
            await saveAddress(this.stateDirectory, address);
          } catch (error) {
            // The address stays in use; only the next start has to claim one again.
            logEvent(this.log, "address.save.failed", {
              address,
              reason: `${(error as Error).message} (STATE_DIR ${this.options.stateDir})`,
            });
          }
        }
        logEvent(this.log, "address.claimed", { address, how: "auto-claim" });
      },
    });
    this.bus = new Gm3Bus(this.supervisor, this.address, { ...options, clock: this.clock });
    this.writer = new SafeWriter(this.bus, this.store, {
      controllerAddress: options.controllerAddress,
      panelAddress: options.panelAddress,
      readOnly: options.readOnly,
      allowPanelWrites: options.allowPanelWrites,
      writeTimeoutMs: options.writeTimeoutMs,
      clock: this.clock,
      writeBlocked: () => this.writeBlockedReason(),
    });
    this.wireEvents();
  }

  get alarms(): readonly Alarm[] {
    return this._alarms;
  }

  /** Loads the persisted address and snapshot, then opens the link. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.sourceAddress === "auto" && this.stateDirectory) {
      const saved = await readSavedAddress(this.stateDirectory);
      if (saved !== undefined) {
        this.address.restore(saved);
        logEvent(this.log, "address.claimed", { address: saved, how: "persisted" });
      }
    } else if (this.options.sourceAddress !== "auto") {
      logEvent(this.log, "address.claimed", { address: this.options.sourceAddress, how: "configured" });
    }
    if (this.stateDirectory) await this.restoreFromSnapshot();
    this.supervisor.start();
    this.setLinkState("connecting");
  }

  /** Stops polling, lets an in-flight write finish, returns the token, saves, closes the link. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.session?.abort();
    await this.bus.close();
    await this.running?.catch(() => {});
    await this.supervisor.stop();
    this.address.dispose();
    await this.saveSnapshotNow();
    this.setLinkState("stopped");
  }

  write(request: WriteRequest): Promise<WriteOutcome> {
    return this.writer.write(request);
  }

  /**
   * Resolves once data is ready (see `dataReady`), or rejects after `timeoutMs`. With `polled`,
   * values restored from the snapshot do not count: only a complete poll since the link came up
   * (one-shot reads must not print what a previous run saved).
   */
  waitForData(timeoutMs: number, options: { polled?: boolean } = {}): Promise<void> {
    const ready = () => this.dataReady() && (options.polled !== true || this.polledSinceConnect);
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.off("status", check);
        reject(new Error(`no complete poll within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!ready()) return;
        this.clock.clearTimeout(timer);
        this.off("status", check);
        resolve();
      };
      this.on("status", check);
    });
  }

  /**
   * All parameters known and refreshed by a complete poll since the link (re)connected — or, just
   * after a restart, restored from the snapshot. False while the link is down.
   */
  dataReady(): boolean {
    return (
      this.supervisor.state === "up" &&
      (this.polledSinceConnect || this.servingSnapshot) &&
      this.store.size > 0
    );
  }

  /** Writes wait for a poll since the link came up: restored values may be what the controller no longer holds. */
  private writeBlockedReason(): string | undefined {
    if (this.polledSinceConnect || !this.servingSnapshot) return undefined;
    const savedAt = this.store.restoredAt;
    return `waiting for the first poll after start; values are from the snapshot of ${
      savedAt === undefined ? "a previous run" : new Date(savedAt).toISOString()
    }`;
  }

  status(): GatewayStatus {
    let exposed = 0;
    for (const entry of this.store.all()) if (entry.definition.exposed) exposed++;
    return {
      startedAt: this.startedAt,
      simulator: this.options.simulator,
      readOnly: this.options.readOnly,
      link: { ...this.linkStatus },
      bus: {
        address: this.address.address,
        addressState: this.address.state,
        tokenRequired: this.options.tokenRequired,
        holdingToken: this.bus.holdingToken,
        lastTokenGrantAt: this.lastTokenGrantAt,
        waitingForTokenSince: this.bus.waitingForTokenSinceTime,
        queueLength: this.bus.queueLength,
        stats: {
          ...this.bus.stats,
          retries: { ...this.bus.stats.retries },
          failures: { ...this.bus.stats.failures },
        },
      },
      discovery: { ...this.discovery },
      poll: { ...this.poll, firstPollComplete: this.store.firstPollComplete },
      alarms: {
        lastReadAt: this.alarmsReadAt,
        count: this._alarms.length,
        active: this._alarms.filter((a) => a.toDate === null).length,
      },
      parameters: { count: this.store.size, exposed, servingSnapshot: this.servingSnapshot },
      dataReady: this.dataReady(),
    };
  }

  // --- wiring ----------------------------------------------------------------------------------

  private wireEvents(): void {
    this.supervisor.on("up", (link) => {
      if (this.linkStatus.state === "waiting") this.linkStatus.reconnects++;
      this.polledSinceConnect = false;
      this.setLinkState("up");
      this.linkStatus.lastError = undefined;
      logEvent(this.log, "link.up", { endpoint: link.target });
      this.startSession();
    });
    this.supervisor.on("down", ({ error, retryInMs, attempt }) => {
      const wasUp = this.linkStatus.state === "up";
      this.session?.abort();
      this.session = undefined;
      this.linkStatus.lastError = { code: error.code, message: error.message, hint: error.hint };
      this.setLinkState("waiting");
      // After a lost link the structure is re-read before it is trusted again (PROTOCOL.md §16.7).
      if (wasUp) this.needDiscovery = true;
      // A loss while up, then one line per ten retries: an unplugged adapter must not flood the log.
      if (wasUp || attempt <= 1 || attempt % 10 === 0) {
        logEvent(this.log, "link.down", {
          endpoint: this.options.link.target,
          reason: `${error.message}${error.hint ? ` — ${error.hint}` : ""}`,
          reconnectInMs: retryInMs,
        });
      }
    });
    this.address.on("change", ({ address, state, previous }) => {
      if (address === undefined && previous !== undefined) {
        logEvent(this.log, "address.released", {
          address: previous,
          reason: "the panel did not confirm the claim",
        });
      } else if (state === "tentative") {
        this.log.debug({ address }, `answering the panel's probe of the free address ${address}`);
      }
      this.emit("status");
    });
    this.bus.on("token", ({ holding }) => {
      if (holding) this.lastTokenGrantAt = this.clock.now();
    });
    this.bus.on("protocolError", ({ reason, raw, frame }) => {
      if (!this.log.isLevelEnabled("debug")) return; // the hex is only worth building when shown
      logEvent(this.log, "protocol.error", {
        reason,
        rawHex: rawHex(raw),
        source: frame?.source,
        destination: frame?.destination,
        command: frame ? commandName(frame.command) : undefined,
      });
    });
    this.writer.on("write", ({ request, outcome, error, parameter, durationMs }) => {
      logEvent(this.log, "write.done", {
        who: request.origin,
        parameter: outcome?.name ?? parameter?.name ?? String(request.target),
        index: outcome?.index ?? parameter?.index ?? -1,
        oldValue: outcome ? outcome.oldValue : parameter?.oldValue,
        newValue: outcome ? outcome.newValue : request.value,
        outcome: outcome ? "confirmed" : error?.sent ? "failed" : "refused",
        durationMs,
        reason: error ? `${error.failure}: ${error.message}` : outcome?.confirmation,
      });
    });
  }

  private setLinkState(state: LinkStatus["state"]): void {
    this.linkStatus.state = state;
    this.linkStatus.since = this.clock.now();
    this.emit("status");
  }

  // --- the work while the link is up --------------------------------------------------------

  private startSession(): void {
    this.session?.abort();
    const session = new Session(this.clock);
    this.session = session;
    const previous = this.running ?? Promise.resolve();
    this.running = previous
      .catch(() => {})
      .then(() => this.runSession(session))
      .catch((error: unknown) => {
        if (error instanceof SessionAborted) return;
        this.log.error({ err: error }, `unexpected error in the bus loop: ${(error as Error).message}`);
      });
  }

  private async runSession(session: Session): Promise<void> {
    let cycle = 0;
    while (!session.aborted) {
      if (this.needDiscovery || this.store.size === 0) {
        const ok = await this.discover(session);
        if (!ok) {
          this.discoveryFailures++;
          await session.sleep(discoveryRetryDelayMs(this.discoveryFailures, this.options.pollIntervalMs));
          continue;
        }
        this.discoveryFailures = 0;
        cycle = 0;
      }
      const alarmsDue = cycle % this.options.alarmPollCycles === 0 || this.alarmsReadAt === undefined;
      await this.pollOnce(session, alarmsDue);
      session.check();
      cycle++;
      if (!this.needDiscovery) await session.sleep(this.options.pollIntervalMs);
    }
  }

  private async discover(session: Session): Promise<boolean> {
    const started = this.clock.now();
    const waitedBefore = this.bus.stats.tokenWaitMsTotal;
    this.discovery = { ...this.discovery, state: "running", progress: undefined, lastError: undefined };
    this.emit("status");
    this.log.debug({}, "discovering parameters");
    const common = {
      batchSize: this.options.paramsPerRequest,
      attemptsPerIndex: this.options.discoveryAttemptsPerIndex,
      onProgress: (p: { space: "regulator" | "panel"; discovered: number }) => {
        this.discovery.progress = { space: p.space, discovered: p.discovered };
        this.emit("progress", this.discovery.progress);
      },
    };
    try {
      const regulator = await discoverSpace(this.bus, {
        ...common,
        space: "regulator",
        destination: this.options.controllerAddress,
      });
      session.check();
      if (regulator.definitions.length === 0) throw new Error("the controller described no parameters");
      let panel = { definitions: [] as typeof regulator.definitions, batches: 0 };
      try {
        panel = await discoverSpace(this.bus, {
          ...common,
          space: "panel",
          destination: this.options.panelAddress,
        });
      } catch (error) {
        if (!(error instanceof BusError) || error.reason === "link-down") throw error;
        logEvent(this.log, "discovery.failed", {
          reason: `the panel's parameters could not be read (${error.message}); serving the controller's only`,
        });
      }
      session.check();
      this.store.setDefinitions([...regulator.definitions, ...panel.definitions]);
      // Time on the bus, not time spent waiting for the panel to grant the token.
      const waitedMs = this.bus.stats.tokenWaitMsTotal - waitedBefore;
      const durationMs = this.clock.now() - started - waitedMs;
      this.discovery = {
        state: "complete",
        source: "bus",
        lastCompletedAt: this.clock.now(),
        lastDurationMs: durationMs,
        regulatorCount: regulator.definitions.length,
        panelCount: panel.definitions.length,
        batches: regulator.batches + panel.batches,
        progress: undefined,
        lastError: undefined,
      };
      this.needDiscovery = false;
      this.snapshotUnverified = false;
      this.servingSnapshot = false;
      this.knownIdentity = undefined;
      logEvent(this.log, "discovery.done", {
        count: this.store.size,
        seconds: Math.round(durationMs / 100) / 10,
        tokenWaitSeconds: Math.round(waitedMs / 100) / 10,
        regulatorCount: regulator.definitions.length,
        panelCount: panel.definitions.length,
      });
      this.emit("status");
      return true;
    } catch (error) {
      if (error instanceof SessionAborted || session.aborted) throw new SessionAborted();
      const reason = (error as Error).message;
      this.discovery = { ...this.discovery, state: "failed", progress: undefined, lastError: reason };
      logEvent(this.log, "discovery.failed", { reason });
      this.emit("status");
      return false;
    }
  }

  /** One poll cycle; when it completes and `alarmsDue`, the alarm log is read before the data is declared ready. */
  private async pollOnce(session: Session, alarmsDue: boolean): Promise<boolean> {
    const started = this.clock.now();
    const cpuBefore = cpuUsage();
    let changed = 0;
    const countChange = () => {
      changed++;
    };
    this.store.on("change", countChange);
    let regulator: PollOutcome;
    let panel: PollOutcome = { values: 0, batches: 0, failures: [] };
    try {
      regulator = await pollSpace(this.bus, this.store, {
        space: "regulator",
        destination: this.options.controllerAddress,
        batchSize: this.options.paramsPerRequest,
        clock: this.clock,
      });
      session.check();
      if (this.store.definitionsOf("panel").length > 0) {
        panel = await pollSpace(this.bus, this.store, {
          space: "panel",
          destination: this.options.panelAddress,
          batchSize: this.options.paramsPerRequest,
          clock: this.clock,
        });
      }
      session.check();
    } finally {
      this.store.off("change", countChange);
    }
    const failures = [...regulator.failures, ...panel.failures];
    const cpu = cpuUsage(cpuBefore);
    this.poll.lastDurationMs = this.clock.now() - started;
    this.poll.lastCpuMs = (cpu.user + cpu.system) / 1000;
    this.poll.cycles++;
    logEvent(this.log, "poll.cycle", {
      cycle: this.poll.cycles,
      parameters: regulator.values + panel.values,
      changed,
      durationMs: this.poll.lastDurationMs,
      failedBatches: failures.length,
    });
    if (failures.length > 0) {
      this.poll.consecutiveFailures++;
      this.poll.lastError = failures.map((f) => f.message).join("; ");
      logEvent(this.log, "poll.incomplete", {
        cycle: this.poll.cycles,
        failedBatches: failures.length,
        reasons: [...new Set(failures.map((f) => f.reason))],
        detail: this.poll.lastError,
      });
      if (this.snapshotUnverified && failures.some((f) => f.reason === "garbled")) {
        // Values do not parse with the saved descriptors: the firmware may have changed.
        this.needDiscovery = true;
        logEvent(this.log, "controller.changed", {
          reason: "the saved parameter definitions do not fit the controller",
        });
      }
      if (regulator.values === 0 && this.poll.consecutiveFailures >= this.options.unresponsiveCycles) {
        logEvent(this.log, "controller.unresponsive", { cycles: this.poll.consecutiveFailures });
        this.poll.consecutiveFailures = 0;
        void this.supervisor.restart("the controller stopped answering");
      }
      this.emit("status");
      return false;
    }
    this.poll.consecutiveFailures = 0;
    this.poll.lastError = undefined;
    this.store.markPollComplete();
    this.poll.lastCompletedAt = this.store.lastPollAt;
    this.checkIdentity();
    // Read before the data is declared ready, so /api/alarms answers whenever /api/parameters does.
    if (alarmsDue) await this.readAlarms(session);
    this.polledSinceConnect = true;
    this.servingSnapshot = false;
    this.emit("status");
    await this.maybeSaveSnapshot();
    return true;
  }

  /** A different controller (or firmware) under the same link: rediscover. */
  private checkIdentity(): void {
    const current = identityOf(this.store);
    if (this.knownIdentity && !sameIdentity(this.knownIdentity, current)) {
      logEvent(this.log, "controller.changed", {
        reason: `the controller's identity changed (UID ${this.knownIdentity.uid} → ${current.uid}, software ${this.knownIdentity.software} → ${current.software})`,
      });
      this.needDiscovery = true;
    }
    this.knownIdentity = current;
    this.snapshotUnverified = false;
  }

  private async readAlarms(session: Session): Promise<void> {
    try {
      const alarms = await readAlarmHistory(this.bus, { panelAddress: this.options.panelAddress });
      session.check();
      this.alarmsReadAt = this.clock.now();
      if (!sameAlarms(alarms, this._alarms)) {
        this._alarms = alarms;
        this.emit("alarms", alarms);
      }
      logEvent(this.log, "alarms.read", {
        count: alarms.length,
        active: alarms.filter((a) => a.toDate === null).length,
      });
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      // Keep the previous list rather than publishing an empty one.
      logEvent(this.log, "alarms.failed", { reason: error.reason, detail: error.message });
    }
  }

  // --- persistence -------------------------------------------------------------------------

  private async restoreFromSnapshot(): Promise<void> {
    if (!this.stateDirectory) return;
    try {
      const restored = await restoreSnapshot(this.stateDirectory, this.store);
      if (!restored) return;
      this.knownIdentity = restored.identity;
      this.needDiscovery = false;
      this.snapshotUnverified = true;
      // An old snapshot still spares the discovery, but its values are not served as data.
      const ageMs = this.clock.now() - restored.savedAt;
      this.servingSnapshot = ageMs >= 0 && ageMs <= SNAPSHOT_MAX_AGE_MS;
      if (this.servingSnapshot && restored.alarms) {
        // The saved alarm log is served with the saved values until the first poll reads it again.
        this._alarms = restored.alarms;
        this.alarmsReadAt = restored.savedAt;
      }
      this.discovery = {
        ...this.discovery,
        state: "complete",
        source: "snapshot",
        lastCompletedAt: restored.savedAt,
        regulatorCount: this.store.definitionsOf("regulator").length,
        panelCount: this.store.definitionsOf("panel").length,
      };
      logEvent(this.log, "snapshot.restored", {
        count: restored.count,
        savedAt: new Date(restored.savedAt).toISOString(),
      });
    } catch (error) {
      logEvent(this.log, "snapshot.failed", { operation: "restore", reason: (error as Error).message });
    }
  }

  private async maybeSaveSnapshot(): Promise<void> {
    const due =
      this.lastSnapshotAt === 0 ||
      (this.options.snapshotIntervalMs > 0 &&
        this.clock.now() - this.lastSnapshotAt >= this.options.snapshotIntervalMs);
    if (due) await this.saveSnapshotNow();
  }

  private async saveSnapshotNow(): Promise<void> {
    if (!this.stateDirectory || this.store.size === 0 || !this.store.firstPollComplete) return;
    try {
      await saveSnapshot(
        this.stateDirectory,
        this.store,
        this.alarmsReadAt === undefined ? undefined : this._alarms,
        this.clock.now(),
      );
      this.lastSnapshotAt = this.clock.now();
    } catch (error) {
      logEvent(this.log, "snapshot.failed", {
        operation: "save",
        reason: `${(error as Error).message} (STATE_DIR ${this.options.stateDir})`,
      });
    }
  }
}
