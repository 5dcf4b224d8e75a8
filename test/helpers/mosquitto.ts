/**
 * A real mosquitto broker for tests: started on a free loopback port with a temporary
 * configuration (no persistence, anonymous), stoppable and restartable on the same port.
 * mosquitto is a Debian package (`apt-get install -y mosquitto`; `.ci/run` installs it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CANDIDATES = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"];
const HOST = "127.0.0.1";

export function mosquittoPath(): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      "mosquitto is not installed: the MQTT tests need a real broker (apt-get install -y mosquitto; .ci/run installs it)",
    );
  }
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export class Mosquitto {
  private process: ChildProcess | undefined;
  private output = "";

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<Mosquitto> {
    const dir = await mkdtemp(join(tmpdir(), "gm3-mosquitto-"));
    const broker = new Mosquitto(await freePort(), dir);
    await writeFile(
      join(dir, "mosquitto.conf"),
      [
        `listener ${broker.port} ${HOST}`,
        "allow_anonymous true",
        "persistence false",
        "log_dest stderr",
        "",
      ].join("\n"),
    );
    await broker.run();
    return broker;
  }

  get url(): string {
    return `mqtt://${HOST}:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null;
  }

  /** (Re)starts the broker on its port and waits until it accepts connections. */
  async run(timeoutMs = 10_000): Promise<void> {
    const child = spawn(mosquittoPath(), ["-c", join(this.dir, "mosquitto.conf")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.process = child;
    child.stderr?.on("data", (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    });
    const deadline = Date.now() + timeoutMs;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${this.output}`);
      if (Date.now() > deadline)
        throw new Error(`mosquitto did not listen within ${timeoutMs} ms: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the broker (SIGTERM, then SIGKILL) and waits for it to exit. */
  async halt(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.halt();
    await this.run();
  }

  async stop(): Promise<void> {
    await this.halt();
    await rm(this.dir, { recursive: true, force: true });
  }
}
