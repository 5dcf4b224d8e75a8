/**
 * `gm3 sim`: runs the simulated heat-pump bus and exposes it over TCP (like ser2net) and/or on a
 * pseudo-terminal (a real tty through socat), until SIGINT/SIGTERM.
 */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { FAULT_SPEC_HELP, FaultSpecError, parseFaultSpec } from "../sim/fault-spec.js";
import type { SimulationOptions } from "../sim/options.js";
import type { Simulation } from "../sim/simulation.js";
import {
  isSimTimingName,
  SIM_TIMING_NAMES,
  SIM_TIMINGS,
  type SimTimingName,
  simTimingSummary,
} from "../sim/timing.js";
import { type CliCommand, type CliIo, ExitCode, UsageError } from "./command.js";

function integer(text: unknown, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (typeof text !== "string" || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer ${min}..${max}, got "${String(text)}"`);
  }
  return value;
}

/** "HOST:PORT" or "PORT" (host 127.0.0.1). */
export function parseTcpAddress(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(":");
  const host = colon === -1 ? "127.0.0.1" : text.slice(0, colon).replace(/^\[|\]$/g, "");
  const port = integer(colon === -1 ? text : text.slice(colon + 1), "--tcp port", 0, 65535);
  if (host === "") throw new UsageError(`--tcp needs HOST:PORT, e.g. 127.0.0.1:8899; got "${text}"`);
  return { host, port };
}

/** `--timing`: field (the default, a real bus's rhythm) or demo. */
export function simTiming(values: Record<string, unknown>): SimTimingName {
  const text = values.timing;
  if (text === undefined) return "field";
  if (!isSimTimingName(text)) {
    throw new UsageError(`--timing must be one of ${SIM_TIMING_NAMES.join(", ")}, got "${String(text)}"`);
  }
  return text;
}

/** `--pairing AFTER[:DURATION]` (seconds): when the panel enters pairing mode, and for how long (default 60 s). */
export function parsePairing(text: string): { afterMs: number; durationMs: number } {
  const [after, duration, ...rest] = text.split(":");
  if (rest.length > 0 || after === undefined || after === "")
    throw new UsageError(`--pairing needs AFTER[:DURATION] in seconds, e.g. 30:60; got "${text}"`);
  return {
    afterMs: integer(after, "--pairing AFTER", 0, 86_400) * 1000,
    durationMs: duration === undefined ? 60_000 : integer(duration, "--pairing DURATION", 1, 3_600) * 1000,
  };
}

/** The simulation's options from the command line: the field defaults unless a flag says otherwise. */
export function simulationOptions(values: Record<string, unknown>): Partial<SimulationOptions> {
  // A long-running simulator keeps a short bus log in memory (--bus-log records all of it).
  const options: Partial<SimulationOptions> = { ...SIM_TIMINGS[simTiming(values)], maxLogEntries: 10_000 };
  if (values.baud !== undefined) options.baudRate = integer(values.baud, "--baud", 300, 4_000_000);
  if (values.seed !== undefined) options.seed = integer(values.seed, "--seed", 0, 2 ** 32 - 1);
  if (values.address !== undefined)
    options.controllerAddress = integer(values.address, "--address", 0, 0xfffe);
  if (values["no-poller"] === true) options.poller = false;
  if (values["no-thermostat"] === true) options.wiredThermostat = false;
  if (values.fast === true) options.wireDelay = false;
  const gateways = (values.gateway as string[] | undefined) ?? [];
  if (gateways.length > 0)
    options.registeredGateways = gateways.map((g) => integer(g, "--gateway", 0, 0xfffe));
  if (typeof values.faults === "string") {
    try {
      options.faults = parseFaultSpec(values.faults);
    } catch (error) {
      if (error instanceof FaultSpecError) throw new UsageError(`--faults: ${error.message}`);
      throw error;
    }
  }
  return options;
}

/** Runs the simulator until `stop` aborts; the CLI ties `stop` to SIGINT/SIGTERM. */
export async function runSimulator(
  values: Record<string, unknown>,
  io: CliIo,
  stop: AbortSignal,
): Promise<number> {
  const tcp = typeof values.tcp === "string" ? parseTcpAddress(values.tcp) : undefined;
  const ptyPath = typeof values.pty === "string" ? values.pty : undefined;
  const pairing = typeof values.pairing === "string" ? parsePairing(values.pairing) : undefined;
  if (!tcp && !ptyPath) {
    throw new UsageError("say where to expose the bus: --tcp 127.0.0.1:PORT and/or --pty PATH");
  }
  // The simulator is loaded only by the commands that run it.
  const { Simulation, SimulationOptionsError, SimTcpServer, SimPty, PtyError } = await import(
    "../sim/index.js"
  );
  let simulation: Simulation;
  try {
    simulation = new Simulation(simulationOptions(values));
  } catch (error) {
    if (error instanceof SimulationOptionsError) throw new UsageError(error.message);
    throw error;
  }
  const server = tcp ? new SimTcpServer(simulation, tcp) : undefined;
  const pty = ptyPath ? new SimPty(simulation, { path: ptyPath }) : undefined;
  const busLog =
    typeof values["bus-log"] === "string" ? await openBusLog(simulation, values["bus-log"]) : undefined;
  let pairingTimer: ReturnType<Simulation["clock"]["setTimeout"]> | undefined;
  const shutdown = async () => {
    simulation.clock.clearTimeout(pairingTimer);
    await server?.close();
    await pty?.stop();
    await simulation.stop();
    await busLog?.close();
  };
  // If the process goes away some other way, do not leave socat behind.
  const onExit = () => pty?.stop();
  process.once("exit", onExit);
  try {
    simulation.start();
    const o = simulation.options;
    io.stdout.write(
      `gm3 sim: simulated ecoMAX360i bus at ${o.baudRate} baud, wire delay ${o.wireDelay ? "on" : "off"}, ` +
        `poller ${o.poller ? "on" : "off"}, seed ${o.seed}\n`,
    );
    io.stdout.write(`gm3 sim: ${simTimingSummary(simTiming(values))}\n`);
    if (o.registeredGateways.length > 0) {
      io.stdout.write(`gm3 sim: the panel knows gateway ${o.registeredGateways.join(", ")}\n`);
    }
    if (!o.wiredThermostat) io.stdout.write("gm3 sim: no wired ecoSTER on the bus\n");
    simulation.panel.on("thermostat-paired", (address) =>
      io.stdout.write(`gm3 sim: the panel paired a thermostat at address ${address}\n`),
    );
    simulation.panel.on("thermostat-rejected", (address, offset) =>
      io.stdout.write(
        `gm3 sim: the panel rejected the thermostat answering from ${address}: its identity differs from an ecoSTER_40's at byte ${offset}\n`,
      ),
    );
    if (pairing) {
      pairingTimer = simulation.clock.setTimeout(() => {
        io.stdout.write(`gm3 sim: the panel is in pairing mode for ${pairing.durationMs / 1000} s\n`);
        simulation.panel.startPairing(pairing.durationMs);
      }, pairing.afterMs);
    }
    if (busLog) io.stdout.write(`gm3 sim: recording every frame to ${busLog.path} (JSON lines)\n`);
    if (server) {
      const bound = await server.listen().catch((error: Error) => {
        throw new UsageError(error.message);
      });
      io.stdout.write(
        `gm3 sim: TCP on ${bound.host}:${bound.port} (connect like ser2net: tcp://${bound.host}:${bound.port})\n`,
      );
    }
    if (pty) {
      await pty.start().catch((error: Error) => {
        throw error instanceof PtyError ? new UsageError(error.message) : error;
      });
      io.stdout.write(`gm3 sim: serial tty at ${pty.path} (open it like a USB adapter)\n`);
    }
    io.stdout.write("gm3 sim: running; stop with Ctrl+C\n");
    if (!stop.aborted)
      await new Promise<void>((resolve) => stop.addEventListener("abort", () => resolve(), { once: true }));
    return ExitCode.OK;
  } finally {
    await shutdown();
    process.off("exit", onExit);
    io.stdout.write("gm3 sim: stopped\n");
  }
}

/** `--bus-log FILE`: every bus-log entry, one JSON line each, as it is recorded. */
async function openBusLog(
  simulation: Simulation,
  path: string,
): Promise<{ path: string; close(): Promise<void> }> {
  const { busLogRecord } = await import("../sim/bus-log.js");
  const file: WriteStream = createWriteStream(path, { flags: "w" });
  try {
    await once(file, "open"); // rejects with the stream's error
  } catch (error) {
    throw new UsageError(`--bus-log: cannot write ${path}: ${(error as Error).message}`);
  }
  const onFrame = (entry: Parameters<typeof busLogRecord>[0]) =>
    file.write(`${JSON.stringify(busLogRecord(entry, simulation.bus.byteTimeMs))}\n`);
  simulation.bus.on("frame", onFrame);
  return {
    path,
    async close() {
      simulation.bus.off("frame", onFrame);
      await new Promise<void>((resolve) => file.end(() => resolve()));
    },
  };
}

export const simCommand: CliCommand = {
  name: "sim",
  summary: "run the simulated heat-pump bus (controller, panel, thermostat, poller) over TCP or a tty",
  usage:
    "[--tcp HOST:PORT] [--pty PATH] [--timing field|demo] [--baud N] [--no-poller] [--no-thermostat] [--pairing AFTER[:DURATION]] [--fast] [--faults SPEC] [--seed N] [--bus-log FILE]",
  optionHelp: {
    "--tcp <host:port>": "serve the bus over TCP, one client = one transceiver (port 0 = any free port)",
    "--pty <path>": "create a pseudo-terminal at PATH (needs socat) that serial tools open like an adapter",
    "--timing <name>":
      "field (default): a real bus's rhythm, the token every ~10 s; demo: the token every panel cycle (~2.6 s)",
    "--baud <n>": "wire speed (default 115200; 38400 also occurs)",
    "--no-poller": "leave out the 0xFFFF poller that sweeps the controller every cycle",
    "--no-thermostat": "leave out the wired ecoSTER at 165 (only thermostats paired later are polled)",
    "--pairing <after[:duration]>":
      "put the panel in pairing mode AFTER seconds from start, for DURATION seconds (default 60): beacons, then IDENTIFY probes in 160–199",
    "--fast": "no wire delay: frames take no time on the wire",
    "--faults <spec>": FAULT_SPEC_HELP,
    "--seed <n>": "seed of every random choice (default 1)",
    "--gateway <address>": "a gateway address the panel already knows (repeatable)",
    "--address <n>": "controller bus address (default 1)",
    "--bus-log <file>":
      "write every frame on the wire to FILE, one JSON line each (time, sender, collided, bytes)",
  },
  options: {
    tcp: { type: "string" },
    pty: { type: "string" },
    baud: { type: "string" },
    "no-poller": { type: "boolean" },
    "no-thermostat": { type: "boolean" },
    pairing: { type: "string" },
    fast: { type: "boolean" },
    faults: { type: "string" },
    seed: { type: "string" },
    gateway: { type: "string", multiple: true },
    address: { type: "string" },
    timing: { type: "string" },
    "bus-log": { type: "string" },
  },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      return await runSimulator(values, io, controller.signal);
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  },
};
