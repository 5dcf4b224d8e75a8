/**
 * The gateway core against the simulator at wire speed (115200 baud, 20 ms turnaround, 2 ms device
 * latency): discovery, one full poll cycle and write latency with the token held, each next to its
 * physical floor — the bytes on the wire × 10 / baud, plus one turnaround and one device latency
 * per exchange — and the ratio. Then resident memory after discovery and 10 polls, and CPU per
 * poll, of the gateway in its own process (as deployed), reaching the simulator over TCP.
 *
 * Run: npm run build && npx tsx bench/core.ts
 */

import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayCore } from "../src/gateway/core.js";
import { Command } from "../src/protocol/index.js";
import { type BusLogEntry, SimTcpServer, Simulation } from "../src/sim/index.js";
import { StreamLink } from "../src/transport/stream-link.js";
import { onLogEvents, processCpuMs, processRssMb } from "./child-process.js";

const BAUD = 115_200;
const TURNAROUND_MS = 20;
const DEVICE_LATENCY_MS = 2;
const GATEWAY = 114;
const WRITES = 100;
const POLLS = 10;

const wireMs = (bytes: number) => (bytes * 10 * 1000) / BAUD;
const endOf = (e: BusLogEntry) => e.timeMs + wireMs(e.bytes.length);

/** Floor and measured span of the gateway's exchanges in `entries` (requests from us, replies to us). */
function exchanges(entries: BusLogEntry[]) {
  const ours = entries.filter((e) => e.frame?.source === GATEWAY || e.frame?.destination === GATEWAY);
  const requests = ours.filter((e) => e.frame!.source === GATEWAY && !isTokenReturn(e));
  const replies = ours.filter((e) => e.frame!.destination === GATEWAY && !isGrant(e));
  const bytes = [...requests, ...replies].reduce((sum, e) => sum + e.bytes.length, 0);
  const floorMs = wireMs(bytes) + requests.length * (TURNAROUND_MS + DEVICE_LATENCY_MS);
  const first = requests[0]!;
  const last = replies.at(-1)!;
  // The span starts with the turnaround before the first request.
  const measuredMs = endOf(last) - (first.timeMs - TURNAROUND_MS);
  return { requests: requests.length, bytes, floorMs, measuredMs };
}

function isGrant(e: BusLogEntry) {
  return e.frame?.command === Command.SERVICE && e.frame.payload.readUInt16LE(0) === 0x0801;
}
function isTokenReturn(e: BusLogEntry) {
  return e.frame?.command === Command.SERVICE && e.frame.payload.readUInt16LE(0) === 0x0800;
}

function line(label: string, measuredMs: number, floorMs: number, extra = "") {
  const ratio = measuredMs / floorMs;
  console.log(
    `${label.padEnd(26)} ${measuredMs.toFixed(0).padStart(6)} ms   floor ${floorMs.toFixed(0).padStart(6)} ms   ratio ${ratio.toFixed(3)} ${ratio <= 1.1 ? "(≤ 1.10 ✓)" : "(> 1.10 ✗)"}${extra}`,
  );
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function makeSimulation() {
  return new Simulation({
    baudRate: BAUD,
    wireDelay: true,
    controllerLatencyMs: DEVICE_LATENCY_MS,
    panelLatencyMs: DEVICE_LATENCY_MS,
    registeredGateways: [GATEWAY],
    tokenGrantIntervalMs: 300,
    maxLogEntries: 1_000_000,
  });
}

function makeCore(sim: Simulation, pollIntervalMs: number) {
  return new GatewayCore({
    link: {
      create: () => new StreamLink("sim", "sim://", () => sim.attach("gateway")),
      kind: "sim",
      target: "sim://",
      reconnectDelayMinMs: 1000,
      reconnectDelayMaxMs: 5000,
      silenceTimeoutMs: 30_000,
    },
    sourceAddress: GATEWAY,
    controllerAddress: 1,
    panelAddress: 100,
    turnaroundMs: TURNAROUND_MS,
    responseTimeoutMs: 2000,
    retryAttempts: 3,
    retryBackoffMs: 50,
    tokenRequired: true,
    tokenWaitTimeoutMs: 5000,
    maxTokenHoldMs: 15_000,
    paramsPerRequest: 100,
    discoveryAttemptsPerIndex: 10,
    pollIntervalMs,
    alarmPollCycles: 1_000,
    writeDeadlineMs: 60_000,
    writeRateLimitPerMinute: 0,
    readOnly: false,
    allowPanelWrites: false,
    cacheTtlMs: 60_000,
    cacheMaxSize: 5000,
    stateDir: undefined,
    unresponsiveCycles: 3,
    snapshotIntervalMs: 0,
    tentativeAddressTimeoutMs: 20_000,
    simulator: true,
  });
}

async function main() {
  const sim = makeSimulation();
  sim.start();
  const core = makeCore(sim, 300);
  await core.start();
  await core.waitForData(60_000);
  const log = [...sim.bus.log];

  // Discovery: from the first descriptor request to the last descriptor reply.
  const isStruct = (e: BusLogEntry) =>
    e.frame !== undefined &&
    [
      Command.GET_PARAMS_STRUCT,
      Command.GET_PARAMS_STRUCT_WITH_RANGE,
      Command.GET_PARAMS_STRUCT_RESPONSE,
      Command.GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE,
    ].includes(e.frame.command as never);
  const firstStruct = log.findIndex((e) => isStruct(e) && e.frame!.source === GATEWAY);
  let lastStruct = firstStruct;
  for (let i = firstStruct; i < log.length; i++) {
    const f = log[i]!.frame;
    if (
      f &&
      (isStruct(log[i]!) || f.command === Command.NO_DATA) &&
      (f.source === GATEWAY || f.destination === GATEWAY)
    )
      lastStruct = i;
    if (f?.source === GATEWAY && f.command === Command.GET_PARAMS) break;
  }
  const discovery = exchanges(log.slice(firstStruct, lastStruct + 1));

  // Polls: wait for POLLS more cycles, then take the last one from the log.
  const cyclesBefore = core.status().poll.cycles;
  await waitFor(() => core.status().poll.cycles >= cyclesBefore + 3, 30_000, "poll cycles");
  const pollLog = [...sim.bus.log];
  // The last complete cycle: GET_PARAMS from index 0 to the controller, then every batch up to the next one.
  const cycleStarts = pollLog
    .map((e, i) => ({ e, i }))
    .filter(
      ({ e }) =>
        e.frame?.source === GATEWAY &&
        e.frame.command === Command.GET_PARAMS &&
        e.frame.destination === 1 &&
        e.frame.payload.readUInt16LE(1) === 0,
    );
  const from = cycleStarts.at(-2)!.i;
  const to = cycleStarts.at(-1)!.i;
  const cycleEntries = pollLog
    .slice(from, to)
    .filter(
      (e) => e.frame?.command === Command.GET_PARAMS || e.frame?.command === Command.GET_PARAMS_RESPONSE,
    );
  const poll = exchanges(cycleEntries);

  await core.stop();
  await sim.stop();

  // Writes with the token held on an otherwise idle bus (no poll due): fire each write the
  // moment a grant arrives.
  const writeSim = makeSimulation();
  writeSim.start();
  const writeCore = makeCore(writeSim, 3_600_000);
  await writeCore.start();
  await writeCore.waitForData(60_000);
  const latencies: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    await new Promise<void>((resolve) => {
      writeCore.bus.once("token", ({ holding }) => {
        if (!holding) return resolve();
        const started = performance.now();
        const logFrom = writeSim.bus.log.length;
        writeCore.write({ target: "SummerOn", value: 22 + (i % 8), origin: "bench" }).then(() => {
          latencies.push(performance.now() - started);
          const entries = [...writeSim.bus.log]
            .slice(logFrom)
            .filter(
              (e) =>
                e.frame?.command === Command.MODIFY_PARAM ||
                e.frame?.command === Command.MODIFY_PARAM_RESPONSE ||
                e.frame?.command === Command.GET_PARAMS ||
                e.frame?.command === Command.GET_PARAMS_RESPONSE,
            );
          const write = entries.slice(0, 4);
          const ex = exchanges(write);
          floors.push(ex.floorMs);
          resolve();
        }, resolve);
      });
    });
  }
  latencies.sort((a, b) => a - b);
  floors.sort((a, b) => a - b);

  console.log(
    `GM3 core against the simulator: ${BAUD} baud, turnaround ${TURNAROUND_MS} ms, device latency ${DEVICE_LATENCY_MS} ms, poller on`,
  );
  line(
    "discovery (1,870 params)",
    discovery.measuredMs,
    discovery.floorMs,
    `   ${discovery.requests} exchanges, ${(discovery.bytes / 1024).toFixed(1)} KiB`,
  );
  line(
    "poll cycle (1,870 values)",
    poll.measuredMs,
    poll.floorMs,
    `   ${poll.requests} exchanges, ${(poll.bytes / 1024).toFixed(1)} KiB`,
  );
  line(
    "write p50 (token held)",
    percentile(latencies, 50),
    percentile(floors, 50),
    "   MODIFY + ACK + read-back",
  );
  line("write p95 (token held)", percentile(latencies, 95), percentile(floors, 95));
  console.log(`reference Python gateway on real hardware: discovery 6.6 s, poll 1.3–2 s (PROTOCOL.md §18)`);
  await writeCore.stop();
  await writeSim.stop();
  await measureProcess();
}

/** The gateway as it is deployed: its own process (dist/cli.js serve) on a simulator over TCP. */
async function measureProcess() {
  const sim = makeSimulation();
  sim.start();
  const server = new SimTcpServer(sim, { host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const child = spawn(process.execPath, ["dist/cli.js", "serve"], {
    env: {
      ...process.env,
      SERIAL_PORT: `tcp://127.0.0.1:${port}`,
      GM3_SOURCE_ADDRESS: String(GATEWAY),
      POLL_INTERVAL: "1",
      API_PORT: "0",
      API_HOST: "127.0.0.1",
      LOG_LEVEL: "debug",
      LOG_FORMAT: "json",
      STATE_DIR: join(tmpdir(), `gm3-bench-${process.pid}`),
      MQTT_URL: "",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let exited = false;
  child.once("exit", (code) => {
    exited = true;
    if (code !== 0 && code !== null) console.error(`the gateway process exited with ${code}`);
  });
  const cycles: number[] = [];
  onLogEvents(child.stdout, (line) => {
    if (line.event === "poll.cycle" && line.failedBatches === 0) cycles.push(Date.now());
  });
  const cpuOf = () => processCpuMs(child.pid!);
  const rssOf = () => processRssMb(child.pid!);
  await waitFor(() => cycles.length >= 1 || exited, 90_000, "the first poll of the gateway process");
  if (exited) throw new Error("the gateway process stopped before its first poll");
  const cpuStart = cpuOf();
  const pollsStart = cycles.length;
  await waitFor(() => cycles.length >= pollsStart + POLLS, 90_000, `${POLLS} polls`);
  const cpuPerPoll = (cpuOf() - cpuStart) / (cycles.length - pollsStart);
  const rss = rssOf();
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  await server.close();
  await sim.stop();
  console.log(`gateway process (node dist/cli.js serve, simulator over TCP, POLL_INTERVAL 1 s):`);
  console.log(`  resident memory after discovery and ${POLLS}+ polls: ${rss.toFixed(1)} MB (target ≤ 80 MB)`);
  console.log(`  CPU per poll cycle: ${cpuPerPoll.toFixed(1)} ms (process time between polls, API idle)`);
}

await main();
