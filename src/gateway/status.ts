/** A snapshot of the gateway's state for /api/status, /health, metrics and the dashboard. */
import type { AddressState } from "../bus/address.js";
import type { BusStats } from "../bus/stats.js";
import type { LinkErrorCode, LinkKind } from "../transport/link.js";
import type { LinkState } from "../transport/link-supervisor.js";

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
  lastDurationMs: number | undefined;
  regulatorCount: number;
  panelCount: number;
  batches: number;
  progress: { space: "regulator" | "panel"; discovered: number } | undefined;
  lastError: string | undefined;
}

export interface PollStatus {
  cycles: number;
  lastCompletedAt: number | undefined;
  lastDurationMs: number | undefined;
  /** CPU time of the last cycle (ms, user + system). */
  lastCpuMs: number | undefined;
  consecutiveFailures: number;
  lastError: string | undefined;
  firstPollComplete: boolean;
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
    stats: BusStats;
  };
  discovery: DiscoveryStatus;
  poll: PollStatus;
  alarms: { lastReadAt: number | undefined; count: number; active: number };
  parameters: { count: number; exposed: number; servingSnapshot: boolean };
  /** All parameters known and fresh enough to serve (HA-COMPAT.md: 503 until then). */
  dataReady: boolean;
}
