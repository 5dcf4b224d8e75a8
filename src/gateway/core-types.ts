/**
 * What the gateway core is built from and offers: its options, its events, and the parts its
 * pieces (the session loop, the state, the start from the snapshot) share.
 */
import type { AddressManager } from "../bus/address.js";
import type { BusOptions, Gm3Bus } from "../bus/bus.js";
import type { Logger } from "../log/index.js";
import type { ParameterStore } from "../store/parameter-store.js";
import type { Link, LinkKind } from "../transport/link.js";
import type { LinkSupervisor } from "../transport/link-supervisor.js";
import type { Clock } from "../util/clock.js";
import type { Alarm } from "./alarms.js";
import type { GrantIntervalTracker } from "./bus-time.js";
import type { GatewayState } from "./gateway-state.js";
import type { SnapshotKeeper } from "./snapshot-keeper.js";
import type { WriteGate } from "./write-gate.js";

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
  /** The virtual room thermostat (THERMOSTAT_*); undefined or `enabled: false`: none on the bus. */
  thermostat?: { enabled: boolean; maxAgeMs: number; staleFallback: number };
  logger?: Logger;
}

export interface GatewayCoreEvents {
  /** Link, token, discovery or poll state changed (not for every statistic). */
  status: [];
  alarms: [alarms: Alarm[]];
  /** Discovery progress, for a progress bar. */
  progress: [progress: { space: "regulator" | "panel"; discovered: number }];
  /** The bus took (`holding`) or gave back the token. */
  token: [token: { holding: boolean }];
}

/** Why the controller on the current link session has to be checked again. */
export type CheckCause = "start" | "reconnect";

/** The parts of the core its pieces work with (built once by GatewayCore, the composition root). */
export interface CoreParts {
  readonly options: GatewayCoreOptions;
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: ParameterStore;
  readonly supervisor: LinkSupervisor;
  readonly address: AddressManager;
  readonly bus: Gm3Bus;
  readonly writeGate: WriteGate;
  readonly grants: GrantIntervalTracker;
  readonly state: GatewayState;
  /** Emits one of the core's events. */
  emit<K extends keyof GatewayCoreEvents>(event: K, ...args: GatewayCoreEvents[K]): void;
  /** The snapshot keeper, once start() has found the bus's state folder. */
  snapshots(): SnapshotKeeper | undefined;
}
