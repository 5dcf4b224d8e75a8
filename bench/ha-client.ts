/**
 * Issue 16, the Home Assistant check: the econext integration's own API client
 * (custom_components/econext/api.py, run by scripts/ha_thermostat_client.py with Python) against the
 * deployed gateway (`node dist/cli.js serve`, THERMOSTAT_ENABLED=true) on `gm3 sim --pty` at the
 * field cadence, the panel put in pairing mode 45 s after start. Prints each client call's result,
 * then what the controller's circuit 2 room temperature (parameter 327) and the wire show.
 * An instrument: it asserts nothing, and without the integration's source, Python's aiohttp or
 * socat it says what is missing and exits 0.
 *
 * Run: npm run build && npx tsx bench/ha-client.ts [--repo GIT_DIR] [--python python3]
 *      (GIT_DIR: a clone or mirror of LeeNuss/econext; default ../.mirror/LeeNuss+econext/repo)
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { BusLogRecord } from "../src/sim/bus-log.js";
import { onLogEvents } from "./child-process.js";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "cli.js");
const CLIENT = join(ROOT, "scripts", "ha_thermostat_client.py");
const { values } = parseArgs({
  options: {
    repo: { type: "string", default: resolve(ROOT, "..", ".mirror", "LeeNuss+econext", "repo") },
    python: { type: "string", default: "python3" },
  },
});

function missing(what: string): never {
  console.log(`bench/ha-client.ts: not run — ${what}`);
  process.exit(0);
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) missing("dist/cli.js is not built (npm run build)");
  if (spawnSync("socat", ["-V"]).status !== 0) missing("socat is not installed");
  const probe = spawnSync(values.python!, ["-c", "import aiohttp; print(aiohttp.__version__)"], {
    encoding: "utf8",
  });
  if (probe.status !== 0) missing(`${values.python} has no aiohttp (pip install aiohttp)`);
  const dir = mkdtempSync(join(tmpdir(), "gm3-ha-client-"));
  const src = join(dir, "econext");
  const archive = spawnSync(
    "sh",
    [
      "-c",
      `mkdir -p "${src}" && git --git-dir="${values.repo}" archive HEAD custom_components | tar -x -C "${src}"`,
    ],
    { encoding: "utf8" },
  );
  if (archive.status !== 0)
    missing(`cannot read the integration from ${values.repo}: ${archive.stderr.trim()}`);
  const commit = spawnSync("git", ["--git-dir", values.repo!, "log", "-1", "--format=%h %s"], {
    encoding: "utf8",
  }).stdout.trim();
  const manifest = JSON.parse(
    readFileSync(join(src, "custom_components", "econext", "manifest.json"), "utf8"),
  );
  console.log(`integration: LeeNuss/econext ${manifest.version} (${commit}); aiohttp ${probe.stdout.trim()}`);

  const tty = join(dir, "tty");
  const busLog = join(dir, "bus.jsonl");
  const children: ChildProcess[] = [];
  try {
    const sim = spawn(
      process.execPath,
      [CLI, "sim", "--pty", tty, "--pairing", "45:90", "--bus-log", busLog],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(sim);
    let simOut = "";
    sim.stdout!.on("data", (d) => (simOut += d));
    sim.stderr!.on("data", (d) => (simOut += d));
    const simDeadline = Date.now() + 20_000;
    while (!simOut.includes("running")) {
      if (Date.now() > simDeadline || sim.exitCode !== null)
        throw new Error(`gm3 sim did not start: ${simOut}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const simStartedAt = Date.now();
    const port = await freePort();
    const gateway = spawn(process.execPath, [CLI, "serve"], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        SERIAL_PORT: tty,
        API_HOST: "127.0.0.1",
        API_PORT: String(port),
        STATE_DIR: join(dir, "state"),
        THERMOSTAT_ENABLED: "true",
        LOG_FORMAT: "json",
        DASHBOARD_ENABLED: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(gateway);
    const events: string[] = [];
    let listening = false;
    onLogEvents(gateway.stdout!, (line) => {
      if (line.event === "gateway.started" || (line.msg as string | undefined)?.includes("listening"))
        listening = true;
      if (typeof line.event === "string" && line.event.startsWith("thermostat."))
        events.push(`${line.event}: ${line.msg as string}`);
    });
    const base = `http://127.0.0.1:${port}`;
    const upDeadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`${base}/api/thermostat/status`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok || listening) break;
      if (Date.now() > upDeadline || gateway.exitCode !== null) throw new Error("gm3 serve did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(
      `gateway up ${((Date.now() - simStartedAt) / 1000).toFixed(1)} s after the simulator; the panel pairs from 45 s`,
    );
    const client = spawnSync(values.python!, [CLIENT, "--src", src, "--port", String(port)], {
      encoding: "utf8",
      timeout: 150_000,
    });
    console.log("\nthe integration's client (one line per call):");
    process.stdout.write(client.stdout);
    if (client.status !== 0) console.log(`client exited ${client.status}: ${client.stderr.slice(-2000)}`);
    // The controller's copy of the room temperature, as the gateway polls it back.
    let polled: unknown;
    const pollDeadline = Date.now() + 60_000;
    while (Date.now() < pollDeadline) {
      const res = await fetch(`${base}/api/parameters/327`).catch(() => undefined);
      if (res?.ok) {
        polled = ((await res.json()) as { value?: unknown }).value;
        if (polled === 21.7) break;
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
    console.log(
      `\nGET /api/parameters/327 (circuit 2 room temperature, polled from the controller): ${JSON.stringify(polled)}`,
    );
    console.log("gateway log, thermostat events:");
    for (const line of events) console.log(`  ${line}`);
    await stop(gateway);
    await stop(sim);
    const records = readFileSync(busLog, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as BusLogRecord);
    const status = (await Promise.resolve(client.stdout))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { step: string; status?: { bus_address?: number } })
      .find((l) => l.step === "paired")?.status;
    const address = status?.bus_address;
    if (address !== undefined) {
      const asked = records.filter((r) => r.valid && r.source === 100 && r.destination === address).length;
      const answered = records.filter((r) => r.valid && r.source === address).length;
      console.log(
        `wire: the panel sent ${asked} frames to ${address}; the virtual thermostat sent ${answered}`,
      );
    }
  } finally {
    for (const child of children.reverse()) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
