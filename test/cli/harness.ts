/**
 * Runs `gm3` commands against a simulator the test controls: the simulator listens on TCP (like
 * ser2net) and the CLI connects to it through SERIAL_PORT, so the test sees on `sim.bus.log`
 * exactly what the CLI transmitted.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { runCli } from "../../src/cli/main.js";
import { type BusLogEntry, SimTcpServer, Simulation, type SimulationOptions } from "../../src/sim/index.js";
import { FAST_SIM, TEST_GATEWAY_ADDRESS } from "../helpers/sim-gateway.js";

/** A captured output stream (not a TTY: progress comes as plain lines). */
export class Sink extends Writable {
  text = "";
  isTTY = false;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gm3 argv…` in process with its own environment and working directory. */
export async function gm3(
  argv: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<CliResult> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runCli(argv, { stdout, stderr, env, cwd: cwd ?? tmpdir() });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export interface TcpSim {
  sim: Simulation;
  /** `tcp://127.0.0.1:PORT` */
  url: string;
  /** Names of the simulator endpoints that TCP clients got, in order of connection. */
  clients: string[];
  /** The CLI's STATE_DIR (a temporary directory, removed by `stop`). */
  stateDir: string;
  /** Environment for a CLI run against this simulator (fixed address, own state directory). */
  env: Record<string, string>;
  /** Frames (CRC-valid) that any TCP client put on the wire. */
  framesFromClients(): BusLogEntry[];
  stop(): Promise<void>;
}

/** A fast simulator on 127.0.0.1:(free port) that already knows the gateway address 114. */
export async function startTcpSim(options: Partial<SimulationOptions> = {}): Promise<TcpSim> {
  const sim = new Simulation({ ...FAST_SIM, ...options });
  const clients: string[] = [];
  sim.on("attached", (endpoint: { name: string }) => clients.push(endpoint.name));
  sim.start();
  const server = new SimTcpServer(sim, { host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const stateDir = await mkdtemp(join(tmpdir(), "gm3-cli-state-"));
  const url = `tcp://127.0.0.1:${port}`;
  return {
    sim,
    url,
    clients,
    stateDir,
    env: {
      SERIAL_PORT: url,
      GM3_SOURCE_ADDRESS: String(TEST_GATEWAY_ADDRESS),
      STATE_DIR: stateDir,
      RECONNECT_DELAY_MIN: "0.1",
      RECONNECT_DELAY_MAX: "1",
      SERIAL_TIMEOUT: "0.25",
      GM3_TURNAROUND_MS: "2",
      TOKEN_WAIT_TIMEOUT: "2",
    },
    framesFromClients: () => sim.bus.log.frames((_frame, entry) => clients.includes(entry.sender)),
    async stop() {
      await server.close();
      await sim.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Every JSON document of an NDJSON text (one per non-empty line). */
export function parseJsonLines(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}
