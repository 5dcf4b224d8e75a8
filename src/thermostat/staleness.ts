/**
 * How a stale room temperature is told to people (issue 16 point 4): one sentence for /health and
 * the warning in the log, saying how long nothing came and what the controller is told instead.
 */
import type { ThermostatStatus } from "./virtual-thermostat.js";

function toldWhat(status: ThermostatStatus): string {
  const value = `${status.effective_temperature} °C`;
  const source = status.effective_source;
  if (source.startsWith("backup:"))
    return `${value} from the real ecoSTER at address ${source.slice("backup:".length)} (backup)`;
  if (source === "fallback") return `${value} (THERMOSTAT_STALE_FALLBACK, no reading was ever received)`;
  return `${value}, the last reading`;
}

/** Why the room temperature is stale, for /health and the log; undefined when it is not (or disabled). */
export function staleRoomTemperatureReason(status: ThermostatStatus): string | undefined {
  if (!status.enabled || !status.is_stale) return undefined;
  const since =
    status.age_seconds === null
      ? "no reading received yet"
      : `no reading for ${Math.round(status.age_seconds)} s (THERMOSTAT_MAX_AGE ${status.max_age_seconds} s)`;
  return `room temperature stale: ${since}, the controller is told ${toldWhat(status)}`;
}
