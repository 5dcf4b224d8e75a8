/**
 * HTTP load on the API while the gateway polls the simulator: autocannon (in its own process, so
 * it does not share the gateway's event loop) at 50 connections on 127.0.0.1 against
 * GET /api/parameters (all ~1,800 parameters; plain and gzip) and GET /api/parameters/{name}.
 *
 * Prints, per run: req/s, p50/p99/max latency as autocannon saw them (against the targets: full
 * list p99 ≤ 15 ms, one parameter p99 ≤ 2 ms), and the gateway's own CPU time per request, net of
 * what polling costs meanwhile — the figure that does not depend on how busy the load generator
 * or the rest of the machine is. A bare Fastify route on the same machine is the baseline.
 * Asserts nothing.
 *
 *   npx tsx bench/http.ts [seconds per run, default 10] [autocannon workers, default 1]
 */

import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { cpuUsage } from "node:process";
import Fastify from "fastify";
import { createLogger } from "../src/log/index.js";
import { startSimApi } from "../test/helpers/sim-api.js";

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const IDLE_SECONDS = 3;
const seconds = Number(process.argv[2] ?? 10);
const workers = Number(process.argv[3] ?? 1);

interface Run {
  label: string;
  path: string;
  headers?: Record<string, string>;
  targetP99Ms?: number;
  /** Default: 50. */
  connections?: number;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  throughput: { average: number };
  errors: number;
  non2xx: number;
}

const autocannonBin = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

function autocannon(
  url: string,
  headers: Record<string, string>,
  runSeconds: number,
  connections = CONNECTIONS,
): Promise<AutocannonResult> {
  const args = [autocannonBin, "-j", "-c", String(connections), "-d", String(runSeconds)];
  if (workers > 1) args.push("-w", String(workers));
  for (const [key, value] of Object.entries(headers)) args.push("-H", `${key}=${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`autocannon exited with ${code}`));
      else resolve(JSON.parse(out) as AutocannonResult);
    });
  });
}

const cpuMs = () => {
  const { user, system } = cpuUsage();
  return (user + system) / 1000;
};

/** CPU the process spends per ms of wall time when nobody calls the API (polling the simulator). */
async function idleCpuPerMs(): Promise<number> {
  const cpu = cpuMs();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  return (cpuMs() - cpu) / (performance.now() - started);
}

const header =
  `${"".padEnd(48)} ${"req/s".padStart(7)} ${"MB/s".padStart(6)} ${"p50 ms".padStart(7)} ` +
  `${"p99 ms".padStart(7)} ${"max ms".padStart(7)} ${"CPU µs/req".padStart(10)}  target p99`;

async function measure(label: string, url: string, run: Omit<Run, "label" | "path">, idle: number) {
  await autocannon(url, run.headers ?? {}, WARMUP_SECONDS, run.connections);
  const cpu = cpuMs();
  const started = performance.now();
  const result = await autocannon(url, run.headers ?? {}, seconds, run.connections);
  const wall = performance.now() - started;
  const netCpuMs = cpuMs() - cpu - idle * wall;
  const perRequestUs = (netCpuMs * 1000) / Math.max(1, result.requests.total);
  const target =
    run.targetP99Ms === undefined
      ? ""
      : `≤ ${run.targetP99Ms} ms ${result.latency.p99 <= run.targetP99Ms ? "met" : "MISSED"}`;
  console.log(
    `${label.padEnd(48)} ${result.requests.average.toFixed(0).padStart(7)} ` +
      `${(result.throughput.average / 1e6).toFixed(1).padStart(6)} ${result.latency.p50.toFixed(1).padStart(7)} ` +
      `${result.latency.p99.toFixed(1).padStart(7)} ${result.latency.max.toFixed(0).padStart(7)} ` +
      `${perRequestUs.toFixed(0).padStart(10)}  ${target}` +
      (result.non2xx + result.errors > 0 ? `  (${result.non2xx} non-2xx, ${result.errors} errors)` : ""),
  );
}

async function main(): Promise<void> {
  const gw = await startSimApi({
    env: { POLL_INTERVAL: "1" },
    // Link and poll trouble under load is worth seeing.
    logger: createLogger({ logLevel: "warn", logFormat: "pretty" }, process.stderr),
    // The bus at its real speed with drifting values: every poll changes values and rebuilds the body.
    sim: { wireDelay: true, liveValues: true },
  });
  const address = await gw.app.listen({ host: "127.0.0.1", port: 0 });
  const full = await gw.app.inject({ method: "GET", url: "/api/parameters" });
  console.log(
    `gateway on ${address}: ${Object.keys(full.json().parameters).length} parameters, ` +
      `${(full.rawPayload.length / 1024).toFixed(0)} KiB per full list; polling the simulator every ` +
      `${gw.config.pollIntervalMs / 1000} s + the poll (wire at 115200 baud, values drifting)`,
  );
  console.log(
    `${availableParallelism()} CPUs, load average ${loadavg()[0]?.toFixed(2)}; autocannon: ${CONNECTIONS} connections, ` +
      `${workers} worker(s), ${seconds} s per run after ${WARMUP_SECONDS} s warm-up\n`,
  );
  const idle = await idleCpuPerMs();
  console.log(`polling alone: ${(idle * 100).toFixed(1)} % of a CPU (subtracted below)\n`);
  console.log(header);
  const runs: Run[] = [
    { label: "GET /api/parameters", path: "/api/parameters", targetP99Ms: 15 },
    {
      label: "GET /api/parameters (Accept-Encoding: gzip)",
      path: "/api/parameters",
      headers: { "accept-encoding": "gzip, deflate" },
      targetP99Ms: 15,
    },
    { label: "GET /api/parameters/HDWTSetPoint", path: "/api/parameters/HDWTSetPoint", targetP99Ms: 2 },
    {
      label: "GET /api/parameters/PID_comp%2C_min_control",
      path: "/api/parameters/PID_comp%2C_min_control",
      targetP99Ms: 2,
    },
    // Home Assistant's pattern: one client, one request at a time.
    { label: "GET /api/parameters, 1 connection (as HA)", path: "/api/parameters", connections: 1 },
    {
      label: "GET /api/parameters/HDWTSetPoint, 1 connection",
      path: "/api/parameters/HDWTSetPoint",
      connections: 1,
    },
  ];
  const pollsBefore = gw.core.status().poll.cycles;
  const buildsBefore = gw.app.gm3Api.view.buildCount;
  for (const run of runs) await measure(run.label, `${address}${run.path}`, run, idle);
  const after = gw.core.status();
  console.log(
    `\n(${after.poll.cycles - pollsBefore} polls and ${gw.app.gm3Api.view.buildCount - buildsBefore} body rebuilds ` +
      `during the runs; link reconnects ${after.link.reconnects}, bus timeouts ${after.bus.stats.timeouts}, ` +
      `failed requests ${JSON.stringify(after.bus.stats.failures)})`,
  );
  await gw.close();

  // Baseline: what this machine and autocannon do with a bare Fastify route and no gateway.
  const app = Fastify({ logger: false });
  app.get("/", (_request, reply) => {
    reply.type("application/json; charset=utf-8").send('{"index":103,"value":46}');
  });
  const bare = await app.listen({ host: "127.0.0.1", port: 0 });
  await measure("baseline: bare Fastify, tiny JSON, no gateway", bare, {}, 0);
  await app.close();

  // The floor: Node's own http server handing out constant buffers (no framework, no gateway),
  // one of the full list's size and one tiny — what this machine allows at 50 connections at all.
  const fullBody = Buffer.alloc(full.rawPayload.length, 0x20);
  const tinyBody = Buffer.from('{"index":103,"value":46}');
  const raw = createServer((request, response) => {
    const body = request.url === "/full" ? fullBody : tinyBody;
    response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    response.end(body);
  });
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  await measure(
    `floor: bare node:http, constant ${(full.rawPayload.length / 1024).toFixed(0)} KiB`,
    `${rawUrl}/full`,
    {},
    0,
  );
  await measure("floor: bare node:http, tiny JSON", `${rawUrl}/tiny`, {}, 0);
  await new Promise((resolve) => raw.close(resolve));
}

await main();
