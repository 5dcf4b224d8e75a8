/**
 * What the virtual thermostat keeps across restarts, in the state directory (`thermostat.json`):
 * its paired address, the values the panel wrote (raw bytes, hex) and the last room temperature.
 */
import type { StateDirectory } from "../state/state-file.js";
import type { PersistedTemperature } from "./temperature-source.js";

export const THERMOSTAT_STATE_FILE = "thermostat.json";

export interface ThermostatState {
  version: 1;
  /** Paired bus address; null when not paired. */
  address: number | null;
  /** Raw bytes written by the panel, hex, per wire index. */
  written: Record<string, string>;
  temperature: PersistedTemperature | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isThermostatState(value: unknown): value is ThermostatState {
  if (!isRecord(value) || value.version !== 1) return false;
  const { address, written, temperature } = value;
  if (address !== null && !(Number.isInteger(address) && (address as number) > 0)) return false;
  if (!isRecord(written) || !Object.values(written).every((hex) => typeof hex === "string")) return false;
  if (temperature === null) return true;
  return (
    isRecord(temperature) &&
    typeof temperature.value === "number" &&
    typeof temperature.receivedAt === "number" &&
    (temperature.humidity === undefined || typeof temperature.humidity === "number")
  );
}

export function writtenToMap(written: Record<string, string>): Map<number, Buffer> {
  const map = new Map<number, Buffer>();
  for (const [key, hex] of Object.entries(written)) {
    const index = Number(key);
    if (Number.isInteger(index) && index >= 0 && /^([0-9a-f]{2})+$/i.test(hex))
      map.set(index, Buffer.from(hex, "hex"));
  }
  return map;
}

export function writtenToRecord(written: ReadonlyMap<number, Buffer>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [index, bytes] of [...written].sort(([a], [b]) => a - b)) record[index] = bytes.toString("hex");
  return record;
}

export class ThermostatStore {
  constructor(private readonly directory: StateDirectory) {}

  async load(): Promise<ThermostatState | undefined> {
    return this.directory.read(THERMOSTAT_STATE_FILE, isThermostatState);
  }

  async save(state: ThermostatState): Promise<void> {
    await this.directory.write(THERMOSTAT_STATE_FILE, state);
  }
}
