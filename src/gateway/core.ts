/**
 * The gateway core, the composition root: builds the link, the bus, the address, the store, the
 * writer and the write queue, and hands them to the pieces that do the work — the session loop
 * (`session-loop.ts`: discovery or the controller check, then polling, while the link is up), the
 * state (`gateway-state.ts`: what may be served, when writes may go), the storage
 * (`core-storage.ts`: address and snapshot per bus target) and the wiring (`core-wiring.ts`).
 */
import { EventEmitter } from "node:events";
import pino from "pino";
import { AddressManager } from "../bus/address.js";
import { Gm3Bus } from "../bus/bus.js";
import type { BusStats } from "../bus/stats.js";
import type { Logger } from "../log/index.js";
import { ParameterStore } from "../store/parameter-store.js";
import type { VirtualThermostat } from "../thermostat/virtual-thermostat.js";
import { LinkSupervisor } from "../transport/link-supervisor.js";
import { type Clock, systemClock } from "../util/clock.js";
import type { Alarm } from "./alarms.js";
import { GrantIntervalTracker } from "./bus-time.js";
import { CoreStorage } from "./core-storage.js";
import { CoreThermostat } from "./core-thermostat.js";
import {
  type CoreParts,
  DEFAULT_STALE_DATA_MAX_AGE_MS,
  type GatewayCoreEvents,
  type GatewayCoreOptions,
} from "./core-types.js";
import { setLinkState, wireCoreEvents } from "./core-wiring.js";
import type { DataState } from "./data-state.js";
import { GatewayState } from "./gateway-state.js";
import { LinkWaiters } from "./link-waiters.js";
import { SessionLoop } from "./session-loop.js";
import type { DataStatus, GatewayStatus } from "./status.js";
import { gatewayStatus } from "./status-report.js";
import { waitUntil } from "./status-wait.js";
import { WriteBudget } from "./write-budget.js";
import { WriteGate } from "./write-gate.js";
import type { WriteJob, WriteRequest } from "./write-job.js";
import { WriteQueue } from "./write-queue.js";
import { SafeWriter } from "./writer.js";

export { DEFAULT_STALE_DATA_MAX_AGE_MS, type GatewayCoreEvents, type GatewayCoreOptions };

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
  private readonly state: GatewayState;
  private readonly storage: CoreStorage;
  private readonly room: CoreThermostat;
  private prepared: Promise<void> | undefined;
  private readonly loop: SessionLoop;
  private readonly linkWaiters: LinkWaiters;
  private readonly log: Logger;
  private readonly startedAt: number;
  /** The parts as the pieces see them. */
  private readonly p: CoreParts;

  constructor(private readonly options: GatewayCoreOptions) {
    super();
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.startedAt = clock.now();
    this.log = options.logger ?? pino({ level: "silent" });
    this.store = new ParameterStore({ ttlMs: options.cacheTtlMs, maxSize: options.cacheMaxSize, clock });
    this.supervisor = new LinkSupervisor({
      createLink: options.link.create,
      reconnectDelayMinMs: options.link.reconnectDelayMinMs,
      reconnectDelayMaxMs: options.link.reconnectDelayMaxMs,
      silenceTimeoutMs: options.link.silenceTimeoutMs,
      steadyRetryWindowMs: options.link.steadyRetryWindowMs,
      clock,
    });
    const linkUp = () => this.supervisor.state === "up";
    this.state = new GatewayState({
      store: this.store,
      clock,
      log: this.log,
      link: { kind: options.link.kind, target: options.link.target },
      linkUp,
      staleDataMaxAgeMs: options.staleDataMaxAgeMs ?? DEFAULT_STALE_DATA_MAX_AGE_MS,
    });
    this.address = new AddressManager({
      fixedAddress: options.sourceAddress === "auto" ? undefined : options.sourceAddress,
      tentativeTimeoutMs: options.tentativeAddressTimeoutMs,
      clock,
      persist: (address) => this.storage.persistAddress(address),
    });
    this.bus = new Gm3Bus(this.supervisor, this.address, { ...options, clock });
    this.linkWaiters = new LinkWaiters(clock, linkUp);
    this.writeGate = new WriteGate(() => this.state.writeHoldReason(), clock);
    this.writer = new SafeWriter(this.bus, this.store, {
      controllerAddress: options.controllerAddress,
      panelAddress: options.panelAddress,
      readOnly: options.readOnly,
      allowPanelWrites: options.allowPanelWrites,
      expertWrites: options.expertWrites ?? false,
      clock,
      liveSince: () => (linkUp() ? this.state.linkUpAt : undefined),
      whenLinkUp: (until) => this.linkWaiters.whenUp(until),
    });
    const parts = this.buildParts();
    this.p = parts;
    this.storage = new CoreStorage(parts);
    this.room = new CoreThermostat(parts);
    this.writes = new WriteQueue({
      writer: this.writer,
      clock,
      deadlineMs: options.writeDeadlineMs,
      budget: new WriteBudget(options.writeRateLimitPerMinute, clock),
      acceptBlocked: () => this.state.writeRefusal(),
      // One rule for writes going on the wire (the write gate): a controller verified — identity
      // and a complete poll — since the link came up. Limits and "already held" are checked
      // against those polled values, never against a snapshot or what was read before a link loss.
      sendBlocked: () =>
        !linkUp() ? "link" : this.writeGate.reason() !== undefined ? "first-poll" : undefined,
      nextGrantInMs: () => (this.bus.holdingToken ? 0 : parts.grants.nextInMs(clock.now())),
      logger: this.log,
    });
    this.loop = new SessionLoop(parts);
    wireCoreEvents(parts, {
      loop: this.loop,
      linkWaiters: this.linkWaiters,
      writes: this.writes,
      onStatus: (listener) => this.on("status", listener),
    });
  }

  private buildParts(): CoreParts {
    return {
      options: this.options,
      clock: this.clock,
      log: this.log,
      store: this.store,
      supervisor: this.supervisor,
      address: this.address,
      bus: this.bus,
      writeGate: this.writeGate,
      grants: new GrantIntervalTracker(),
      state: this.state,
      // EventEmitter cannot check a generic event name against its argument list.
      emit: (event, ...args) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args),
      snapshots: () => this.storage.snapshots,
    };
  }

  get alarms(): readonly Alarm[] {
    return this.state.alarms;
  }

  /** The bus's counters, for the bridges (which do not reach the bus itself). */
  get busStats(): BusStats {
    return this.bus.stats;
  }

  /** Requests waiting for the bus and whether the gateway holds the token now. */
  busActivity(): { queueLength: number; holdingToken: boolean } {
    return { queueLength: this.bus.queueLength, holdingToken: this.bus.holdingToken };
  }

  /**
   * The virtual room thermostat (THERMOSTAT_ENABLED), once `prepare()` or `start()` has opened it
   * on this bus's folder; undefined when disabled. The app hands it to the bridges (ThermostatPort).
   */
  get thermostat(): VirtualThermostat | undefined {
    return this.room.thermostat;
  }

  /**
   * Finds this bus's state (address, snapshot, the thermostat's pairing and last temperature)
   * without opening the link; `start()` does it if it was not done. The app calls it before the
   * bridges start, so they are handed the thermostat. Nothing here waits for the bus.
   */
  prepare(): Promise<void> {
    this.prepared ??= (async () => {
      await this.storage.open();
      await this.room.open(this.storage.busState?.directory);
    })();
    return this.prepared;
  }

  /**
   * Finds this bus's state (address, snapshot) and serves the snapshot at once if it is recent, then
   * opens the link. Nothing here waits for the bus.
   */
  async start(): Promise<void> {
    if (this.state.running) return;
    this.state.running = true;
    await this.prepare();
    this.supervisor.start();
    setLinkState(this.p, "connecting");
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
    if (!this.state.running) {
      // Prepared but never started (a bridge failed to start): the thermostat still stops.
      await this.room.stop();
      return;
    }
    this.state.running = false;
    await this.stopWrites();
    this.loop.abort();
    this.writeGate.close("the gateway is stopping");
    await this.bus.close();
    await this.loop.ended();
    await this.supervisor.stop();
    this.address.dispose();
    await this.storage.saveAtStop();
    await this.room.stop();
    setLinkState(this.p, "stopped");
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
   * aborts (a caller that stopped waiting for another reason). With `polled`, values restored from
   * the snapshot do not count: only a complete poll since the link came up (one-shot reads must
   * not print what a previous run saved).
   */
  waitForData(timeoutMs: number, options: { polled?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const ready = () => this.dataReady() && (options.polled !== true || this.state.polledSinceConnect);
    return waitUntil(this, this.clock, ready, timeoutMs, options.signal);
  }

  /** `fresh`, `stale` (served with their age, for at most STALE_DATA_MAX_AGE) or `unavailable`. */
  dataState(now = this.clock.now()): DataState {
    return this.state.dataState(now);
  }

  /** The values may be served (fresh, or stale within STALE_DATA_MAX_AGE): the API answers 200. */
  dataReady(): boolean {
    return this.state.dataReady();
  }

  /** What is served and how it is marked (cheap: HTTP reads ask it on every request). */
  dataStatus(now = this.clock.now()): DataStatus {
    return this.state.dataStatus(this.writeGate.reason(), now);
  }

  status(): GatewayStatus {
    return gatewayStatus(this.p, this.startedAt, this.storage.busState, this.room.health());
  }
}
