/**
 * The gateway core: wires the link, the bus, the address, the store and the services, and runs
 * the work while the link is up — discovery, or a check that the controller is still the one the
 * known descriptors belong to (after a reconnect or a restart from the snapshot), then a poll every
 * POLL_INTERVAL with the alarm history every Nth cycle — recovering by itself from a lost link,
 * a silent bus or an unresponsive controller. What may be served (`data-state.ts`) and when writes
 * may go out (`write-gate.ts`) are decided here, each in one place.
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
import { ParameterStore } from "../store/parameter-store.js";
import type { Link, LinkKind } from "../transport/link.js";
import { LinkSupervisor } from "../transport/link-supervisor.js";
import { type Clock, systemClock } from "../util/clock.js";
import { type Alarm, readAlarmHistory, sameAlarms } from "./alarms.js";
import { type BusState, openBusState } from "./bus-state.js";
import { GrantIntervalTracker, measureBusTime } from "./bus-time.js";
import { checkController } from "./controller-check.js";
import { type DataState, dataStateOf } from "./data-state.js";
import { discoverSpace } from "./discovery.js";
import { discoveryRetryDelayMs } from "./discovery-retry.js";
import { type CatalogueFingerprint, fingerprintOf, sameFingerprint } from "./fingerprint.js";
import { LinkWaiters } from "./link-waiters.js";
import { type PollOutcome, pollSpace } from "./poller.js";
import { Session, SessionAborted } from "./session.js";
import { type ControllerIdentity, identityOf, sameIdentity } from "./snapshot.js";
import { SnapshotKeeper } from "./snapshot-keeper.js";
import type {
  CheckStatus,
  DataStatus,
  DiscoveryStatus,
  GatewayStatus,
  LinkStatus,
  PollStatus,
} from "./status.js";
import { WriteBudget } from "./write-budget.js";
import { WriteError } from "./write-errors.js";
import { WriteGate } from "./write-gate.js";
import type { WriteJob, WriteRequest } from "./write-job.js";
import { WriteQueue } from "./write-queue.js";
import { SafeWriter } from "./writer.js";

/**
 * How long the last values are served, marked stale, when they cannot be refreshed (STALE_DATA_MAX_AGE):
 * long enough for what interrupts a gateway for a while — an adapter re-plugged, ser2net or the
 * gateway restarted, the controller rebooting — and as long as a snapshot may be old after a crash
 * (it is saved every 10 minutes); a heat pump's temperatures move little in that time.
 */
export const DEFAULT_STALE_DATA_MAX_AGE_MS = 10 * 60_000;

/** The bus's own options (turnaround, timeouts, retries, token) plus what the core adds. */
export interface GatewayCoreOptions extends Omit<BusOptions, "answerProbes"> {
  link: {
    create: () => Link;
    kind: LinkKind;
    target: string;
    reconnectDelayMinMs: number;
    reconnectDelayMaxMs: number;
    silenceTimeoutMs: number;
    /** For this long after a loss, reopen attempts stay at the first delay (see LinkSupervisor). */
    steadyRetryWindowMs?: number;
  };
  /** Wire speed, for the bus-time floor in the status (default 115200). */
  baudRate?: number;
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
  /** WRITE_DEADLINE: how long an accepted write may wait for the bus before it expires unsent. */
  writeDeadlineMs: number;
  /** API_WRITE_RATE_LIMIT: writes a minute from every path together (0 = no limit). */
  writeRateLimitPerMinute: number;
  readOnly: boolean;
  allowPanelWrites: boolean;
  /** EXPERT_WRITES: allow writes to the service parameters (src/catalog/expert-parameters.json). */
  expertWrites?: boolean;
  cacheTtlMs: number;
  cacheMaxSize: number;
  /** The last values are served (marked stale) for at most this long after they were read; 0 = never. */
  staleDataMaxAgeMs?: number;
  /** Where the address and the parameter snapshot live (per bus target); undefined = keep nothing. */
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

/** Why the controller on the current link session has to be checked again. */
type CheckCause = "start" | "reconnect";

export class GatewayCore extends EventEmitter<GatewayCoreEvents> {
  /** The time every part of the core runs on; bridges compute ages from it too. */
  readonly clock: Clock;
  readonly store: ParameterStore;
  readonly supervisor: LinkSupervisor;
  readonly address: AddressManager;
  readonly bus: Gm3Bus;
  readonly writer: SafeWriter;
  /** Every write becomes a job here (HTTP, MQTT, the dashboard, the CLI). */
  readonly writes: WriteQueue;
  /** Whether a write may go on the wire now (the write queue asks it before sending a job). */
  readonly writeGate: WriteGate;
  private readonly linkWaiters: LinkWaiters;
  /** When the link last came up; values read since are the live controller's. */
  private linkUpAt: number | undefined;
  private readonly log: Logger;
  private busState: BusState | undefined;
  /** A link.up not logged when the link opened (a run of attempts), logged with its first frame. */
  private linkUpUnlogged: string | undefined;
  /** Why STATE_DIR could not be used, when it could not. */
  private stateError: string | undefined;
  private snapshots: SnapshotKeeper | undefined;
  private session: Session | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private readonly startedAt: number;
  private readonly staleDataMaxAgeMs: number;
  private linkStatus: LinkStatus;
  private discovery: DiscoveryStatus = {
    state: "pending",
    source: undefined,
    lastCompletedAt: undefined,
    lastDurationMs: undefined,
    lastBusTime: undefined,
    regulatorCount: 0,
    panelCount: 0,
    batches: 0,
    fingerprint: undefined,
    progress: undefined,
    lastError: undefined,
  };
  private poll: PollStatus = {
    cycles: 0,
    lastCompletedAt: undefined,
    lastDurationMs: undefined,
    lastBusTime: undefined,
    lastCpuMs: undefined,
    consecutiveFailures: 0,
    lastError: undefined,
    firstPollComplete: false,
  };
  private check: CheckStatus = {
    state: "pending",
    lastAt: undefined,
    lastBusTime: undefined,
    lastResult: undefined,
  };
  private readonly grants = new GrantIntervalTracker();
  private _alarms: Alarm[] = [];
  private alarmsReadAt: number | undefined;
  private lastTokenGrantAt: number | undefined;
  /** Identity the current definitions and values belong to. */
  private knownIdentity: ControllerIdentity | undefined;
  /** Fingerprint of the current definitions. */
  private catalogue: CatalogueFingerprint | undefined;
  /** Definitions must be (re)read before trusting the store's structure. */
  private needDiscovery = true;
  /**
   * How far the controller on this link session is known to be the one the definitions belong to:
   * `pending` (not checked), `checked` (identity and the ends of the spaces match; the first poll
   * with the known types is still to come) or `verified` (that poll was complete too).
   */
  private verification: "pending" | "checked" | "verified" = "pending";
  private checkCause: CheckCause = "start";
  /** The store's values are known to be wrong (another controller, a changed catalogue) until a new complete poll. */
  private valuesWrong = false;
  /** Where the values in the store come from. */
  private dataSource: "bus" | "snapshot" | undefined;
  /** Discoveries failed in a row; spaces out the next attempts. */
  private discoveryFailures = 0;
  /** A complete poll of the verified controller has been stored since the link last came up. */
  private polledSinceConnect = false;

  constructor(private readonly options: GatewayCoreOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.staleDataMaxAgeMs = options.staleDataMaxAgeMs ?? DEFAULT_STALE_DATA_MAX_AGE_MS;
    this.log = options.logger ?? pino({ level: "silent" });
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
      steadyRetryWindowMs: options.link.steadyRetryWindowMs,
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
        const directory = this.busState?.directory;
        // The address stays in use either way; only the next start has to claim one again.
        if (directory) {
          try {
            await saveAddress(directory, address, this.clock.now());
          } catch (error) {
            logEvent(this.log, "address.save.failed", {
              address,
              reason: `${(error as Error).message} (STATE_DIR ${this.options.stateDir})`,
            });
          }
        } else if (this.stateError !== undefined) {
          logEvent(this.log, "address.save.failed", { address, reason: this.stateError });
        }
        logEvent(this.log, "address.claimed", { address, how: "auto-claim" });
      },
    });
    this.bus = new Gm3Bus(this.supervisor, this.address, { ...options, clock: this.clock });
    this.linkWaiters = new LinkWaiters(this.clock, () => this.supervisor.state === "up");
    this.writeGate = new WriteGate(() => this.writeHoldReason(), this.clock);
    this.writer = new SafeWriter(this.bus, this.store, {
      controllerAddress: options.controllerAddress,
      panelAddress: options.panelAddress,
      readOnly: options.readOnly,
      allowPanelWrites: options.allowPanelWrites,
      expertWrites: options.expertWrites ?? false,
      clock: this.clock,
      liveSince: () => (this.supervisor.state === "up" ? this.linkUpAt : undefined),
      whenLinkUp: (until) => this.linkWaiters.whenUp(until),
    });
    this.writes = new WriteQueue({
      writer: this.writer,
      clock: this.clock,
      deadlineMs: options.writeDeadlineMs,
      budget: new WriteBudget(options.writeRateLimitPerMinute, this.clock),
      acceptBlocked: () => this.writeRefusal(),
      // One rule for writes going on the wire (the write gate): a controller verified — identity
      // and a complete poll — since the link came up. Limits and "already held" are checked
      // against those polled values, never against a snapshot or what was read before a link loss.
      sendBlocked: () =>
        this.supervisor.state !== "up"
          ? "link"
          : this.writeGate.reason() !== undefined
            ? "first-poll"
            : undefined,
      nextGrantInMs: () => (this.bus.holdingToken ? 0 : this.grants.nextInMs(this.clock.now())),
      logger: this.log,
    });
    this.wireEvents();
  }

  get alarms(): readonly Alarm[] {
    return this._alarms;
  }

  /**
   * Finds this bus's state (address, snapshot) and serves the snapshot at once if it is recent, then
   * opens the link. Nothing here waits for the bus.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.stateDir) {
      try {
        this.busState = await openBusState(
          this.options.stateDir,
          { kind: this.options.link.kind, target: this.options.link.target },
          { logger: this.log, now: this.clock.now() },
        );
        logEvent(this.log, "state.target", {
          folder: this.busState.directory.path,
          target: this.options.link.target,
          basis: this.busState.target.basis,
        });
      } catch (error) {
        // Without a state folder the gateway still runs: it claims an address and discovers again.
        this.stateError = `${(error as Error).message} (STATE_DIR ${this.options.stateDir})`;
        logEvent(this.log, "state.failed", { reason: this.stateError });
      }
    }
    this.snapshots = new SnapshotKeeper({
      directory: this.busState?.directory,
      bus: {
        key: this.busState?.target.key ?? this.options.link.kind,
        simulated: this.options.link.kind === "sim",
      },
      intervalMs: this.options.snapshotIntervalMs,
      logger: this.log,
      describe: `STATE_DIR ${this.options.stateDir}`,
    });
    const directory = this.busState?.directory;
    if (this.options.sourceAddress === "auto" && directory) {
      const saved = await readSavedAddress(directory);
      if (saved !== undefined) {
        this.address.restore(saved);
        logEvent(this.log, "address.claimed", { address: saved, how: "persisted" });
      }
    } else if (this.options.sourceAddress !== "auto") {
      logEvent(this.log, "address.claimed", { address: this.options.sourceAddress, how: "configured" });
    }
    await this.restoreFromSnapshot();
    this.supervisor.start();
    this.setLinkState("connecting");
  }

  /**
   * Ends the write jobs not yet sent (failed, `shutdown`) and lets one being sent finish; no new
   * write is accepted. Part of stop(); the app calls it before its bridges stop, so requests waiting
   * for a job get their answer at once.
   */
  async stopWrites(): Promise<void> {
    // A job on the wire gets its answer and a read-back (two reply waits), as long as the token lasts.
    await this.writes.stop(2 * this.bus.replyWaitMs + this.options.turnaroundMs);
    this.linkWaiters.close();
  }

  /** Stops polling, lets an in-flight write finish, returns the token, saves, closes the link. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.stopWrites();
    this.session?.abort();
    this.writeGate.close("the gateway is stopping");
    await this.bus.close();
    await this.running?.catch(() => {});
    await this.supervisor.stop();
    this.address.dispose();
    if (!this.valuesWrong) await this.snapshots?.save(this.store, this.savedAlarms(), this.clock.now());
    this.setLinkState("stopped");
  }

  /**
   * Accepts a write as a job and resolves once it has ended (confirmed, failed, superseded or
   * expired); rejects with a WriteError when it is refused outright (nothing queued, nothing sent).
   */
  async write(request: WriteRequest): Promise<WriteJob> {
    return this.writes.submit(request).ended;
  }

  /**
   * Resolves once data is ready (see `dataReady`), or rejects after `timeoutMs` or when `signal`
   * aborts (a caller that stopped waiting for another reason). With `polled`,
   * values restored from the snapshot do not count: only a complete poll since the link came up
   * (one-shot reads must not print what a previous run saved).
   */
  waitForData(timeoutMs: number, options: { polled?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const ready = () => this.dataReady() && (options.polled !== true || this.polledSinceConnect);
    if (ready()) return Promise.resolve();
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      // Whichever ends the wait removes the others: a timer left behind keeps a CLI process alive.
      const finish = (error?: unknown) => {
        this.clock.clearTimeout(timer);
        this.off("status", check);
        signal?.removeEventListener("abort", aborted);
        if (error === undefined) resolve();
        else reject(error);
      };
      const timer = this.clock.setTimeout(
        () => finish(new Error(`no complete poll within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = () => {
        if (ready()) finish();
      };
      const aborted = () => finish(signal?.reason ?? new Error("aborted"));
      this.on("status", check);
      signal?.addEventListener("abort", aborted, { once: true });
    });
  }

  /**
   * `fresh`, `stale` (the last complete values, served with their age while they cannot be
   * refreshed, for at most STALE_DATA_MAX_AGE) or `unavailable` — see `data-state.ts`.
   */
  dataState(now = this.clock.now()): DataState {
    return dataStateOf({
      now,
      maxStaleMs: this.staleDataMaxAgeMs,
      linkUp: this.supervisor.state === "up",
      // A complete picture: values from the snapshot, or a complete poll and the alarm read after it.
      haveValues:
        this.store.size > 0 &&
        !this.valuesWrong &&
        this.dataSource !== undefined &&
        this.dataAsOf() !== undefined,
      polledSinceConnect: this.polledSinceConnect,
      asOf: this.dataAsOf(),
    });
  }

  /**
   * A write is accepted while there is data to check it against and the link is up (values from a
   * snapshot count: the job is checked again against polled values before it is sent). With the
   * link down it is refused — nobody knows when the bus comes back — while jobs already accepted
   * wait for it, up to their deadline.
   */
  private writeRefusal(): WriteError | undefined {
    if (this.supervisor.state !== "up")
      return new WriteError("link-down", "the bus link is down; nothing was queued or sent");
    if (!this.dataReady()) {
      return new WriteError(
        "not-ready",
        "the parameters are not known yet (discovery and the first poll are running); nothing was queued or sent",
      );
    }
    return undefined;
  }

  /** The values may be served (fresh, or stale within STALE_DATA_MAX_AGE): the API answers 200. */
  dataReady(): boolean {
    return this.dataState() !== "unavailable";
  }

  /** When the values were last read completely: the last complete poll, else the snapshot's. */
  private dataAsOf(): number | undefined {
    return this.store.lastPollAt ?? this.store.restoredAt;
  }

  /** The one rule for writes going on the wire: only to a controller verified since the link came up. */
  private writeHoldReason(): string | undefined {
    if (!this.started) return "the gateway is stopping";
    if (this.supervisor.state !== "up") return `the bus link to ${this.options.link.target} is down`;
    if (this.needDiscovery || this.discovery.state === "running")
      return "the parameters are being read again";
    if (this.verification === "verified") return undefined;
    if (this.checkCause === "start" && this.dataSource === "snapshot") {
      const savedAt = this.store.restoredAt;
      return `waiting for the first poll after start; values are from the snapshot of ${
        savedAt === undefined ? "a previous run" : new Date(savedAt).toISOString()
      }`;
    }
    return "waiting until the controller is verified after the reconnect (its identity and a complete poll)";
  }

  /** What is served and how it is marked (cheap: HTTP reads ask it on every request). */
  dataStatus(now = this.clock.now()): DataStatus {
    const state = this.dataState(now);
    const asOf = this.dataAsOf();
    return {
      state,
      source: state === "unavailable" ? undefined : this.dataSource,
      asOf: state === "unavailable" ? undefined : asOf,
      staleMaxAgeMs: this.staleDataMaxAgeMs,
      servedUntil: state === "stale" && asOf !== undefined ? asOf + this.staleDataMaxAgeMs : undefined,
      withheld:
        state !== "unavailable" || this.store.size === 0
          ? undefined
          : this.valuesWrong
            ? "changed"
            : asOf !== undefined && this.staleDataMaxAgeMs > 0
              ? "too-old"
              : undefined,
      verification: this.verification,
      writesHeldBy: this.writeGate.reason(),
    };
  }

  status(): GatewayStatus {
    let exposed = 0;
    for (const entry of this.store.all()) if (entry.definition.exposed) exposed++;
    const data = this.dataStatus();
    const state = data.state;
    return {
      startedAt: this.startedAt,
      simulator: this.options.simulator,
      readOnly: this.options.readOnly,
      expertWrites: this.options.expertWrites ?? false,
      link: { ...this.linkStatus },
      bus: {
        address: this.address.address,
        addressState: this.address.state,
        tokenRequired: this.options.tokenRequired,
        holdingToken: this.bus.holdingToken,
        lastTokenGrantAt: this.lastTokenGrantAt,
        waitingForTokenSince: this.bus.waitingForTokenSinceTime,
        queueLength: this.bus.queueLength,
        grantIntervals: this.grants.figures,
        stats: {
          ...this.bus.stats,
          retries: { ...this.bus.stats.retries },
          failures: { ...this.bus.stats.failures },
        },
      },
      state: this.busState
        ? {
            folder: this.busState.directory.path,
            target: this.busState.target.key,
            basis: this.busState.target.basis,
          }
        : undefined,
      discovery: { ...this.discovery },
      check: { ...this.check },
      poll: { ...this.poll, firstPollComplete: this.store.firstPollComplete },
      alarms: {
        lastReadAt: this.alarmsReadAt,
        count: this._alarms.length,
        active: this._alarms.filter((a) => a.toDate === null).length,
      },
      parameters: {
        count: this.store.size,
        exposed,
        servingSnapshot: state === "stale" && this.dataSource === "snapshot",
      },
      data,
      dataReady: state !== "unavailable",
    };
  }

  // --- wiring ----------------------------------------------------------------------------------

  private wireEvents(): void {
    this.supervisor.on("up", (link) => {
      if (this.linkStatus.state === "waiting") {
        this.linkStatus.reconnects++;
        this.checkCause = "reconnect";
      }
      this.polledSinceConnect = false;
      this.linkUpAt = this.clock.now();
      this.linkWaiters.up();
      // Whatever was verified before, the controller behind a reopened link is checked again.
      this.verification = "pending";
      this.setLinkState("up");
      this.linkStatus.lastError = undefined;
      // A converter that accepts and drops the connection again and again (ser2net without its
      // serial port) is one line per ten attempts, not two lines a second.
      // The line that is not logged at the open is logged with the first frame: the link is back.
      const attempts = this.supervisor.failedAttempts;
      if (attempts <= 1 || attempts % 10 === 0) logEvent(this.log, "link.up", { endpoint: link.target });
      else this.linkUpUnlogged = link.target;
      this.startSession();
    });
    this.supervisor.on("down", ({ error, retryInMs, attempt }) => {
      this.session?.abort();
      this.session = undefined;
      this.linkUpUnlogged = undefined;
      this.verification = "pending";
      if (this.check.state === "running") this.check = { ...this.check, state: "pending" };
      this.grants.interrupted();
      this.linkStatus.lastError = { code: error.code, message: error.message, hint: error.hint };
      this.setLinkState("waiting");
      // A loss after frames came, then one line per ten retries (whether the attempt failed to open
      // or the link dropped before carrying a frame): an unplugged adapter must not flood the log.
      if (attempt <= 1 || attempt % 10 === 0) {
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
    this.bus.on("frame", () => {
      if (this.linkUpUnlogged === undefined) return;
      logEvent(this.log, "link.up", { endpoint: this.linkUpUnlogged });
      this.linkUpUnlogged = undefined;
    });
    this.bus.on("token", ({ holding }) => {
      if (!holding) return;
      this.lastTokenGrantAt = this.clock.now();
      this.grants.grant(this.lastTokenGrantAt);
    });
    // A job may go once the link is up and a poll has refreshed the values since.
    this.on("status", () => this.writes.poke());
    this.bus.on("fault", (error, context) => {
      // A bug the bus survived (it dropped the frame or failed the request): said loudly.
      this.log.error({ err: error }, `internal error ${context}, survived: ${error.message}`);
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
    // Every change of state may open the write gate, and with it let a queued job go.
    this.on("status", () => this.writeGate.changed());
  }

  private setLinkState(state: LinkStatus["state"]): void {
    this.linkStatus.state = state;
    this.linkStatus.since = this.clock.now();
    this.emit("status");
  }

  private busTime() {
    return measureBusTime(this.bus, {
      baudRate: this.options.baudRate ?? 115_200,
      turnaroundMs: this.options.turnaroundMs,
      clock: this.clock,
    });
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
      } else if (this.verification === "pending") {
        // Known descriptors: check the controller is the same one, then poll in the same grant.
        const verdict = await this.checkTheController(session);
        if (verdict === "changed") continue;
        if (verdict === "no-answer") {
          await session.sleep(this.options.pollIntervalMs);
          continue;
        }
      }
      const alarmsDue = cycle % this.options.alarmPollCycles === 0 || this.alarmsReadAt === undefined;
      await this.pollOnce(session, alarmsDue);
      session.check();
      cycle++;
      if (!this.needDiscovery) await session.sleep(this.options.pollIntervalMs);
    }
  }

  /** The cheap recovery check (`controller-check.ts`); a changed controller is rediscovered. */
  private async checkTheController(session: Session): Promise<"same" | "changed" | "no-answer"> {
    const known = this.knownIdentity ?? identityOf(this.store);
    this.check = { ...this.check, state: "running" };
    this.emit("status");
    const meter = this.busTime();
    let verdict: Awaited<ReturnType<typeof checkController>>;
    try {
      verdict = await checkController(this.bus, this.store, {
        controllerAddress: this.options.controllerAddress,
        panelAddress: this.options.panelAddress,
        known,
      });
    } catch (error) {
      meter.finish();
      if (!(error instanceof BusError)) throw error;
      session.check();
      this.check = {
        ...this.check,
        state: "pending",
        lastAt: this.clock.now(),
        lastResult: `no answer: ${error.message}`,
      };
      this.noteUnanswered(error.message, error.reason);
      return "no-answer";
    }
    const figures = meter.finish();
    session.check();
    const at = this.clock.now();
    if (verdict.same) {
      this.verification = "checked";
      this.check = { state: "passed", lastAt: at, lastBusTime: figures, lastResult: "same controller" };
      logEvent(this.log, "controller.verified", {
        uid: verdict.identity.uid ?? "?",
        requests: verdict.requests,
        busMs: Math.round(figures.busMs),
        after: this.checkCause === "start" ? "the start from the snapshot" : "the reconnect",
      });
      this.emit("status");
      return "same";
    }
    this.check = { state: "changed", lastAt: at, lastBusTime: figures, lastResult: verdict.reason };
    this.controllerChanged(verdict.reason);
    if (verdict.uidChanged) {
      await this.snapshots?.discard(
        `the controller on the bus is ${verdict.identity?.uid ?? "another one"}, the saved values are of ${known.uid ?? "another controller"}`,
      );
    }
    this.emit("status");
    return "changed";
  }

  /** The values in the store are not this controller's (or not in this catalogue's places): read again. */
  private controllerChanged(reason: string): void {
    logEvent(this.log, "controller.changed", { reason });
    this.needDiscovery = true;
    this.valuesWrong = true;
    this.verification = "pending";
  }

  /** A check or a poll cycle got no answer at all: after `unresponsiveCycles` of them, reopen the link. */
  private noteUnanswered(detail: string, reason: string): void {
    this.poll.consecutiveFailures++;
    this.poll.lastError = detail;
    logEvent(this.log, "poll.incomplete", {
      cycle: this.poll.cycles,
      failedBatches: 1,
      reasons: [reason],
      detail,
    });
    if (this.poll.consecutiveFailures >= this.options.unresponsiveCycles) {
      logEvent(this.log, "controller.unresponsive", { cycles: this.poll.consecutiveFailures });
      this.poll.consecutiveFailures = 0;
      void this.supervisor.restart("the controller stopped answering");
    }
    this.emit("status");
  }

  private async discover(session: Session): Promise<boolean> {
    const meter = this.busTime();
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
      const definitions = [...regulator.definitions, ...panel.definitions];
      this.store.setDefinitions(definitions);
      const fingerprint = fingerprintOf(definitions);
      if (this.catalogue && !sameFingerprint(this.catalogue, fingerprint)) {
        this.log.info(
          { previous: this.catalogue, fingerprint },
          `the parameter catalogue changed: ${this.catalogue.regulatorCount}+${this.catalogue.panelCount} → ${fingerprint.regulatorCount}+${fingerprint.panelCount} parameters`,
        );
      }
      this.catalogue = fingerprint;
      // Time on the bus, not time spent waiting for the panel to grant the token.
      const figures = meter.finish();
      this.discovery = {
        state: "complete",
        source: "bus",
        lastCompletedAt: this.clock.now(),
        lastDurationMs: figures.busMs,
        lastBusTime: figures,
        regulatorCount: regulator.definitions.length,
        panelCount: panel.definitions.length,
        batches: regulator.batches + panel.batches,
        fingerprint,
        progress: undefined,
        lastError: undefined,
      };
      this.needDiscovery = false;
      // The descriptors are the controller's own; its identity is read by the poll that follows.
      this.verification = "checked";
      this.knownIdentity = undefined;
      logEvent(this.log, "discovery.done", {
        count: this.store.size,
        seconds: Math.round(figures.busMs / 100) / 10,
        tokenWaitSeconds: Math.round(figures.tokenWaitMs / 100) / 10,
        regulatorCount: regulator.definitions.length,
        panelCount: panel.definitions.length,
      });
      this.emit("status");
      return true;
    } catch (error) {
      meter.finish();
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
    const cpuBefore = cpuUsage();
    const meter = this.busTime();
    let changed = 0;
    const countChange = () => {
      changed++;
    };
    this.store.on("change", countChange);
    let regulator: PollOutcome;
    let panel: PollOutcome = { values: 0, batches: 0, failures: [], missing: 0 };
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
    const missing = regulator.missing + panel.missing;
    const cpu = cpuUsage(cpuBefore);
    const figures = meter.finish();
    this.poll.lastDurationMs = figures.elapsedMs;
    this.poll.lastBusTime = figures;
    this.poll.lastCpuMs = (cpu.user + cpu.system) / 1000;
    this.poll.cycles++;
    logEvent(this.log, "poll.cycle", {
      cycle: this.poll.cycles,
      parameters: regulator.values + panel.values,
      changed,
      durationMs: figures.elapsedMs,
      busMs: Math.round(figures.busMs),
      tokenWaitMs: Math.round(figures.tokenWaitMs),
      failedBatches: failures.length,
    });
    if (missing > 0) {
      // Known parameters the devices no longer have: the catalogue shrank (a firmware update).
      this.controllerChanged(
        `${missing} known parameters are no longer served (the devices answered NO_DATA)`,
      );
      this.emit("status");
      return false;
    }
    if (failures.length > 0) {
      this.poll.consecutiveFailures++;
      this.poll.lastError = failures.map((f) => f.message).join("; ");
      logEvent(this.log, "poll.incomplete", {
        cycle: this.poll.cycles,
        failedBatches: failures.length,
        reasons: [...new Set(failures.map((f) => f.reason))],
        detail: this.poll.lastError,
      });
      if (this.verification !== "verified" && failures.some((f) => f.undecodable)) {
        // Values do not parse with the known descriptors: the firmware may have changed. (Line
        // noise or a broken CRC also make a batch garbled; they say nothing about the firmware.)
        this.controllerChanged("the known parameter definitions do not fit the controller's values");
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
    if (!this.identityStillKnown()) {
      this.emit("status");
      return false;
    }
    this.store.markPollComplete();
    this.poll.lastCompletedAt = this.store.lastPollAt;
    this.verification = "verified";
    this.valuesWrong = false;
    // Writes held for the verification may go now, ahead of the alarm read.
    this.writeGate.changed();
    // The first time, the alarm log is read before the data is declared ready, so /api/alarms
    // answers whenever /api/parameters does; after a reconnect it has been read before.
    if (this.alarmsReadAt !== undefined) this.polledSinceConnect = true;
    if (alarmsDue) await this.readAlarms(session);
    this.polledSinceConnect = true;
    this.dataSource = "bus";
    this.emit("status");
    await this.snapshots?.maybeSave(this.store, this.savedAlarms(), this.clock.now());
    return true;
  }

  /**
   * After a complete poll: still the controller the definitions belong to (UID 10, software 0,
   * hardware 1)? A swapped or reflashed controller under the same link is rediscovered.
   */
  private identityStillKnown(): boolean {
    const current = identityOf(this.store);
    if (this.knownIdentity && !sameIdentity(this.knownIdentity, current)) {
      this.controllerChanged(
        `the controller's identity changed (UID ${this.knownIdentity.uid} → ${current.uid}, software ${this.knownIdentity.software} → ${current.software})`,
      );
      this.knownIdentity = current;
      return false;
    }
    this.knownIdentity = current;
    return true;
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

  private savedAlarms(): readonly Alarm[] | undefined {
    return this.alarmsReadAt === undefined ? undefined : this._alarms;
  }

  private async restoreFromSnapshot(): Promise<void> {
    const restored = await this.snapshots?.restore(this.store);
    if (!restored) return;
    this.knownIdentity = restored.identity;
    this.catalogue = restored.fingerprint;
    this.needDiscovery = false;
    this.verification = "pending";
    this.checkCause = "start";
    this.dataSource = "snapshot";
    const ageMs = this.clock.now() - restored.polledAt;
    // An old snapshot still spares the discovery, but its values are not served (see dataState).
    const served = this.dataState() === "stale";
    if (served && restored.alarms) {
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
      fingerprint: restored.fingerprint,
    };
    logEvent(this.log, "snapshot.restored", {
      count: restored.count,
      savedAt: new Date(restored.savedAt).toISOString(),
      ageSeconds: Math.round(ageMs / 100) / 10,
      served,
    });
  }
}
