/**
 * The path users run, at the field cadence over a pty: the simulator in its own process
 * (`node dist/cli.js sim --pty PATH --timing field --bus-log FILE --faults unplug=…`, the panel
 * granting the token every ~10 s) and the gateway as deployed (`node dist/cli.js serve`,
 * SERIAL_PORT=the pty, its own cold STATE_DIR, HTTP on 127.0.0.1). Prints one block:
 *
 * 1. discovery: spawn → first 200 of /api/parameters (cold STATE_DIR: the address claim included),
 *    discovery bus time / wire floor (from /api/status);
 * 2. poll bus time / floor over the polls seen (idle, during the writes, after the restarts);
 * 3. writes: N HTTP writes at random moments MIN–MAX s apart (seeded), three parameters the
 *    simulator never moves, alternating values, each followed to its end; end-to-end p50/p95, success
 *    rate, outcomes, MODIFY_PARAM frames from the gateway on the wire (bus log) vs writes sent;
 * 4. recovery: the sim unplugs its tty once (`unplug=AT:DURATION`); link back → data fresh, against
 *    the grant interval + 2 s;
 * 5. restarts from the snapshot: SIGTERM, spawn again on the same STATE_DIR; spawn → listening,
 *    spawn → first 200 (target ≤ 1 s), spawn → fresh.
 * Asserts nothing; every wait is bounded; processes and temporary files are removed on exit.
 *
 *   npm run build && npx tsx bench/field.ts [--writes 50] [--gap-min 1] [--gap-max 15]
 *        [--unplug-at 150] [--unplug-for 20] [--restarts 3] [--seed 13]
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Random } from "../src/sim/random.js";
import { countModifyFrames } from "./field/bus-log.js";
import { request, type Status } from "./field/http.js";
import {
  CLI,
  eventAfter,
  freePort,
  type Gateway,
  startGateway,
  startSim,
  stop,
  stopAll,
} from "./field/processes.js";
import { StatusSampler } from "./field/sampler.js";
import { percentile, seconds, sleep, waitFor } from "./field/timing.js";
import { runWrites, type WriteResult, writeTarget } from "./field/writes.js";

const { values: args } = parseArgs({
  options: {
    writes: { type: "string", default: "50" },
    "gap-min": { type: "string", default: "1" },
    "gap-max": { type: "string", default: "15" },
    "unplug-at": { type: "string", default: "150" },
    "unplug-for": { type: "string", default: "20" },
    restarts: { type: "string", default: "3" },
    seed: { type: "string", default: "13" },
  },
});
const WRITES = Number(args.writes);
const GAP = { minMs: Number(args["gap-min"]) * 1000, maxMs: Number(args["gap-max"]) * 1000 };
const UNPLUG_AT_MS = Number(args["unplug-at"]) * 1000;
const UNPLUG_FOR_MS = Number(args["unplug-for"]) * 1000;
const RESTARTS = Number(args.restarts);
const SEED = Number(args.seed);
/** Writable, and never moved by the simulator itself (test/integration/write-jobs.test.ts). */
const WRITE_PARAMETERS = ["HDWTSetPoint", "SummerOn", "SummerOff"];
/** The first registration on a new bus can take 2–3 minutes (docs/troubleshooting.md). */
const DISCOVERY_TIMEOUT_MS = 240_000;
/** Polls wanted before the unplug. */
const MIN_IDLE_POLLS = 3;

const dir = mkdtempSync(join(tmpdir(), "gm3-bench-field-"));
const pty = join(dir, "tty");
const busLog = join(dir, "bus.jsonl");
const stateDir = join(dir, "state");

const ratio = (n: number | undefined, d: number | undefined) =>
  n === undefined || d === undefined || d === 0 ? "n/a" : (n / d).toFixed(3);
const ms = (v: number | undefined) => (v === undefined ? "n/a" : `${Math.round(v)} ms`);

async function firstParameters(gateway: Gateway, timeoutMs: number, everyMs: number) {
  return waitFor("200 on /api/parameters", timeoutMs, everyMs, async () => {
    if (gateway.child.exitCode !== null) throw new Error(`the gateway exited:\n${gateway.tail.join("\n")}`);
    const answer = await request(`${gateway.url}/api/parameters`);
    return answer.status === 200 ? answer : undefined;
  });
}

interface Recovery {
  downAt: number | undefined;
  upAt: number | undefined;
  freshAt: number | undefined;
  checkResult: string | null | undefined;
  statuses: Map<number, number>;
  staleAnswers: number;
  rediscovered: boolean;
  grantIntervalMs: number | null | undefined;
}

async function measureRecovery(
  gateway: Gateway,
  sampler: StatusSampler,
  simSpawnedAt: number,
): Promise<Recovery> {
  const before = await sampler.read();
  const discoveredAt = before?.discovery.last_bus_time;
  const result: Recovery = {
    downAt: undefined,
    upAt: undefined,
    freshAt: undefined,
    checkResult: undefined,
    statuses: new Map(),
    staleAnswers: 0,
    rediscovered: false,
    grantIntervalMs: before?.bus.grant_intervals.average_ms,
  };
  const deadline = simSpawnedAt + UNPLUG_AT_MS + UNPLUG_FOR_MS + 120_000;
  let lastParametersAt = 0;
  let status: Status | undefined;
  sampler.phase = "recovery";
  while (Date.now() < deadline) {
    status = await sampler.read();
    const down = eventAfter(gateway, "link.down");
    if (down) result.downAt ??= down.at;
    if (result.downAt !== undefined) {
      const up = eventAfter(gateway, "link.up", result.downAt);
      if (up) result.upAt ??= up.at;
    }
    if (result.upAt !== undefined && status?.data.state === "fresh") {
      result.freshAt = Date.now();
      break;
    }
    // What a client sees meanwhile: once a second, the whole answer.
    if (result.downAt !== undefined && Date.now() - lastParametersAt >= 1000) {
      lastParametersAt = Date.now();
      const answer = await request(`${gateway.url}/api/parameters`);
      result.statuses.set(answer.status, (result.statuses.get(answer.status) ?? 0) + 1);
      if (answer.headers.get("x-data-state") === "stale") result.staleAnswers++;
    }
    await sleep(100);
  }
  result.checkResult = status?.check.last_result;
  result.rediscovered = JSON.stringify(status?.discovery.last_bus_time) !== JSON.stringify(discoveredAt);
  result.grantIntervalMs = status?.bus.grant_intervals.average_ms ?? result.grantIntervalMs;
  return result;
}

interface Restart {
  /** Spawn → the configuration loaded: Node started and the gateway's modules loaded. */
  loadedMs: number | undefined;
  /** Spawn → the snapshot read into the store. */
  restoredMs: number | undefined;
  listeningMs: number | undefined;
  first200Ms: number;
  dataState: string | null;
  dataAge: string | null;
  freshMs: number | undefined;
  stopMs: number;
}

async function restart(old: Gateway, port: number): Promise<{ gateway: Gateway; figures: Restart }> {
  const stopping = Date.now();
  await stop(old);
  const stopMs = Date.now() - stopping;
  const gateway = startGateway({ pty, stateDir, port });
  const first = await firstParameters(gateway, 30_000, 10);
  const listening = eventAfter(gateway, "gateway.started");
  const loaded = eventAfter(gateway, "config.loaded");
  const restored = eventAfter(gateway, "snapshot.restored");
  const fresh = await waitFor("fresh data after the restart", 120_000, 100, async () => {
    const s = await request(`${gateway.url}/api/status`);
    return (s.body as Status | undefined)?.data?.state === "fresh" ? s.at : undefined;
  }).catch(() => undefined);
  return {
    gateway,
    figures: {
      loadedMs: loaded && loaded.at - gateway.spawnedAt,
      restoredMs: restored && restored.at - gateway.spawnedAt,
      listeningMs: listening && listening.at - gateway.spawnedAt,
      first200Ms: first.at - gateway.spawnedAt,
      dataState: first.headers.get("x-data-state"),
      dataAge: first.headers.get("x-data-age"),
      freshMs: fresh && fresh - gateway.spawnedAt,
      stopMs,
    },
  };
}

function pollLine(label: string, samples: { busTime: { bus_ms: number; wire_floor_ms: number } }[]): string {
  if (samples.length === 0) return `  ${label}: no poll seen`;
  const ratios = samples.map((s) => s.busTime.bus_ms / s.busTime.wire_floor_ms);
  const bus = samples.map((s) => s.busTime.bus_ms);
  const floor = samples.map((s) => s.busTime.wire_floor_ms);
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  return (
    `  ${label}: ${samples.length} polls, bus ${ms(sum(bus) / samples.length)} vs floor ${ms(sum(floor) / samples.length)} (mean), ` +
    `ratio ${ratio(sum(bus), sum(floor))} overall, per poll p50 ${percentile(ratios, 50)?.toFixed(3)} ` +
    `max ${Math.max(...ratios).toFixed(3)}`
  );
}

function writeLines(
  results: WriteResult[],
  frames: ReturnType<typeof countModifyFrames>,
  address: number,
): string[] {
  const byState = new Map<string, number>();
  for (const r of results) byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
  const confirmed = results.filter((r) => r.state === "confirmed");
  const withFrame = confirmed.filter((r) => r.sent === true);
  const e2e = withFrame.map((r) => r.endToEndMs).filter((v): v is number => v !== undefined);
  const settled = results.filter((r) => r.state === "confirmed" || r.state === "superseded");
  const answered = new Map<string, number>();
  for (const r of results) answered.set(r.answered, (answered.get(r.answered) ?? 0) + 1);
  const sent = results.filter((r) => r.sent === true);
  const others = results.filter((r) => r.state !== "confirmed");
  const lines = [
    `  ${results.length} writes (${WRITE_PARAMETERS.join(", ")} in turn, alternating values), ` +
      `fired at random moments ${GAP.minMs / 1000}–${GAP.maxMs / 1000} s apart (uniform, seed ${SEED})`,
    `  end to end, POST → confirmed: p50 ${seconds(percentile(e2e, 50), 2)}, p95 ${seconds(percentile(e2e, 95), 2)}, ` +
      `max ${seconds(e2e.length ? Math.max(...e2e) : undefined, 2)} (the ${e2e.length} confirmed with a frame;` +
      ` ${confirmed.length - withFrame.length} confirmed unchanged, without one)`,
    `  success: confirmed ${confirmed.length}/${results.length} = ${((confirmed.length / results.length) * 100).toFixed(1)} %;` +
      ` confirmed or superseded ${settled.length}/${results.length} = ${((settled.length / results.length) * 100).toFixed(1)} %`,
    `  outcomes: ${[...byState].map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `  POST answers: ${[...answered].map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `  MODIFY_PARAM frames from the gateway (address ${address}) on the wire: ${frames.total}` +
      ` (collided ${frames.collided}) for ${results.length} writes, ${sent.length} of them sent` +
      ` — per parameter: ${[...frames.byIndex].map(([i, n]) => `#${i} ${n}`).join(", ")}`,
  ];
  for (const f of others)
    lines.push(`  not confirmed: ${f.name}=${f.value} → ${f.state} (${f.error ?? f.answered})`);
  return lines;
}

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is not built: npm run build`);
  const started = new Date();
  const loadBefore = loadavg()[0]!.toFixed(2);
  const port = await freePort();
  const faults = `unplug=${UNPLUG_AT_MS}:${UNPLUG_FOR_MS}`;
  const sim = await startSim({ pty, busLog, faults });
  let gateway = startGateway({ pty, stateDir, port });
  const sampler = new StatusSampler(gateway.url);
  console.error(`field bench: sim on ${pty} (${faults}), gateway on ${gateway.url}, state in ${stateDir}`);

  // 1. Discovery from a cold STATE_DIR.
  const first = await firstParameters(gateway, DISCOVERY_TIMEOUT_MS, 200);
  const discoveryWallMs = first.at - gateway.spawnedAt;
  const claimed = eventAfter(gateway, "address.claimed");
  const claimedMs = claimed && claimed.at - gateway.spawnedAt;
  const afterDiscovery = await waitFor("the discovery's figures", 30_000, 200, async () => {
    const s = await sampler.read();
    return s?.discovery.last_bus_time && s.bus.address !== null ? s : undefined;
  });
  const discovery = afterDiscovery.discovery.last_bus_time!;
  const address = afterDiscovery.bus.address!;
  console.error(`field bench: discovery done after ${seconds(discoveryWallMs)}; polling until the unplug`);

  // 2. Idle polls until the unplug.
  const unplugAt = sim.spawnedAt + UNPLUG_AT_MS;
  while (Date.now() < unplugAt - 2_000) {
    await sampler.read();
    await sleep(1_000);
  }
  const idlePolls = sampler.polls.length;
  if (idlePolls < MIN_IDLE_POLLS) console.error(`field bench: only ${idlePolls} polls before the unplug`);

  // 4. Recovery after the unplug.
  console.error("field bench: waiting for the unplug and the recovery");
  const recovery = await measureRecovery(gateway, sampler, sim.spawnedAt);

  // 3. Writes.
  sampler.phase = "writes";
  const targets = [];
  for (const name of WRITE_PARAMETERS) targets.push(await writeTarget(gateway.url, name));
  let polling = true;
  const pollLoop = (async () => {
    while (polling) {
      await sampler.read();
      await sleep(1_000);
    }
  })();
  console.error(`field bench: ${WRITES} writes`);
  const results = await runWrites(gateway.url, targets, WRITES, new Random(SEED), GAP, (done) => {
    if (done % 10 === 0) console.error(`field bench: ${done}/${WRITES} writes ended`);
  });
  polling = false;
  await pollLoop;
  await sleep(500); // the bus log's last lines
  const frames = countModifyFrames(busLog, address);
  const finalStatus = await sampler.read();

  // 5. Restarts from the snapshot.
  sampler.phase = "after restart";
  const restarts: Restart[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const next = await restart(gateway, port);
    gateway = next.gateway;
    sampler.retarget(gateway.url);
    restarts.push(next.figures);
  }
  for (let i = 0; i < 3; i++) {
    await sampler.read();
    await sleep(1_000);
  }
  const grantMs = recovery.grantIntervalMs ?? undefined;
  const backToFresh =
    recovery.upAt !== undefined && recovery.freshAt !== undefined
      ? recovery.freshAt - recovery.upAt
      : undefined;

  const out = [
    `Field cadence over a pty — ${started.toISOString()} (node ${process.version}, ${cpus().length} cores,` +
      ` load average ${loadBefore} at the start, ${loadavg()[0]!.toFixed(2)} at the end)`,
    `  sim: node dist/cli.js sim --pty <tmp> --timing field --bus-log <tmp> --faults ${faults}`,
    "  gateway: node dist/cli.js serve, SERIAL_PORT=<pty>, STATE_DIR=<tmp, cold>, API 127.0.0.1, LOG_FORMAT=json",
    `  grant interval (observed, mean): ${ms(grantMs)}; bus address ${address} (${claimed ? "claimed" : "not claimed"} on this run)`,
    "1. discovery (cold STATE_DIR)",
    `  spawn → first 200 on /api/parameters: ${seconds(discoveryWallMs)}` +
      (claimedMs !== undefined ? ` (address claimed ${seconds(claimedMs)} after spawn)` : ""),
    `  bus time ${ms(discovery.bus_ms)} vs floor ${ms(discovery.wire_floor_ms)}: ratio ${ratio(discovery.bus_ms, discovery.wire_floor_ms)}` +
      ` (${discovery.requests} requests, ${discovery.bytes} bytes, token wait ${seconds(discovery.token_wait_ms)})`,
    "2. poll bus time / floor (from /api/status, each cycle once)",
    pollLine(
      "before the unplug",
      sampler.polls.filter((p) => p.phase === "idle"),
    ),
    pollLine(
      "during the writes",
      sampler.polls.filter((p) => p.phase === "writes"),
    ),
    pollLine("all", sampler.polls),
    "3. writes",
    ...writeLines(results, frames, address),
    `4. recovery after a ${UNPLUG_FOR_MS / 1000} s unplug of the tty (sim t = ${UNPLUG_AT_MS / 1000} s)`,
    `  link down seen ${seconds(recovery.downAt && recovery.downAt - sim.spawnedAt)} after the sim's spawn, ` +
      `back ${seconds(recovery.upAt && recovery.downAt && recovery.upAt - recovery.downAt)} later`,
    `  link back → data fresh: ${seconds(backToFresh)} (target ≤ grant interval + 2 s = ${seconds(grantMs && grantMs + 2_000)}:` +
      ` ${backToFresh !== undefined && grantMs !== undefined ? (backToFresh <= grantMs + 2_000 ? "met" : "MISSED") : "n/a"}; ratio to the grant interval ${ratio(backToFresh, grantMs)})`,
    `  meanwhile /api/parameters (once a second): ${[...recovery.statuses].map(([s, n]) => `${s}×${n}`).join(", ")}, ` +
      `${recovery.staleAnswers} marked stale; check: ${recovery.checkResult ?? "n/a"}; rediscovery: ${recovery.rediscovered ? "YES" : "none"}`,
    `5. restart from the snapshot (SIGTERM, same STATE_DIR), ${restarts.length} times`,
    ...restarts.map(
      (r, i) =>
        `  #${i + 1}: stop ${ms(r.stopMs)}; spawn → config loaded ${ms(r.loadedMs)}, → snapshot restored ${ms(r.restoredMs)},` +
        ` → listening ${ms(r.listeningMs)}, → first 200 ${ms(r.first200Ms)}` +
        ` (${r.dataState}, age ${r.dataAge} s; target ≤ 1000 ms: ${r.first200Ms <= 1000 ? "met" : "MISSED"}), → fresh ${seconds(r.freshMs)}`,
    ),
    `  bus: CRC errors ${finalStatus?.bus.stats.crc_errors}, timeouts ${finalStatus?.bus.stats.timeouts}, ` +
      `retries ${JSON.stringify(finalStatus?.bus.stats.retries)} (first gateway process)`,
  ];
  console.log(out.join("\n"));
}

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void cleanup().then(() => process.exit(130));
  });
}

main()
  .catch((error: unknown) => {
    console.error("field bench failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
