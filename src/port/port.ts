/**
 * The port: the one surface the core offers to every bridge (HTTP, WebSocket, MQTT, metrics) and to
 * the views they share. Read models (parameters, status, alarms, data state, write jobs, bus
 * figures), the core's events, and the commands (a write is submitted to the write queue). Bridges
 * import this module and `src/views/`, never `bus/`, the writer, the store or `gateway/` — the
 * types they need are re-exported here. `GatewayCore` implements it; tests may pass a double.
 */
import type { BusStats } from "../bus/stats.js";
import type { GatewayCoreEvents } from "../gateway/core.js";
import type { DataState } from "../gateway/data-state.js";
import type { DataStatus, GatewayStatus } from "../gateway/status.js";
import type { WriteQueue } from "../gateway/write-queue.js";
import type { ParameterStore } from "../store/parameter-store.js";
import type { Clock } from "../util/clock.js";
import type { ThermostatPort } from "./thermostat.js";

export type { BusStats } from "../bus/stats.js";
export type { Alarm } from "../gateway/alarms.js";
export type { BusTimeFigures } from "../gateway/bus-time.js";
export type { GatewayCoreEvents as PortEvents } from "../gateway/core.js";
export type { DataState } from "../gateway/data-state.js";
export type { DataStatus, GatewayStatus } from "../gateway/status.js";
export { WriteError, type WriteFailure } from "../gateway/write-errors.js";
export { FINAL_WRITE_JOB_STATES, type WriteJob, type WriteRequest } from "../gateway/write-job.js";
export type { WaitingFor } from "../gateway/write-queue.js";
export { type ParameterDefinition, parseIndexText } from "../store/definition.js";
export type { ResolvedLimits } from "../store/limits.js";
export type { ParameterChange, ParameterEntry } from "../store/parameter-store.js";

/** The parameters as the bridges read them: definitions, values, limits and the store's events. */
export type ParameterReadModel = Pick<
  ParameterStore,
  | "clock"
  | "size"
  | "get"
  | "indexOfName"
  | "resolve"
  | "all"
  | "isStale"
  | "limitsOf"
  | "lastPollAt"
  | "restoredAt"
  | "firstPollComplete"
  | "on"
  | "off"
>;

/** The write jobs: submitting one (the one command path of every bridge), waiting, reading them back. */
export type WriteJobs = Pick<
  WriteQueue,
  "submit" | "get" | "recent" | "waitForEnd" | "waitingFor" | "expectedSendInMs" | "active" | "on" | "off"
>;

export interface GatewayPort {
  /** The gateway's one source of time: ages and staleness are computed from it. */
  readonly clock: Clock;
  /** Read model: parameter definitions and values, with `change`, `definitions`, `pollComplete`. */
  readonly store: ParameterReadModel;
  /** Read model and command: the write jobs (`ended`, `refused` events). */
  readonly writes: WriteJobs;
  /** Read model: the last alarm log read. */
  readonly alarms: readonly GatewayCoreAlarm[];
  /** Read model: the bus's counters (frames, errors, token). */
  readonly busStats: BusStats;
  /** Read model: requests waiting for the bus, and whether the gateway holds the token. */
  busActivity(): { queueLength: number; holdingToken: boolean };
  status(): GatewayStatus;
  dataReady(): boolean;
  dataStatus(now?: number): DataStatus;
  dataState(now?: number): DataState;
  /**
   * The virtual room thermostat (THERMOSTAT_ENABLED), undefined when disabled: the bridges' view of
   * it (status, the room temperature fed to it, the pairing window).
   */
  readonly thermostat?: ThermostatPort;
  /** The core's events: `status`, `alarms`, `progress`, `token`. */
  on<E extends keyof GatewayCoreEvents>(event: E, listener: (...args: GatewayCoreEvents[E]) => void): unknown;
  off<E extends keyof GatewayCoreEvents>(
    event: E,
    listener: (...args: GatewayCoreEvents[E]) => void,
  ): unknown;
}

type GatewayCoreAlarm = GatewayCoreEvents["alarms"][0][number];

export { type SimTimingName, simTimingSummary } from "../sim/timing.js";
