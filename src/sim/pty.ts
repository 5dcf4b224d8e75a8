/**
 * The simulated bus on a pseudo-terminal: `socat PTY,link=PATH,raw,echo=0 STDIO` makes a real tty
 * at PATH; the simulator talks through socat's stdin/stdout, so `serialport` (or any serial tool)
 * opens PATH like a USB adapter. Unplugging the link (fault injection) kills socat — the tty
 * disappears, as an unplugged adapter would — and plugging it back creates it again. If socat dies
 * on its own it is restarted while the exposure is running.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { BusEndpoint } from "./endpoint.js";
import type { Simulation } from "./simulation.js";

export interface SimPtyOptions {
  /** Where the tty link is created (e.g. /tmp/gm3-sim-tty). */
  path: string;
  /** socat executable (default "socat", from the Debian package). */
  socatPath?: string;
  /** How long to wait for socat to create the link (default 5 s). */
  startTimeoutMs?: number;
  /** Delay before restarting a socat that exited on its own (default 500 ms). */
  restartDelayMs?: number;
}

/** socat is missing or could not create the tty. */
export class PtyError extends Error {
  override readonly name = "PtyError";
}

export class SimPty {
  private child: ChildProcessWithoutNullStreams | undefined;
  private endpoint: BusEndpoint | undefined;
  private running = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly onUnplugged = () => this.teardown();
  private readonly onPlugged = () => {
    if (this.running) this.spawnSoon(0);
  };
  /** Times socat was started. */
  starts = 0;

  constructor(
    private readonly simulation: Simulation,
    private readonly options: SimPtyOptions,
  ) {
    if (!options.path) throw new RangeError("the pseudo-terminal needs a path for its link");
  }

  get path(): string {
    return this.options.path;
  }

  /** Creates the tty; resolves once PATH exists. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.simulation.faults.on("unplugged", this.onUnplugged);
    this.simulation.faults.on("plugged", this.onPlugged);
    if (!this.simulation.faults.unplugged) await this.spawn();
  }

  /** Kills socat (the tty disappears) and detaches from the bus. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.restartTimer);
    this.simulation.faults.off("unplugged", this.onUnplugged);
    this.simulation.faults.off("plugged", this.onPlugged);
    await this.teardown();
  }

  private spawnSoon(delayMs: number): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.spawn().catch(() => this.spawnSoon(this.options.restartDelayMs ?? 500));
    }, delayMs);
  }

  private async spawn(): Promise<void> {
    if (this.child || !this.running || this.simulation.faults.unplugged) return;
    const { path } = this.options;
    const child = spawn(this.options.socatPath ?? "socat", [`PTY,link=${path},raw,echo=0`, "STDIO"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child = child;
    this.starts++;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
    child.stdin.on("error", () => {}); // socat gone: reported through "exit"
    child.once("exit", () => {
      if (this.child !== child) return;
      this.child = undefined;
      this.endpoint?.destroy();
      this.endpoint = undefined;
      if (this.running && !this.simulation.faults.unplugged)
        this.spawnSoon(this.options.restartDelayMs ?? 500);
    });
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 5_000);
    for (;;) {
      if (existsSync(path)) break;
      const failed = await Promise.race([
        spawnError,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20)),
      ]);
      if (failed) {
        this.child = undefined;
        throw new PtyError(
          `cannot start socat to create ${path}: ${failed.message}. Install it (Debian: apt-get install socat).`,
        );
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill();
        throw new PtyError(`socat did not create the tty ${path}: ${stderr.trim() || "no output"}`);
      }
    }
    const endpoint = this.simulation.attach(`pty:${path}`);
    this.endpoint = endpoint;
    endpoint.on("data", (chunk: Buffer) => {
      if (child.stdin.writable) child.stdin.write(chunk);
    });
    endpoint.on("error", () => {});
    child.stdout.on("data", (chunk: Buffer) => {
      if (!endpoint.destroyed) endpoint.write(chunk);
    });
  }

  private async teardown(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.endpoint?.destroy();
    this.endpoint = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
