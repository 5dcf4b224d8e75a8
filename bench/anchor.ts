/**
 * The field-proven Python gateway (LeeNuss/econext-gateway, its own protocol core run by
 * ../shared/anchor/anchor_driver.py) against `gm3 sim --pty`, as a measuring instrument of the
 * simulator's fidelity and as the side-by-side figure for our own benchmarks. Per run it prints the
 * anchor's own timings (discovery, each poll, the write: token wait + bus time), the bus time as a
 * ratio to the wire's floor, and, from the simulator's bus log (`--bus-log`): CRC errors the
 * anchor saw, its retries (a request sent again in the same token hold) and collisions on the wire.
 *
 * Two ways to start the anchor:
 * - `registered` — as the field service runs once it has claimed an address: its address persisted
 *   (`--address 115`) and known to the panel (`gm3 sim --gateway 115`);
 * - `first-claim` — the driver's default: a fresh state directory, so it must claim an address from
 *   the panel's scan first (its very first run on a bus).
 *
 * It is an instrument, never a test dependency: without the anchor's source, Python 3.11 with
 * pydantic 2 + pyserial(-asyncio), or socat, it says what is missing and exits 0.
 *
 * Run: npm run build && npx tsx bench/anchor.ts [--src DIR] [--runs 3] [--mode registered|first-claim|both] [--no-poller]
 *      (DIR: the extracted `src` of the anchor, default $ANCHOR_SRC or ../anchor-src/src)
 * Setup: ../shared/anchor/README.md.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { BusLogRecord } from "../src/sim/bus-log.js";

const ROOT = resolve(import.meta.dirname, "..");
const DRIVER = resolve(ROOT, "..", "shared", "anchor", "anchor_driver.py");
const CLI = join(ROOT, "dist", "cli.js");
const DEBIAN_PYTHONPATH = "/usr/lib/python3/dist-packages";
const ADDRESS = 115;
const BAUD = 115_200;
/** The anchor's turnaround before each request, and the simulated devices' reply latency. */
const TURNAROUND_MS = 20;
const DEVICE_LATENCY_MS = 2;
const TOKEN_GRANT = "0108";
const TOKEN_RETURN = "0008";

const { values } = parseArgs({
  options: {
    src: { type: "string" },
    runs: { type: "string", default: "3" },
    mode: { type: "string", default: "both" },
    polls: { type: "string", default: "3" },
    write: { type: "string", default: "HDWTSetPoint=50" },
    python: { type: "string", default: "python3" },
    "no-poller": { type: "boolean", default: false },
  },
});
const src = resolve(values.src ?? process.env.ANCHOR_SRC ?? join(ROOT, "..", "anchor-src", "src"));
const runs = Number(values.runs);
const modes = values.mode === "both" ? ["registered", "first-claim"] : [values.mode!];

function missing(what: string): never {
  console.log(`bench/anchor.ts: not run — ${what}`);
  console.log("  setup: ../shared/anchor/README.md (the anchor's source, python3-serial(-asyncio), socat)");
  process.exit(0);
}

function checkPrerequisites(): string[] {
  if (!existsSync(DRIVER)) missing(`no anchor driver at ${DRIVER}`);
  if (!existsSync(join(src, "econext_gateway", "protocol", "handler.py"))) {
    missing(
      `no anchor source at ${src} (fetch LeeNuss/econext-gateway, then \`git -C <snapshot> archive HEAD src | tar -x -C <dir>\` and pass --src <dir>/src or set ANCHOR_SRC)`,
    );
  }
  if (spawnSync("socat", ["-V"]).status !== 0) missing("socat is not installed (apt-get install socat)");
  if (!existsSync(CLI)) missing(`${CLI} is not built (npm run build)`);
  const pythonPath = existsSync(DEBIAN_PYTHONPATH) ? [DEBIAN_PYTHONPATH] : [];
  const probe = spawnSync(
    values.python!,
    [
      "-c",
      "import sys; sys.path.extend(sys.argv[1:]); assert sys.version_info >= (3, 11), sys.version; " +
        "import pydantic, pydantic_settings, serial, serial_asyncio; assert pydantic.VERSION.startswith('2')",
      ...pythonPath,
    ],
    { encoding: "utf8" },
  );
  if (probe.status !== 0) {
    const why = (probe.stderr || String(probe.error ?? "")).trim().split("\n").at(-1);
    missing(
      `${values.python} lacks what the anchor needs (Python ≥ 3.11, pydantic 2, pyserial, pyserial-asyncio): ${why}`,
    );
  }
  return pythonPath;
}

interface AnchorOp {
  total_s: number;
  token_wait_s: number | null;
  bus_s: number | null;
}
interface AnchorResult {
  ok: boolean;
  exit_code: number;
  discovery?: AnchorOp;
  polls: (AnchorOp & { params_read: number })[];
  write?: AnchorOp & { name: string; value: unknown };
  write_ok: boolean | null;
  address: number | null;
  serial_stats?: { frames_invalid: number; frames_read: number } | null;
  gateway_warnings?: string[];
  errors: string[];
}

/** One token hold of the anchor on the wire: from the panel's grant to the anchor's return. */
interface Hold {
  records: BusLogRecord[];
}

const payloadHex = (r: BusLogRecord) => r.hex.slice(16, -6);
const isGrantTo = (r: BusLogRecord, address: number) =>
  r.valid &&
  r.source === 100 &&
  r.destination === address &&
  r.command === 0x68 &&
  payloadHex(r).startsWith(TOKEN_GRANT);
const isReturnFrom = (r: BusLogRecord, address: number) =>
  r.valid &&
  r.source === address &&
  r.destination === 100 &&
  r.command === 0x68 &&
  payloadHex(r).startsWith(TOKEN_RETURN);

function holdsOf(records: BusLogRecord[], address: number): Hold[] {
  const holds: Hold[] = [];
  let current: Hold | undefined;
  for (const r of records) {
    if (isGrantTo(r, address)) {
      current = { records: [] };
      continue;
    }
    if (!current) continue;
    if (isReturnFrom(r, address)) {
      holds.push(current);
      current = undefined;
    } else current.records.push(r);
  }
  return holds;
}

/**
 * Requests the anchor sent again, unchanged, in the same hold (a resend after a garbled first
 * attempt shows as a collision instead: the first attempt's bytes are not the request's).
 */
function retries(hold: Hold, sender: string): number {
  const seen = new Set<string>();
  let count = 0;
  for (const r of hold.records) {
    if (r.sender !== sender || !r.valid) continue;
    if (seen.has(r.hex)) count++;
    seen.add(r.hex);
  }
  return count;
}

/** Groups of transmissions that overlapped on the wire (one collision may garble several). */
function collisions(records: BusLogRecord[]): { count: number; involving: string[] } {
  const hit = records.filter((r) => r.collided).sort((a, b) => a.time_ms - b.time_ms);
  let count = 0;
  let groupEnd = Number.NEGATIVE_INFINITY;
  const involving = new Set<string>();
  for (const r of hit) {
    if (r.time_ms >= groupEnd) count++;
    groupEnd = Math.max(groupEnd, r.end_ms);
    involving.add(r.sender);
  }
  return { count, involving: [...involving] };
}

/** The wire's floor for a hold: every byte of the anchor's exchanges plus one turnaround + latency each. */
function floorMs(hold: Hold, sender: string): number {
  const bytes = hold.records.reduce((sum, r) => sum + r.length, 0);
  const requests = hold.records.filter((r) => r.sender === sender).length;
  return (bytes * 10 * 1000) / BAUD + requests * (TURNAROUND_MS + DEVICE_LATENCY_MS) + TURNAROUND_MS;
}

async function runOnce(mode: string, pythonPath: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "gm3-anchor-"));
  const tty = join(dir, "tty");
  const busLog = join(dir, "bus.jsonl");
  const simArgs = [CLI, "sim", "--pty", tty, "--bus-log", busLog];
  if (mode === "registered") simArgs.push("--gateway", String(ADDRESS));
  if (values["no-poller"]) simArgs.push("--no-poller");
  const sim = spawn(process.execPath, simArgs, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let simOut = "";
  sim.stdout.on("data", (d) => (simOut += d));
  sim.stderr.on("data", (d) => (simOut += d));
  const simExited = new Promise<void>((done) => sim.once("exit", () => done()));
  try {
    const deadline = Date.now() + 20_000;
    while (!simOut.includes("running")) {
      if (Date.now() > deadline || sim.exitCode !== null) throw new Error(`gm3 sim did not start: ${simOut}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const driverArgs = [DRIVER, "--src", src, "--port", tty, "--polls", values.polls!, "--timeout", "240"];
    if (values.write) driverArgs.push("--write", values.write);
    for (const p of pythonPath) driverArgs.push("--pythonpath", p);
    if (mode === "registered") driverArgs.push("--address", String(ADDRESS));
    const started = Date.now();
    const driver = spawnSync(values.python!, driverArgs, { encoding: "utf8", timeout: 300_000 });
    const wallS = (Date.now() - started) / 1000;
    const jsonLine = driver.stdout.trim().split("\n").at(-1) ?? "";
    let result: AnchorResult;
    try {
      result = JSON.parse(jsonLine) as AnchorResult;
    } catch {
      throw new Error(`the anchor printed no result (exit ${driver.status}): ${driver.stderr.slice(-2000)}`);
    }
    sim.kill("SIGTERM");
    await simExited;
    const records = readFileSync(busLog, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as BusLogRecord);
    const address = result.address ?? ADDRESS;
    const sender = records.find((r) => r.sender.startsWith("pty:"))?.sender ?? "pty";
    const holds = holdsOf(records, address);
    return { mode, result, wallS, records, holds, sender, address };
  } finally {
    if (sim.exitCode === null) {
      sim.kill("SIGTERM");
      await simExited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const f = (x: number | null | undefined, digits = 2) => (x == null ? "—" : x.toFixed(digits));

/**
 * What the pty path adds, timed on one clock in this process: bytes written to the tty → the
 * simulator puts their first byte on the wire; a reply's last byte due on the wire → the reader
 * has it. (A USB–RS-485 adapter adds its own: ~1 ms out; its latency timer, 1–16 ms, in.)
 */
async function ptyLatency(samples = 50): Promise<void> {
  const { SerialPort } = await import("serialport");
  const { RealClock, Simulation, SimPty } = await import("../src/sim/index.js");
  const { Command, encodeFrameOrThrow, encodeRangeRequest, Framer } = await import(
    "../src/protocol/index.js"
  );
  const dir = mkdtempSync(join(tmpdir(), "gm3-pty-latency-"));
  const clock = new RealClock();
  const sim = new Simulation({ clock, poller: false, panelCycle: false });
  const pty = new SimPty(sim, { path: join(dir, "tty") });
  const out: number[] = [];
  const back: number[] = [];
  sim.start();
  await pty.start();
  const port = new SerialPort({ path: join(dir, "tty"), baudRate: BAUD });
  try {
    await new Promise((done) => port.once("open", done));
    const framer = new Framer();
    for (let i = 0; i < samples + 5; i++) {
      const request = encodeFrameOrThrow({
        destination: 1,
        source: ADDRESS,
        command: Command.GET_PARAMS,
        payload: encodeRangeRequest({ count: 100, firstIndex: (i % 14) * 100 }),
      });
      const answered = new Promise<number>((done) => {
        const onData = (chunk: Buffer) => {
          if (framer.push(chunk).length === 0) return;
          port.off("data", onData);
          done(clock.realNow());
        };
        port.on("data", onData);
      });
      const before = sim.bus.log.length;
      const writtenAt = clock.realNow();
      port.write(request);
      const readAt = await answered;
      const [sent, reply] = sim.bus.log.entries.slice(before);
      if (i >= 5 && sent && reply) {
        out.push(sent.timeMs - writtenAt);
        back.push(readAt - (reply.timeMs + reply.bytes.length * sim.bus.byteTimeMs));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await new Promise((done) => port.close(() => done(undefined)));
    await pty.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const stats = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    const at = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))]!;
    return `p50 ${f(at(0.5))} ms, p95 ${f(at(0.95))} ms, max ${f(v.at(-1))} ms`;
  };
  console.log(`pty path (${samples} requests): write → first byte on the simulated wire ${stats(out)}`);
  console.log(`                          reply's last byte due → read from the tty ${stats(back)}\n`);
}

const pythonPath = checkPrerequisites();
console.log(
  `anchor: ${src}\nsimulator: node dist/cli.js sim --pty … --bus-log … (field timing; the 0xFFFF poller ${values["no-poller"] ? "off" : "on"})\n` +
    `anchor: --polls ${values.polls} --write ${values.write}, ${runs} run(s) per mode\n`,
);
await ptyLatency();
const summary: string[] = [];
for (const mode of modes) {
  for (let run = 1; run <= runs; run++) {
    const { result, wallS, records, holds, sender } = await runOnce(mode, pythonPath);
    const crcErrors = result.serial_stats?.frames_invalid ?? Number.NaN;
    const wireRetries = holds.reduce((sum, hold) => sum + retries(hold, sender), 0);
    const reportedRetries = (result.gateway_warnings ?? []).filter((w) => /retrying/i.test(w)).length;
    const hits = collisions(records);
    const [discoveryHold, ...pollHolds] = holds;
    const disc = result.discovery;
    const discFloor = discoveryHold ? floorMs(discoveryHold, sender) : Number.NaN;
    const pollFloors = pollHolds.slice(0, result.polls.length).map((h) => floorMs(h, sender));
    console.log(
      `${mode} run ${run}: ${result.ok ? "ok" : `FAILED (exit ${result.exit_code}: ${result.errors.join("; ")})`} in ${wallS.toFixed(0)} s, address ${result.address}`,
    );
    console.log(
      `  discovery ${f(disc?.total_s)} s = token wait ${f(disc?.token_wait_s)} s + bus ${f(disc?.bus_s)} s` +
        ` (floor ${f(discFloor / 1000)} s, ratio ${f((disc?.bus_s ?? Number.NaN) / (discFloor / 1000), 3)})`,
    );
    result.polls.forEach((poll, i) => {
      const floor = (pollFloors[i] ?? Number.NaN) / 1000;
      console.log(
        `  poll ${i + 1}    ${f(poll.total_s)} s = token wait ${f(poll.token_wait_s)} s + bus ${f(poll.bus_s)} s` +
          ` (floor ${f(floor)} s, ratio ${f((poll.bus_s ?? Number.NaN) / floor, 3)}), ${poll.params_read} values`,
      );
    });
    if (result.write) {
      console.log(
        `  write     ${f(result.write.total_s)} s = token wait ${f(result.write.token_wait_s)} s + bus ${f(result.write.bus_s)} s, ${result.write_ok ? "acknowledged" : "NOT acknowledged"}`,
      );
    }
    const line = `CRC errors ${crcErrors}, retries ${wireRetries} on the wire (${reportedRetries} reported), collisions ${hits.count}${hits.count ? ` (${hits.involving.join(", ")})` : ""}`;
    console.log(`  ${line}`);
    summary.push(
      `${mode.padEnd(11)} ${String(run).padStart(3)}   ${f(disc?.bus_s).padStart(5)} s  ${result.polls
        .map((p) => f(p.bus_s))
        .join(" / ")
        .padEnd(
          18,
        )}  ${String(crcErrors).padStart(3)}  ${String(wireRetries).padStart(7)}  ${String(hits.count).padStart(10)}`,
    );
  }
}
console.log(`\nmode        run   discovery bus  poll bus (s)       CRC  retries  collisions`);
for (const row of summary) console.log(row);
