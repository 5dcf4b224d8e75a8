/**
 * The bus a tool command talks to: the configuration with `--port`/`--baud` applied, the parsed
 * endpoint, and the built-in simulator started when no serial port is set (then the configuration
 * carries the address its panel knows).
 */
import { startDemoSimulation } from "../app/demo-simulation.js";
import { type EnvName, type GatewayConfig, parseSerialPort, type SerialEndpoint } from "../config/index.js";
import type { Simulation } from "../sim/index.js";
import { simTimingSummary } from "../sim/timing.js";
import { createLink } from "../transport/create-link.js";
import type { Link } from "../transport/link.js";
import { type CliIo, UsageError } from "./command.js";
import { loadCliConfig } from "./config.js";

export interface CliBus {
  config: GatewayConfig;
  endpoint: SerialEndpoint;
  /** The in-process simulator, when no serial port is configured; stop it when done. */
  simulation: Simulation | undefined;
  /** A new link to the bus; `name` labels the simulator's endpoint. */
  createLink(name: string): Link;
}

export async function openCliBus(values: Record<string, unknown>, io: CliIo, doing: string): Promise<CliBus> {
  // The flags win over the environment and the file, and a bad value is reported as the flag's.
  const overrides: Partial<Record<EnvName, string>> = {};
  if (typeof values.port === "string") overrides.SERIAL_PORT = values.port;
  if (typeof values.baud === "string") overrides.SERIAL_BAUD = values.baud;
  const { config } = loadCliConfig(values, io, {
    overrides,
    overrideNames: { SERIAL_PORT: "--port", SERIAL_BAUD: "--baud" },
  });
  const parsed = parseSerialPort(config.serialPort);
  if (!parsed.ok) throw new UsageError(`SERIAL_PORT: ${parsed.problem}`);
  const endpoint = parsed.endpoint;
  let simulation: Simulation | undefined;
  let busConfig = config;
  if (endpoint.kind === "simulator") {
    const demo = await startDemoSimulation(config);
    simulation = demo.simulation;
    busConfig = { ...config, gatewayAddress: demo.gatewayAddress };
    io.stderr.write(
      `${doing} the built-in simulator (no SERIAL_PORT set; ${simTimingSummary(config.simTiming)})\n`,
    );
  }
  const sim = simulation;
  return {
    config: busConfig,
    endpoint,
    simulation,
    createLink: (name) =>
      createLink(endpoint, {
        baudRate: config.serialBaudRate,
        attachSimulator: sim ? () => sim.attach(name) : undefined,
      }),
  };
}
