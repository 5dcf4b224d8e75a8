/**
 * Soak at the field cadence under faults (issue 14): the gateway as deployed (`node dist/cli.js
 * serve`, its own process) on a pty against the simulator in its own process (`node dist/cli.js sim
 * --pty … --timing field`, the token every ~10 s) with CRC errors, dropped answers, noise,
 * truncation, an unplug a minute and panel token stalls, while a bounded client reads the full list
 * and one parameter every 1–2 s and writes every ~10 s with alternating values.
 *
 * Prints: writes by outcome, wrong values stored (served values against the simulator's truth on
 * the wire, see ./soak/served.ts), writes sent twice (MODIFY frames per job on the wire), recovery
 * time per unplug, the gateway's resident memory at start and end, crashes. Asserts nothing.
 * The gateway starts with an empty STATE_DIR, as on its first day: it claims an address and
 * discovers under the same faults; the minutes of the soak count from its first fresh data.
 *
 *   npm run build && npx tsx bench/soak.ts [--minutes 30] [--seed 1]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { onLogEvents, processRssMb } from "./child-process.js";
import { call, dataState, sleep } from "./soak/http.js";
import { ServedValueCheck } from "./soak/served.js";
import { UnplugWatch } from "./soak/unplugs.js";
import { WireTruth } from "./soak/wire-truth.js";
import { countSentTwice, outcomeOf, Writer } from "./soak/writes.js";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
  },
});
const MINUTES = Number(args.minutes);
const SEED = Number(args.seed);
if (!(MINUTES > 0) || !Number.isInteger(SEED)) {
  console.error("usage: npx tsx bench/soak.ts [--minutes N] [--seed N]");
  process.exit(2);
}

/** HDWTSetPoint: writable, and the simulator never moves it by itself (only writes do). */
const NAME = "HDWTSetPoint";
const INDEX = 103;
const WRITE_VALUES: readonly [number, number] = [45, 50];
const WRITE_EVERY_MS = 10_000;
/** An unplug of 5 s every minute; a 25 s token stall every 150 s (from 90 s on). */
const FAULTS = "crc=0.05,drop=0.05,noise=0.05,truncate=0.02,unplug=60000:5000:60000,stall=90000:25000:150000";
/** After the run, how long jobs still waiting may take to end (WRITE_DEADLINE is 60 s). */
const SETTLE_MS = 75_000;
/** Longest wait for the first fresh data (address claim + discovery, under the same faults). */
const WARM_UP_MS = 15 * 60_000;

const dir = mkdtempSync(join(tmpdir(), "gm3-soak-"));
const tty = join(dir, "tty");
const busLogPath = join(dir, "bus.jsonl");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

let rngState = SEED || 1;
const random = () => {
  rngState = (rngState * 1_103_515_245 + 12_345) % 2 ** 31;
  return rngState / 2 ** 31;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function main(): Promise<void> {
  const startedAt = new Date();
  // The soak's minutes count from the first fresh data; getting there is bounded by WARM_UP_MS.
  let endAt = Date.now() + WARM_UP_MS;
  const sim = spawn(
    process.execPath,
    [
      "dist/cli.js",
      "sim",
      "--pty",
      tty,
      "--timing",
      "field",
      "--faults",
      FAULTS,
      "--seed",
      String(SEED),
      "--bus-log",
      busLogPath,
    ],
    { stdio: ["ignore", openSync(join(dir, "sim.out"), "w"), "inherit"] },
  );
  const simStartMs = Date.now();
  while (!existsSync(tty)) {
    if (sim.exitCode !== null) throw new Error(`the simulator exited (${sim.exitCode}); see ${dir}/sim.out`);
    await sleep(50);
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const gateway = spawn(process.execPath, ["dist/cli.js", "serve"], {
    env: {
      ...process.env,
      SERIAL_PORT: tty,
      STATE_DIR: join(dir, "state"),
      API_HOST: "127.0.0.1",
      API_PORT: String(port),
      LOG_FORMAT: "json",
      MQTT_URL: "",
      TZ: "UTC",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const gatewayLog = createWriteStream(join(dir, "gateway.log"));
  gateway.stdout!.pipe(gatewayLog);
  gateway.stderr!.pipe(createWriteStream(join(dir, "gateway.err")));
  let stopping = false;
  let outsideStop: string | undefined;
  let crash: { code: number | null; signal: string | null; atMs: number } | undefined;
  const gatewayExit = exited(gateway).then((result) => {
    if (!stopping) crash = { ...result, atMs: Date.now() };
    return result;
  });

  const truth = new WireTruth(busLogPath, `pty:${tty}`);
  const check = new ServedValueCheck(truth, INDEX);
  const watch = new UnplugWatch(tty, base, `/api/parameters/${NAME}`);
  const logLevels = new Map<string, number>();
  const warnEvents = new Map<string, number>();
  onLogEvents(gateway.stdout!, (line) => {
    const level = String(line.level);
    logLevels.set(level, (logLevels.get(level) ?? 0) + 1);
    if (level !== "info" && level !== "debug") {
      const key = `${level} ${line.event ?? line.msg}`;
      warnEvents.set(key, (warnEvents.get(key) ?? 0) + 1);
    }
    if (line.event === "link.up" && typeof line.time === "string") watch.linkUp(Date.parse(line.time));
    // A stop the bench did not ask for (a signal from outside) is not a crash; it is said apart.
    if (line.event === "gateway.stopping" && !stopping) outsideStop = String(line.signal);
  });
  watch.start();
  const pump = setInterval(() => check.drain(), 500);

  // First fresh data: the gateway claims an address, discovers and polls, all under the faults.
  let firstFreshMs: number | undefined;
  while (firstFreshMs === undefined && Date.now() < endAt && !crash) {
    const answer = await call(base, `/api/parameters/${NAME}`);
    if (answer.status === 200 && dataState(answer).state === "fresh") firstFreshMs = answer.atMs;
    else await sleep(1_000);
  }
  if (firstFreshMs !== undefined) endAt = firstFreshMs + MINUTES * 60_000;
  const rss: { atMs: number; mb: number }[] = [];
  const sampleRss = () => {
    if (!crash) rss.push({ atMs: Date.now(), mb: processRssMb(gateway.pid!) });
  };
  sampleRss();
  const rssTimer = setInterval(sampleRss, 60_000);

  const statuses = new Map<string, number>();
  const reader = (async () => {
    while (Date.now() < endAt && !crash) {
      const list = await call(base, "/api/parameters");
      check.add(list, "list");
      const single = await call(base, `/api/parameters/${NAME}`);
      check.add(single, "single");
      for (const a of [list, single]) {
        const key = `${a.status} ${dataState(a).state ?? ""}`.trim();
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
      await sleep(1_000 + random() * 1_000);
    }
  })();
  const writer = new Writer(base, NAME, WRITE_VALUES);
  await Promise.all([reader, writer.run(WRITE_EVERY_MS, () => Date.now() >= endAt || crash !== undefined)]);
  await writer.settle(SETTLE_MS);
  sampleRss();
  clearInterval(rssTimer);

  stopping = true;
  const wasRunning = !crash;
  gateway.kill("SIGTERM");
  const gatewayEnd = await gatewayExit;
  watch.stop();
  watch.matchLinkUps();
  sim.kill("SIGTERM");
  await exited(sim);
  clearInterval(pump);
  truth.poll();
  check.drain(true);
  check.checkAgainstWrites(writer.records, NAME);
  truth.close();

  // ---- figures ----
  const outcomes = new Map<string, number>();
  for (const r of writer.records) outcomes.set(outcomeOf(r), (outcomes.get(outcomeOf(r)) ?? 0) + 1);
  const twice = countSentTwice(writer.records, truth, INDEX);
  const sentTwice = [...twice.framesPerJob].filter(([n]) => n > 1).reduce((sum, [, jobs]) => sum + jobs, 0);
  const c = check.counts;
  // Unplugs while the gateway serves (those of the warm-up end in the first discovery instead).
  const unplugs = watch.unplugs.filter((u) => firstFreshMs !== undefined && u.goneAtMs > firstFreshMs);
  const warmUpUnplugs = watch.unplugs.length - unplugs.length;
  const recovered = unplugs.filter((u) => u.backAtMs !== undefined && u.freshAtMs !== undefined);
  const toLinkUp = unplugs
    .filter((u) => u.backAtMs !== undefined && u.linkUpAtMs !== undefined)
    // The watcher sees the tty up to ~0.1 s late; a link.up logged before that counts as 0.
    .map((u) => Math.max(0, u.linkUpAtMs! - u.backAtMs!));
  const toFresh = recovered.map((u) => u.freshAtMs! - u.backAtMs!);
  const lines = [
    `soak: ${MINUTES} min of serving, started ${startedAt.toISOString()}, seed ${SEED}, node dist/cli.js sim --timing field --faults ${FAULTS}`,
    `  first fresh data: ${firstFreshMs === undefined ? "never" : `${seconds(firstFreshMs - simStartMs)} s after the simulator started (address claim + discovery under the faults)`}`,
    `  writes: ${writer.records.length} posted, ${WRITE_VALUES.join("/")} alternating, every ${WRITE_EVERY_MS / 1000} s`,
    ...[...outcomes]
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, n]) => `    ${String(n).padStart(5)}  ${outcome}`),
    `  wrong values stored: ${check.wrong.length}`,
    `    ${c.valuesChecked} served values checked in ${c.freshLists} fresh full lists (${c.valuesWithoutTruth} without a valid report on the wire; ${c.staleOrUnavailableLists} lists stale or unavailable)`,
    `    ${c.singleChecked} fresh reads of ${NAME} against the wire at last_read, ${c.lastWriteChecked} of them against the last confirmed write`,
    `    checker sensitivity: with every value compared to the next index's truth it flags ${c.shiftedMismatches} of ${c.shiftedChecked}`,
    ...check.wrong
      .slice(0, 10)
      .map(
        (w) =>
          `    WRONG ${new Date(w.atMs).toISOString()} ${w.name} (${w.index}) served ${JSON.stringify(w.served)}, wire ${JSON.stringify(w.truth)} [${w.check}]`,
      ),
    `  writes sent twice: ${sentTwice} (${twice.frames} MODIFY frames of ${NAME} on the wire for ${twice.sentJobs} jobs the gateway sent; frames per sent job: ${[
      ...twice.framesPerJob,
    ]
      .sort((a, b) => a[0] - b[0])
      .map(([n, jobs]) => `${n}×${jobs}`)
      .join(
        ", ",
      )}; unattributed frames ${twice.unattributed.length}; MODIFY to other parameters ${twice.otherFrames})`,
    `  unplugs while serving: ${unplugs.length} (tty gone → back; ${warmUpUnplugs} more before the first fresh data); recovery, tty back → gateway link.up: p50 ${toLinkUp.length ? seconds(percentile(toLinkUp, 50)) : "–"} s, max ${toLinkUp.length ? seconds(Math.max(...toLinkUp)) : "–"} s`,
    `    tty back → fresh data served: ${toFresh.length} of ${unplugs.length} recovered; p50 ${toFresh.length ? seconds(percentile(toFresh, 50)) : "–"} s, p95 ${toFresh.length ? seconds(percentile(toFresh, 95)) : "–"} s, max ${toFresh.length ? seconds(Math.max(...toFresh)) : "–"} s`,
    `    per unplug (s): ${unplugs.map((u) => (u.backAtMs && u.freshAtMs ? seconds(u.freshAtMs - u.backAtMs) : "–")).join(" ")}`,
    `  gateway RSS: start ${rss[0]?.mb.toFixed(1) ?? "–"} MB (first fresh data), end ${rss[rss.length - 1]?.mb.toFixed(1) ?? "–"} MB, max ${rss.length ? Math.max(...rss.map((r) => r.mb)).toFixed(1) : "–"} MB; every ${Math.max(1, Math.round(rss.length / 6))} min: ${rss
      .filter((_, i) => i % Math.max(1, Math.round(rss.length / 6)) === 0 || i === rss.length - 1)
      .map((r) => r.mb.toFixed(0))
      .join(" ")}`,
    crash && outsideStop !== undefined
      ? `  crashes: 0; STOPPED FROM OUTSIDE the bench (${outsideStop}, logged gateway.stopping) at ${new Date(crash.atMs).toISOString()}, exit ${crash.code ?? crash.signal}: the run is shorter than asked`
      : `  crashes: ${crash ? 1 : 0}${crash ? ` (exited ${crash.code ?? crash.signal} at ${new Date(crash.atMs).toISOString()})` : ""}; ${wasRunning ? `after SIGTERM the gateway exited with ${gatewayEnd.code ?? gatewayEnd.signal}` : ""}`,
    `  client answers: ${[...statuses].map(([k, n]) => `${k}: ${n}`).join(", ")}`,
    `  gateway log lines by level: ${[...logLevels].map(([k, n]) => `${k} ${n}`).join(", ")}; warn+: ${[...warnEvents].map(([k, n]) => `${k} ×${n}`).join(", ")}`,
    `  wire (simulator's log): ${truth.counts.lines} entries, ${truth.counts.brokenDeviceFrames} device frames broken by faults, ${truth.counts.noiseBursts} noise bursts, ${truth.counts.validAnswers} valid value answers, ${truth.counts.gatewayFrames} gateway frames (${truth.counts.brokenGatewayFrames} broken)`,
    `  files: ${dir}`,
  ];
  console.log(lines.join("\n"));
}

await main();
