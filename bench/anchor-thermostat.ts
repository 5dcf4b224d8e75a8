/**
 * Issue 16, fidelity: the Python gateway's field-tested thermostat emulator (the anchor,
 * ../shared/anchor/anchor_driver.py --thermostat true, wrapped by bench/anchor_thermostat.py to
 * request pairing as its API would) against `gm3 sim --pty … --pairing 40:150`. From the
 * simulator's bus log: each identity the anchor answered with (the beacon's SERVICE_RESPONSE from
 * 163, an IDENTIFY_RESPONSE from 160–199), compared byte for byte with a real ecoSTER_40's (what the
 * simulated panel checks) and with ours; the panel's 0x2005 assignment; the panel's polls of the
 * paired address and the anchor's answers; the anchor's own final pairing state.
 * An instrument: asserts nothing; without the anchor's source, its Python needs or socat it says
 * what is missing and exits 0.
 *
 * Run: npm run build && npx tsx bench/anchor-thermostat.ts [--src DIR] [--path beacon|tentative]
 *      [--registered] (DIR: the anchor's extracted `src`, default $ANCHOR_SRC or ../anchor-src/src;
 *      --registered: start as a gateway already registered at 115, as the field service after its
 *      first claim)
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { BusLogRecord } from "../src/sim/bus-log.js";
import { identityMismatchAt } from "../src/sim/ecoster-identity.js";
import { VIRTUAL_THERMOSTAT_IDENTITY } from "../src/thermostat/emulator.js";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "cli.js");
const WRAPPER = join(ROOT, "bench", "anchor_thermostat.py");
const DRIVER = resolve(ROOT, "..", "shared", "anchor", "anchor_driver.py");
const DEBIAN_PYTHONPATH = "/usr/lib/python3/dist-packages";
const PANEL = 100;
const { values } = parseArgs({
  options: {
    src: { type: "string" },
    path: { type: "string", default: "beacon" },
    registered: { type: "boolean", default: false },
    python: { type: "string", default: "python3" },
  },
});
const src = resolve(values.src ?? process.env.ANCHOR_SRC ?? join(ROOT, "..", "anchor-src", "src"));

function missing(what: string): never {
  console.log(`bench/anchor-thermostat.ts: not run — ${what}`);
  process.exit(0);
}

const payloadOf = (r: BusLogRecord) => Buffer.from(r.hex.slice(16, -6), "hex");
const functionOf = (r: BusLogRecord) => {
  const p = payloadOf(r);
  return p.length >= 2 ? p.readUInt16LE(0) : undefined;
};
const at = (r: BusLogRecord) => `${(r.time_ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  if (!existsSync(DRIVER)) missing(`no anchor driver at ${DRIVER}`);
  if (!existsSync(join(src, "econext_gateway", "protocol", "handler.py")))
    missing(`no anchor source at ${src} (see bench/anchor.ts)`);
  if (spawnSync("socat", ["-V"]).status !== 0) missing("socat is not installed");
  if (!existsSync(CLI)) missing("dist/cli.js is not built (npm run build)");
  const dir = mkdtempSync(join(tmpdir(), "gm3-anchor-thermostat-"));
  const tty = join(dir, "tty");
  const busLog = join(dir, "bus.jsonl");
  const simArgs = [CLI, "sim", "--pty", tty, "--pairing", "40:150", "--bus-log", busLog];
  if (values.registered) simArgs.push("--gateway", "115");
  const sim = spawn(process.execPath, simArgs, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const simExited = new Promise<void>((done) => sim.once("exit", () => done()));
  let simOut = "";
  sim.stdout.on("data", (d) => (simOut += d));
  sim.stderr.on("data", (d) => (simOut += d));
  try {
    const deadline = Date.now() + 20_000;
    while (!simOut.includes("running")) {
      if (Date.now() > deadline || sim.exitCode !== null) throw new Error(`gm3 sim did not start: ${simOut}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const args = [WRAPPER, ...(values.path === "beacon" ? ["--request-pairing"] : []), "--"];
    args.push("--src", src, "--port", tty, "--thermostat", "true", "--polls", "12", "--poll-interval", "10");
    args.push("--timeout", "230", "--log-level", "INFO");
    if (existsSync(DEBIAN_PYTHONPATH)) args.push("--pythonpath", DEBIAN_PYTHONPATH);
    if (values.registered) args.push("--address", "115");
    console.log(
      `anchor ${values.path} path, ${values.registered ? "registered at 115" : "first claim (fresh state)"}; panel pairing mode 40–190 s`,
    );
    const run = spawnSync(values.python!, args, { encoding: "utf8", timeout: 300_000 });
    sim.kill("SIGTERM");
    await simExited;
    const lines = run.stdout.trim().split("\n");
    const final = lines.find((l) => l.startsWith('{"thermostat"'));
    console.log(`anchor's emulator at the end: ${final ?? "(no line)"}`);
    for (const l of run.stderr.split("\n").filter((l) => /Thermostat|thermostat pairing/.test(l)))
      console.log(`  anchor log: ${l.replace(/^\S+ \S+ /, "")}`);
    const records = readFileSync(busLog, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as BusLogRecord);
    const fromAnchor = records.filter((r) => r.valid && r.sender.startsWith("pty:"));
    const identities = fromAnchor.filter((r) => r.destination === PANEL && payloadOf(r).length === 67);
    for (const r of identities) {
      const payload = payloadOf(r);
      const real = identityMismatchAt(payload, undefined);
      const ours = identityMismatchAt(payload, VIRTUAL_THERMOSTAT_IDENTITY);
      console.log(
        `identity from ${r.source} (command 0x${r.command?.toString(16)}) at ${at(r)}: ` +
          `${real === -1 ? "equals a real ecoSTER_40's" : `differs from a real ecoSTER_40's at byte ${real}`}, ` +
          `${ours === -1 ? "equals ours" : `differs from ours at byte ${ours}`}`,
      );
    }
    const assignments = records.filter((r) => r.valid && r.source === PANEL && functionOf(r) === 0x2005);
    for (const r of assignments)
      console.log(`panel 0x2005 at ${at(r)} to ${r.destination}: address ${payloadOf(r).readUInt16LE(4)}`);
    const paired = new Set([
      ...assignments.map((r) => payloadOf(r).readUInt16LE(4)),
      ...identities.filter((r) => r.source !== 163).map((r) => r.source),
    ]);
    for (const address of paired) {
      const asked = records.filter((r) => r.valid && r.source === PANEL && r.destination === address).length;
      const answered = fromAnchor.filter((r) => r.source === address).length;
      console.log(
        `address ${address}: the panel sent ${asked} frames to it, the anchor answered ${answered} from it`,
      );
    }
    if (identities.length === 0) console.log("the anchor answered no pairing beacon or probe");
  } finally {
    if (sim.exitCode === null) {
      sim.kill("SIGTERM");
      await simExited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
