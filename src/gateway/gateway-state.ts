/**
 * What the gateway knows about its bus and its data, in one place: the link, discovery, check and
 * poll figures, the alarm log, which controller the descriptors belong to and how far it is
 * verified — and the two decisions made from them: what may be served (`data-state.ts`) and
 * whether a write may go on the wire now (the write gate's one rule).
 */
import { type Logger, logEvent } from "../log/index.js";
import type { ParameterStore } from "../store/parameter-store.js";
import type { LinkKind } from "../transport/link.js";
import type { Clock } from "../util/clock.js";
import type { Alarm } from "./alarms.js";
import type { CheckCause } from "./core-types.js";
import { type DataState, dataStateOf } from "./data-state.js";
import type { CatalogueFingerprint } from "./fingerprint.js";
import type { ControllerIdentity } from "./snapshot.js";
import type { CheckStatus, DataStatus, DiscoveryStatus, LinkStatus, PollStatus } from "./status.js";
import { WriteError } from "./write-errors.js";

export interface GatewayStateOptions {
  store: ParameterStore;
  clock: Clock;
  log: Logger;
  link: { kind: LinkKind; target: string };
  /** The link supervisor's view: whether the link is up now. */
  linkUp: () => boolean;
  staleDataMaxAgeMs: number;
}

export class GatewayState {
  /** start() ran and stop() has not begun. */
  running = false;
  linkStatus: LinkStatus;
  /** When the link last came up; values read since are the live controller's. */
  linkUpAt: number | undefined;
  discovery: DiscoveryStatus = {
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
  poll: PollStatus = {
    cycles: 0,
    lastCompletedAt: undefined,
    lastDurationMs: undefined,
    lastBusTime: undefined,
    lastCpuMs: undefined,
    consecutiveFailures: 0,
    lastError: undefined,
    firstPollComplete: false,
  };
  check: CheckStatus = { state: "pending", lastAt: undefined, lastBusTime: undefined, lastResult: undefined };
  alarms: Alarm[] = [];
  alarmsReadAt: number | undefined;
  lastTokenGrantAt: number | undefined;
  /** Identity the current definitions and values belong to. */
  knownIdentity: ControllerIdentity | undefined;
  /** Fingerprint of the current definitions. */
  catalogue: CatalogueFingerprint | undefined;
  /** Definitions must be (re)read before trusting the store's structure. */
  needDiscovery = true;
  /**
   * How far the controller on this link session is known to be the one the definitions belong to:
   * `pending` (not checked), `checked` (identity and the ends of the spaces match; the first poll
   * with the known types is still to come) or `verified` (that poll was complete too).
   */
  verification: "pending" | "checked" | "verified" = "pending";
  checkCause: CheckCause = "start";
  /** The store's values are known to be wrong (another controller, a changed catalogue) until a new complete poll. */
  valuesWrong = false;
  /** Where the values in the store come from. */
  dataSource: "bus" | "snapshot" | undefined;
  /** Discoveries failed in a row; spaces out the next attempts. */
  discoveryFailures = 0;
  /** A complete poll of the verified controller has been stored since the link last came up. */
  polledSinceConnect = false;

  constructor(private readonly options: GatewayStateOptions) {
    this.linkStatus = {
      kind: options.link.kind,
      target: options.link.target,
      state: "stopped",
      since: options.clock.now(),
      lastError: undefined,
      reconnects: 0,
    };
  }

  get staleDataMaxAgeMs(): number {
    return this.options.staleDataMaxAgeMs;
  }

  /** The alarm log as last read, for the snapshot (undefined: never read). */
  savedAlarms(): readonly Alarm[] | undefined {
    return this.alarmsReadAt === undefined ? undefined : this.alarms;
  }

  /** The values in the store are not this controller's (or not in this catalogue's places): read again. */
  controllerChanged(reason: string): void {
    logEvent(this.options.log, "controller.changed", { reason });
    this.needDiscovery = true;
    this.valuesWrong = true;
    this.verification = "pending";
  }

  /** When the values were last read completely: the last complete poll, else the snapshot's. */
  dataAsOf(): number | undefined {
    const { store } = this.options;
    return store.lastPollAt ?? store.restoredAt;
  }

  /**
   * `fresh`, `stale` (the last complete values, served with their age while they cannot be
   * refreshed, for at most STALE_DATA_MAX_AGE) or `unavailable` — see `data-state.ts`.
   */
  dataState(now = this.options.clock.now()): DataState {
    return dataStateOf({
      now,
      maxStaleMs: this.staleDataMaxAgeMs,
      linkUp: this.options.linkUp(),
      // A complete picture: values from the snapshot, or a complete poll and the alarm read after it.
      haveValues:
        this.options.store.size > 0 &&
        !this.valuesWrong &&
        this.dataSource !== undefined &&
        this.dataAsOf() !== undefined,
      polledSinceConnect: this.polledSinceConnect,
      asOf: this.dataAsOf(),
    });
  }

  /** The values may be served (fresh, or stale within STALE_DATA_MAX_AGE): the API answers 200. */
  dataReady(): boolean {
    return this.dataState() !== "unavailable";
  }

  /**
   * A write is accepted while there is data to check it against and the link is up (values from a
   * snapshot count: the job is checked again against polled values before it is sent). With the
   * link down it is refused — nobody knows when the bus comes back — while jobs already accepted
   * wait for it, up to their deadline.
   */
  writeRefusal(): WriteError | undefined {
    if (!this.options.linkUp())
      return new WriteError("link-down", "the bus link is down; nothing was queued or sent");
    if (!this.dataReady()) {
      return new WriteError(
        "not-ready",
        "the parameters are not known yet (discovery and the first poll are running); nothing was queued or sent",
      );
    }
    return undefined;
  }

  /** The one rule for writes going on the wire: only to a controller verified since the link came up. */
  writeHoldReason(): string | undefined {
    if (!this.running) return "the gateway is stopping";
    if (!this.options.linkUp()) return `the bus link to ${this.options.link.target} is down`;
    if (this.needDiscovery || this.discovery.state === "running")
      return "the parameters are being read again";
    if (this.verification === "verified") return undefined;
    if (this.checkCause === "start" && this.dataSource === "snapshot") {
      const savedAt = this.options.store.restoredAt;
      return `waiting for the first poll after start; values are from the snapshot of ${
        savedAt === undefined ? "a previous run" : new Date(savedAt).toISOString()
      }`;
    }
    return "waiting until the controller is verified after the reconnect (its identity and a complete poll)";
  }

  /** What is served and how it is marked (cheap: HTTP reads ask it on every request). */
  dataStatus(writesHeldBy: string | undefined, now = this.options.clock.now()): DataStatus {
    const state = this.dataState(now);
    const asOf = this.dataAsOf();
    const maxAge = this.staleDataMaxAgeMs;
    return {
      state,
      source: state === "unavailable" ? undefined : this.dataSource,
      asOf: state === "unavailable" ? undefined : asOf,
      staleMaxAgeMs: maxAge,
      servedUntil: state === "stale" && asOf !== undefined ? asOf + maxAge : undefined,
      withheld:
        state !== "unavailable" || this.options.store.size === 0
          ? undefined
          : this.valuesWrong
            ? "changed"
            : asOf !== undefined && maxAge > 0
              ? "too-old"
              : undefined,
      verification: this.verification,
      writesHeldBy,
    };
  }
}
