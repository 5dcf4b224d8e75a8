/** A snapshot of the gateway's state for /api/status, /health, metrics and the dashboard. */
import type { AddressState } from "../bus/address.js";
import type { BusStats } from "../bus/stats.js";
import type { LinkErrorCode, LinkKind } from "../transport/link.js";
import type { LinkState } from "../transport/link-supervisor.js";
import type { BusTimeFigures, GrantIntervals } from "./bus-time.js";
import type { DataState } from "./data-state.js";
import type { CatalogueFingerprint } from "./fingerprint.js";

export interface LinkStatus {
  kind: LinkKind;
  target: string;
  state: LinkState;
  /** When the link last changed state (ms since epoch). */
  since: number;
  lastError: { code: LinkErrorCode; message: string; hint?: string } | undefined;
  /** Times it was reopened after being up. */
  reconnects: number;
}

export interface DiscoveryStatus {
  state: "pending" | "running" | "complete" | "failed";
  /** Where the current definitions came from. */
  source: "bus" | "snapshot" | undefined;
  lastCompletedAt: number | undefined;
  /** Bus time of the last discovery (token waits excluded). */
  lastDurationMs: number | undefined;
  /** Bus time, token wait, exchanges and wire floor of the last discovery. */
  lastBusTime: BusTimeFigures | undefined;
  regulatorCount: number;
  panelCount: number;
  batches: number;
  /** Of the current definitions (from the bus or the snapshot). */
  fingerprint: CatalogueFingerprint | undefined;
  progress: { space: "regulator" | "panel"; discovered: number } | undefined;
  lastError: string | undefined;
}

export interface PollStatus {
  cycles: number;
  lastCompletedAt: number | undefined;
  /** Wall time of the last cycle, the wait for the token included. */
  lastDurationMs: number | undefined;
  /** Bus time, token wait, exchanges and wire floor of the last cycle. */
  lastBusTime: BusTimeFigures | undefined;
  /** CPU time of the last cycle (ms, user + system). */
  lastCpuMs: number | undefined;
  consecutiveFailures: number;
  lastError: string | undefined;
  firstPollComplete: boolean;
}

/** The check that the controller is still the known one, after a reconnect or a start from the snapshot. */
export interface CheckStatus {
  state: "pending" | "running" | "passed" | "changed";
  lastAt: number | undefined;
  lastBusTime: BusTimeFigures | undefined;
  /** "same controller", what changed, or why it got no answer. */
  lastResult: string | undefined;
}

/** What the API serves, and how it is marked (see data-state.ts). */
export interface DataStatus {
  state: DataState;
  /** Where the served values come from; undefined when none are served. */
  source: "bus" | "snapshot" | undefined;
  /** When the served values were read completely (ms since epoch). */
  asOf: number | undefined;
  /** STALE_DATA_MAX_AGE. */
  staleMaxAgeMs: number;
  /** While stale: when the values stop being served. */
  servedUntil: number | undefined;
  /**
   * While unavailable although values are held: `too-old` (older than STALE_DATA_MAX_AGE) or
   * `changed` (another controller or catalogue: they are not its values).
   */
  withheld: "too-old" | "changed" | undefined;
  /** How far the controller on this link session is known to be the one the values belong to. */
  verification: "pending" | "checked" | "verified";
  /** Why a write would wait now (undefined: it would go out at the next grant). */
  writesHeldBy: string | undefined;
}

export interface GatewayStatus {
  startedAt: number;
  simulator: boolean;
  readOnly: boolean;
  /** EXPERT_WRITES: service parameters (src/catalog/expert-parameters.json) may be written. */
  expertWrites: boolean;
  link: LinkStatus;
  bus: {
    address: number | undefined;
    addressState: AddressState;
    tokenRequired: boolean;
    holdingToken: boolean;
    lastTokenGrantAt: number | undefined;
    waitingForTokenSince: number | undefined;
    queueLength: number;
    /** Time between token grants to the gateway, as observed. */
    grantIntervals: GrantIntervals;
    stats: BusStats;
  };
  /** This bus's folder in STATE_DIR; undefined without one. */
  state: { folder: string; target: string; basis: string } | undefined;
  discovery: DiscoveryStatus;
  check: CheckStatus;
  poll: PollStatus;
  alarms: { lastReadAt: number | undefined; count: number; active: number };
  parameters: { count: number; exposed: number; servingSnapshot: boolean };
  data: DataStatus;
  /** The values may be served, fresh or stale (HA-COMPAT.md: 503 otherwise). */
  dataReady: boolean;
  /** The virtual room thermostat, when THERMOSTAT_ENABLED: whether its room temperature is stale, and why. */
  thermostat?: { staleReason: string | undefined };
}
