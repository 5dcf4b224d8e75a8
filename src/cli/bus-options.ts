/**
 * `--port` and `--baud`, taken by every command that uses a bus (serve, get, set, scan, sniff):
 * they win over SERIAL_PORT/SERIAL_BAUD from the environment and the file, and a bad value is
 * reported as the flag's.
 */
import type { EnvName, LoadConfigOptions } from "../config/index.js";
import type { CliIo, OptionSpec } from "./command.js";

export const busOptions: OptionSpec = { port: { type: "string" }, baud: { type: "string" } };

export const busOptionHelp: Readonly<Record<string, string>> = {
  "--port <url>": "device path, tcp://host:port or sim:// (default: SERIAL_PORT)",
  "--baud <n>": "baud rate (default: SERIAL_BAUD)",
};

export function busFlagOverrides(
  values: Record<string, unknown>,
): Pick<LoadConfigOptions, "overrides" | "overrideNames"> {
  const overrides: Partial<Record<EnvName, string>> = {};
  if (typeof values.port === "string") overrides.SERIAL_PORT = values.port;
  if (typeof values.baud === "string") overrides.SERIAL_BAUD = values.baud;
  return { overrides, overrideNames: { SERIAL_PORT: "--port", SERIAL_BAUD: "--baud" } };
}

/** Configuration warnings on stderr, one line each: tools have no log to put them in. */
export function printConfigWarnings(command: string, warnings: readonly string[], io: CliIo): void {
  for (const warning of warnings) io.stderr.write(`gm3 ${command}: warning: ${warning}\n`);
}

/** Said first, in one line, so nobody takes simulated values for the heat pump's. */
export function printSimulatorNotice(command: string, doing: string, io: CliIo): void {
  io.stderr.write(
    `gm3 ${command}: no serial port configured: ${doing} the built-in simulated heat pump (set SERIAL_PORT or --port for a real one)\n`,
  );
}
