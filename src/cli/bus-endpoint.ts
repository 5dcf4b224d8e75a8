/**
 * The bus a tool command talks to: the configuration with `--port`/`--baud` applied, the parsed
 * endpoint, and the built-in simulator started when no serial port is set (then the configuration
 * carries the address its panel knows).
 */
import { startDemoSimulation } from "../app/demo-simulation.js";
import type { GatewayConfig } from "../config/index.js";
import { type LoadedConfig, parseSerialPort, type SerialEndpoint } from "../config/index.js";
import type { Simulation } from "../sim/index.js";
import { simTimingSummary } from "../sim/timing.js";
import { createLink } from "../transport/create-link.js";
import type { Link } from "../transport/link.js";
import { busFlagOverrides, printConfigWarnings, printSimulatorNotice } from "./bus-options.js";
import { type CliIo, UsageError } from "./command.js";
import { loadCliConfig } from "./config.js";

export interface CliBus {
  config: GatewayConfig;
  loaded: LoadedConfig;
  endpoint: SerialEndpoint;
  /** The in-process simulator, when no serial port is configured; stop it when done. */
  simulation: Simulation | undefined;
  /** A new link to the bus; `name` labels the simulator's endpoint. */
  createLink(name: string): Link;
}

/** `command` names the command in messages; `doing` says what it does ("scanning"). */
export async function openCliBus(
  values: Record<string, unknown>,
  io: CliIo,
  command: { name: string; doing: string },
): Promise<CliBus> {
  const loaded = loadCliConfig(values, io, busFlagOverrides(values));
  const { config } = loaded;
  const parsed = parseSerialPort(config.serialPort);
  if (!parsed.ok) throw new UsageError(`SERIAL_PORT: ${parsed.problem}`);
  const endpoint = parsed.endpoint;
  if (endpoint.kind === "simulator") printSimulatorNotice(command.name, command.doing, io);
  printConfigWarnings(command.name, loaded.warnings, io);
  let simulation: Simulation | undefined;
  let busConfig = config;
  if (endpoint.kind === "simulator") {
    const demo = await startDemoSimulation(config);
    simulation = demo.simulation;
    busConfig = { ...config, gatewayAddress: demo.gatewayAddress };
    io.stderr.write(`gm3 ${command.name}: ${simTimingSummary(config.simTiming)}
`);
  }
  const sim = simulation;
  return {
    config: busConfig,
    loaded,
    endpoint,
    simulation,
    createLink: (name) =>
      createLink(endpoint, {
        baudRate: config.serialBaudRate,
        attachSimulator: sim ? () => sim.attach(name) : undefined,
      }),
  };
}
