/**
 * The two processes of the field bench, each as a user starts it: the simulator
 * (`node dist/cli.js sim --pty …`) and the gateway (`node dist/cli.js serve`), with their log
 * events timed as they arrive, and a stop that always ends them (SIGTERM, then SIGKILL).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { type LogEvent, onLogEvents } from "../child-process.js";
import { sleep } from "./timing.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "dist", "cli.js");
const STOP_GRACE_MS = 10_000;

export interface TimedEvent {
  /** Date.now() when the line arrived. */
  at: number;
  line: LogEvent;
}

export interface Running {
  child: ChildProcess;
  /** Date.now() just before spawn(). */
  spawnedAt: number;
  exited: Promise<void>;
  /** The last lines of its output, for an error message. */
  tail: string[];
}

export interface Gateway extends Running {
  events: TimedEvent[];
  url: string;
}

const running = new Set<Running>();

function track(child: ChildProcess, spawnedAt: number): Running {
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString().split("\n").filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const proc: Running = { child, spawnedAt, exited, tail };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface SimOptions {
  pty: string;
  busLog: string;
  faults: string | undefined;
}

/** `gm3 sim --pty PATH --timing field --bus-log FILE [--faults …]`, once its tty exists. */
export async function startSim(options: SimOptions): Promise<Running> {
  const args = [CLI, "sim", "--pty", options.pty, "--timing", "field", "--bus-log", options.busLog];
  if (options.faults) args.push("--faults", options.faults);
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const sim = track(child, spawnedAt);
  child.stdout?.on("data", (chunk: Buffer) => {
    sim.tail.push(...chunk.toString().split("\n").filter(Boolean));
  });
  const deadline = Date.now() + 15_000;
  while (!existsSync(options.pty)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the simulator did not create ${options.pty}:\n${sim.tail.join("\n")}`);
    }
    await sleep(20);
  }
  return sim;
}

export interface GatewayOptions {
  pty: string;
  stateDir: string;
  port: number;
}

/** `node dist/cli.js serve` with SERIAL_PORT=the pty, its own STATE_DIR, JSON logs, 127.0.0.1:port. */
export function startGateway(options: GatewayOptions): Gateway {
  const env = {
    ...process.env,
    SERIAL_PORT: options.pty,
    STATE_DIR: options.stateDir,
    API_HOST: "127.0.0.1",
    API_PORT: String(options.port),
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    MQTT_URL: "",
  };
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [CLI, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  const gateway: Gateway = {
    ...track(child, spawnedAt),
    events: [],
    url: `http://127.0.0.1:${options.port}`,
  };
  if (child.stdout) onLogEvents(child.stdout, (line) => gateway.events.push({ at: Date.now(), line }));
  return gateway;
}

/** The first event named `name` (at or after `since`), if it came. */
export function eventAfter(gateway: Gateway, name: string, since = 0): TimedEvent | undefined {
  return gateway.events.find((e) => e.line.event === name && e.at >= since);
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
export async function stop(proc: Running): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), STOP_GRACE_MS);
  await proc.exited;
  clearTimeout(timer);
}

/** Ends every process still running (on exit, also after an error). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => stop(proc)));
}
