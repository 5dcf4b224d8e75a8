/** `gm3 sniff` (listen only, record) and `gm3 scan` (join, identify, count, leave) against a TCP simulator. */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Address } from "../../src/protocol/constants.js";
import { auditToken } from "../helpers/token-audit.js";
import { gm3, parseJsonLines, startTcpSim, type TcpSim } from "./harness.js";

let dir: string;
let bus: TcpSim;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gm3-sniff-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await bus?.stop();
});

/** Everything (frames or not) that the CLI's own connections put on the wire. */
const entriesFromClients = () =>
  bus.sim.bus.log.entries.filter((entry) => bus.clients.includes(entry.sender));

describe("gm3 sniff", () => {
  it("prints frames as they pass, transmits nothing, and records bytes that gm3 decode reads back", async () => {
    bus = await startTcpSim();
    const record = join(dir, "capture.bin");
    const { code, stdout, stderr } = await gm3(
      ["sniff", "--json", "--count", "40", "--record", record, "--duration", "15"],
      bus.env,
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/listening on tcp:\/\/127\.0\.0\.1:\d+ \(nothing is transmitted\)/);
    expect(stderr).toMatch(
      new RegExp(`40 frames, \\d+ bytes, .*raw bytes in ${record.replace(/[.\\/]/g, "\\$&")}`),
    );
    // The sniffer was connected, and nothing it did reached the wire.
    expect(bus.clients).toHaveLength(1);
    expect(entriesFromClients()).toEqual([]);

    const sniffed = parseJsonLines(stdout) as {
      type: string;
      frame: number;
      source: number;
      destination: number;
      commandName: string;
      raw: string;
    }[];
    expect(sniffed).toHaveLength(40);
    expect(sniffed.map((f) => f.frame)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(sniffed.map((f) => f.type))).toEqual(new Set(["frame"]));
    // The devices of the simulated bus are all heard from.
    const sources = new Set(sniffed.map((f) => f.source));
    expect(sources.has(Address.PANEL)).toBe(true);
    expect(sources.has(Address.CONTROLLER)).toBe(true);

    // The recording holds at least the printed frames (bytes that arrived in the same chunk as
    // the 40th frame may follow), and gm3 decode finds the same frames in it.
    expect(statSync(record).size).toBeGreaterThanOrEqual(sniffed.reduce((n, f) => n + f.raw.length / 2, 0));
    const decoded = await gm3(["decode", record, "--json"]);
    expect(decoded.code).toBe(0);
    const events = parseJsonLines(decoded.stdout) as { type: string; raw?: string; crcErrors?: number }[];
    const frames = events.filter((e) => e.type === "frame").map((e) => e.raw);
    expect(frames.slice(0, 40)).toEqual(sniffed.map((f) => f.raw));
    expect(events.at(-1)).toMatchObject({ type: "summary", crcErrors: 0 });
    expect(readFileSync(record).subarray(0, 1)[0]).toBe(0x68);
  });

  it("prints one readable line per frame and stops after --duration", async () => {
    bus = await startTcpSim();
    const { code, stdout, stderr } = await gm3(["sniff", "--duration", "1"], bus.env);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).toMatch(/^\s*\d+\.\d{3} \S+ → \S+ [A-Z_]+/);
    expect(stderr).toMatch(new RegExp(`^${lines.length} frames, `, "m"));
    expect(entriesFromClients()).toEqual([]);
  });

  it("exits 2 for a bad option value and 1 when the port cannot be opened", async () => {
    bus = await startTcpSim();
    const bad = await gm3(["sniff", "--count", "zero"], bus.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--count must be a positive number, got "zero"/);
    const unreachable = await gm3(["sniff", "--port", "tcp://127.0.0.1:1", "--count", "1"], bus.env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/gm3 sniff: .*127\.0\.0\.1:1.* — is ser2net/);
  });

  it("blames --port and --baud, not the environment, for bad flag values (exit 2)", async () => {
    const env = { SERIAL_PORT: "tcp://127.0.0.1:1" };
    const port = await gm3(["sniff", "--port", "foo:bar", "--count", "1"], env);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/SERIAL_PORT \(from --port\): "foo:bar" is not an absolute device path/);
    expect(port.stderr).not.toMatch(/environment variable/);
    const baud = await gm3(["sniff", "--port", "tcp://127.0.0.1:1", "--baud", "12", "--count", "1"], env);
    expect(baud.code).toBe(2);
    expect(baud.stderr).toMatch(/SERIAL_BAUD \(from --baud\): 12 is not supported/);
    expect(baud.stderr).not.toMatch(/environment variable/);
  });

  it("says what SERIAL_PORT must be when the port is not a serial device (a configuration error: exit 2)", async () => {
    const { code, stdout, stderr } = await gm3(["sniff", "--port", "/dev/null", "--count", "1"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^gm3 sniff: Invalid configuration: SERIAL_PORT \(from --port\): \/dev\/null is not a serial device \(.*\); SERIAL_PORT must be a tty such as \/dev\/ttyUSB0, or tcp:\/\/host:port for ser2net\.\n$/,
    );
  });
});

interface ScanReport {
  link: string;
  frames: number;
  gatewayAddress: number | null;
  devices: { address: number; role: string; framesSent: number; parameterCount?: number }[];
}

describe("gm3 scan", () => {
  it("--json lists controller, panel, thermostat and poller with the parameter counts, then leaves", async () => {
    bus = await startTcpSim();
    const { code, stdout, stderr } = await gm3(
      ["scan", "--listen", "2", "--timeout", "15", "--json"],
      bus.env,
    );
    expect(stderr).not.toMatch(/gm3 scan:/);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ScanReport;
    expect(report.link).toBe(bus.url);
    expect(report.gatewayAddress).toBe(114);
    const byAddress = new Map(report.devices.map((d) => [d.address, d]));
    expect(byAddress.get(1)).toMatchObject({ role: "controller", parameterCount: 1447 });
    expect(byAddress.get(100)).toMatchObject({ role: "panel", parameterCount: 423 });
    expect(byAddress.get(165)).toMatchObject({ role: "thermostat" });
    expect(byAddress.get(0xffff)).toMatchObject({ role: "poller" });
    expect(bus.sim.controller.parameterCount).toBe(1447);
    expect(bus.sim.panel.parameterCount).toBe(423);
    expect(byAddress.get(1)).toHaveProperty("identity.model", expect.stringContaining("ecoMAX360i"));

    // Polite: it spoke only while holding the token, gave it back, and wrote nothing.
    const audit = auditToken(bus.sim.bus.log.entries, 114);
    expect(audit.grants).toBeGreaterThan(0);
    expect(audit.outsideToken).toEqual([]);
    const ours = entriesFromClients();
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((e) => e.frame?.source === 114)).toBe(true);
    expect(bus.sim.controller.writes.filter((w) => w.source === 114)).toEqual([]);
  });

  it("prints a table in text mode", async () => {
    bus = await startTcpSim();
    const { code, stdout } = await gm3(["scan", "--listen", "2", "--timeout", "15"], bus.env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Bus on tcp:\/\/127\.0\.0\.1:\d+ at 115200 baud — \d+ frames in [\d.]+ s$/m);
    expect(stdout).toMatch(/^Our address: 114 \(fixed\)$/m);
    expect(stdout).toMatch(/^1 +controller +\d+ +PLUM .*ecoMAX360i.*; 1447 parameters$/m);
    expect(stdout).toMatch(/^100 +panel +\d+ +423 parameters(; [\d.]+ °C)?$/m);
    expect(stdout).toMatch(/^165 +thermostat +\d+/m);
    expect(stdout).toMatch(/^0xFFFF +poller +\d+ +polls the controller/m);
  });

  it("exits 1 with what to check when the panel never grants the token", async () => {
    bus = await startTcpSim({ faults: { tokenGrants: false } });
    const { code, stderr } = await gm3(["scan", "--listen", "0.5", "--timeout", "1"], bus.env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/gm3 scan: .*never granted the token to address 114/);
    expect(entriesFromClients()).toEqual([]);
  });
});
