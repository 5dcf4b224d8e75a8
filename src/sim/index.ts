/**
 * The GM3 bus simulator: a virtual RS-485 wire with a controller, a panel, an ecoSTER thermostat and
 * the 0xFFFF poller, built on `src/protocol/` only. See README.md in this folder.
 */
export type { BusLogEntry, BusLogRecord } from "./bus-log.js";
export { BusLog, busLogRecord } from "./bus-log.js";
export {
  RealClock,
  RunawayTimersError,
  type SimClock,
  type TimerHandle,
  VirtualClock,
  type VirtualClockOptions,
} from "./clock.js";
export { type ControllerOptions, SimController, type WriteRecord } from "./controller.js";
export { BusEndpoint, LinkUnpluggedError } from "./endpoint.js";
export { FAULT_SPEC_HELP, FaultSpecError, parseFaultSpec } from "./fault-spec.js";
export { DEFAULT_FAULTS, type FaultCounts, type FaultOptions, Faults, validateFaults } from "./faults.js";
export { CONTROLLER_LIVE_RULES, type LiveRule, THERMOSTAT_LIVE_RULES } from "./live-values.js";
export {
  DEFAULT_ALARMS,
  DEFAULT_CAPS,
  DEFAULT_OPTIONS,
  resolveOptions,
  type SimulationCaps,
  type SimulationOptions,
  SimulationOptionsError,
} from "./options.js";
export { type PanelStats, type PresenceWrite, SimPanel, type ThermostatCopy } from "./panel.js";
export {
  flagOf,
  ParameterSpace,
  type ResponseCap,
  type WriteOutcome,
  type WriteRejection,
} from "./parameter-space.js";
export { type PollerStats, SimPoller } from "./poller.js";
export type { SimLimit, SimParameter, SimProfile } from "./profile/format.js";
export { defaultProfile, defaultProfilePath, loadProfile, ProfileError } from "./profile/load.js";
export { PtyError, SimPty, type SimPtyOptions } from "./pty.js";
export { Random } from "./random.js";
export { Simulation, type SimulationEvents } from "./simulation.js";
export { SimTcpServer, type SimTcpServerOptions } from "./tcp.js";
export { SimThermostat, ThermostatIndex } from "./thermostat.js";
export {
  FIELD_TIMING,
  grantIntervalMs,
  isSimTimingName,
  SIM_TIMING_NAMES,
  SIM_TIMINGS,
  type SimTimingName,
  type SimTimingOverrides,
  simTimingSummary,
} from "./timing.js";
export { BITS_PER_BYTE, type Transceiver, Wire } from "./wire.js";
