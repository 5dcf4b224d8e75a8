/**
 * What a bridge sees of the virtual room thermostat (issue 16): its state, the room temperature
 * it is given, and the pairing window. The app hands the gateway's VirtualThermostat to every
 * bridge through this view; a gateway without one passes `undefined` and the bridges report the
 * thermostat disabled.
 */
import type { VirtualThermostat } from "../thermostat/virtual-thermostat.js";

export type ThermostatPort = Pick<
  VirtualThermostat,
  "enabled" | "status" | "acceptTemperature" | "startPairing"
>;

export type {
  AcceptedReading,
  EffectiveSource,
  StartPairingResult,
  ThermostatStatus,
} from "../thermostat/index.js";
export {
  isValidTemperature,
  PAIRING_WINDOW_MS,
  type PairingState,
  TEMPERATURE_RANGE,
} from "../thermostat/index.js";
