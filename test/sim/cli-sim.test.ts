import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/command.js";
import { runCli } from "../../src/cli/main.js";
import { parsePairing, parseTcpAddress, runSimulator, simulationOptions } from "../../src/cli/sim.js";
import { Command, encodeFrameOrThrow, Framer } from "../../src/protocol/index.js";
import { parseFaultSpec } from "../../src/sim/fault-spec.js";
import { FIELD_TIMING, resolveOptions, SIM_TIMINGS } from "../../src/sim/index.js";

const root = join(import.meta.dirname, "..", "..");
const socatAvailable = spawnSync("socat", ["-V"]).status === 0;
const identify = encodeFrameOrThrow({
  destination: 1,
  source: 114,
  command: Command.IDENTIFY,
  payload: Buffer.alloc(0),
});

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sends IDENTIFY to the controller over a stream and resolves with the answer's command. */
function identifyOver(stream: NodeJS.ReadWriteStream, timeoutMs = 5_000): Promise<number> {
  const framer = new Framer();
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const reply = framer.push(chunk).find((f) => f.source === 1 && f.destination === 114);
      if (reply) {
        clearTimeout(timer);
        stream.off("data", onData);
        resolve(reply.command);
      }
    };
    const timer = setTimeout(() => {
      stream.off("data", onData);
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    stream.on("data", onData);
    stream.write(identify);
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("gm3 sim arguments", () => {
  it("asks where to expose the bus", async () => {
    const { io, err } = capture();
    expect(await runCli(["sim"], io)).toBe(2);
    expect(err()).toMatch(/--tcp 127.0.0.1:PORT and\/or --pty PATH/);
  });

  it("rejects bad faults, ports and baud rates with exit code 2", async () => {
    for (const args of [
      ["--tcp", "127.0.0.1:0", "--faults", "crc=2"],
      ["--tcp", "127.0.0.1:0", "--faults", "jitter=1"],
      ["--tcp", "127.0.0.1:0", "--faults", "silence=5000"],
      ["--tcp", "127.0.0.1:0", "--faults", "unplug=0:1000:500"],
      ["--tcp", "127.0.0.1:99999"],
      ["--tcp", "127.0.0.1:0", "--baud", "fast"],
      ["--tcp", "127.0.0.1:0", "--timing", "fast"],
      ["--tcp", "127.0.0.1:0", "--bus-log", "/nonexistent-dir/bus.jsonl"],
    ]) {
      const { io, err } = capture();
      expect(await runCli(["sim", ...args], io), args.join(" ")).toBe(2);
      expect(err()).toMatch(/gm3 sim: /);
    }
  });

  it("runs a real bus's timing unless --timing demo is given", () => {
    const field = resolveOptions(simulationOptions({}));
    for (const [name, value] of Object.entries(FIELD_TIMING)) {
      expect(field[name as keyof typeof FIELD_TIMING], name).toBe(value);
    }
    expect(resolveOptions(simulationOptions({ timing: "field", fast: true }))).toMatchObject(FIELD_TIMING);
    const demo = resolveOptions(simulationOptions({ timing: "demo" }));
    expect(demo).toMatchObject({ ...FIELD_TIMING, ...SIM_TIMINGS.demo });
    expect(demo.tokenGrantIntervalMs).toBe(0);
  });

  it("parses the thermostat flags: --no-thermostat, --pairing AFTER[:DURATION]", () => {
    expect(resolveOptions(simulationOptions({})).wiredThermostat).toBe(true);
    expect(resolveOptions(simulationOptions({ "no-thermostat": true })).wiredThermostat).toBe(false);
    expect(parsePairing("30")).toEqual({ afterMs: 30_000, durationMs: 60_000 });
    expect(parsePairing("0:120")).toEqual({ afterMs: 0, durationMs: 120_000 });
    for (const bad of ["", "x", "10:0", "1:2:3", "-1"]) expect(() => parsePairing(bad)).toThrow(UsageError);
  });

  it("parses TCP addresses and fault specs", () => {
    expect(parseTcpAddress("8899")).toEqual({ host: "127.0.0.1", port: 8899 });
    expect(parseTcpAddress("0.0.0.0:23")).toEqual({ host: "0.0.0.0", port: 23 });
    expect(parseFaultSpec("crc=0.01, drop=0.2,latency=0.1:300,no-token")).toEqual({
      crcErrorRate: 0.01,
      dropResponseRate: 0.2,
      extraLatencyRate: 0.1,
      extraLatencyMs: 300,
      tokenGrants: false,
    });
  });
});

describe("gm3 sim running", () => {
  it("serves TCP in process until stopped, then says so", async () => {
    const { io, out } = capture();
    const stop = new AbortController();
    const running = runSimulator({ tcp: "127.0.0.1:0", "no-poller": true, seed: "5" }, io, stop.signal);
    await waitFor(() => out().includes("running"));
    const port = Number(/TCP on 127\.0\.0\.1:(\d+)/.exec(out())![1]);
    const socket = connect(port, "127.0.0.1");
    try {
      await new Promise<void>((resolve) => socket.once("connect", resolve));
      expect(await identifyOver(socket)).toBe(Command.IDENTIFY_RESPONSE);
    } finally {
      socket.destroy();
    }
    stop.abort();
    expect(await running).toBe(0);
    expect(out()).toMatch(/poller off, seed 5/);
    expect(out()).toContain("gm3 sim: field timing: the token comes every ~10 s, as on a real bus\n");
    expect(out()).toMatch(/stopped\n$/);
  });

  it("--timing demo says so; --bus-log records every frame as a JSON line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gm3-sim-log-"));
    const file = join(dir, "bus.jsonl");
    try {
      const { io, out } = capture();
      const stop = new AbortController();
      const running = runSimulator(
        { tcp: "127.0.0.1:0", "no-poller": true, timing: "demo", "bus-log": file, gateway: ["114"] },
        io,
        stop.signal,
      );
      await waitFor(() => out().includes("running"));
      const port = Number(/TCP on 127\.0\.0\.1:(\d+)/.exec(out())![1]);
      const socket = connect(port, "127.0.0.1");
      try {
        await new Promise<void>((resolve) => socket.once("connect", resolve));
        // The panel (demo timing) may be talking: retry if a collision garbles our request.
        let answer: number | undefined;
        for (let attempt = 0; attempt < 10 && answer === undefined; attempt++) {
          answer = await identifyOver(socket, 1_000).catch(() => undefined);
        }
        expect(answer).toBe(Command.IDENTIFY_RESPONSE);
      } finally {
        socket.destroy();
      }
      stop.abort();
      expect(await running).toBe(0);
      expect(out()).toContain(
        "gm3 sim: demo timing: the token comes every ~2.6 s here, every ~10 s on a real bus\n",
      );
      expect(out()).toContain("the panel knows gateway 114");
      const lines = readFileSync(file, "utf8").trimEnd().split("\n");
      const records = lines.map((line) => JSON.parse(line));
      const ours = records.find((r) => r.source === 114 && r.command === Command.IDENTIFY && r.valid);
      expect(ours).toMatchObject({ destination: 1, length: identify.length, hex: identify.toString("hex") });
      expect(ours.sender).toMatch(/^tcp:/);
      expect(ours.end_ms).toBeCloseTo(ours.time_ms + (identify.length * 10_000) / 115_200, 2);
      const answer = records.find((r) => r.source === 1 && r.destination === 114);
      expect(answer).toMatchObject({
        sender: "controller",
        command: Command.IDENTIFY_RESPONSE,
        collided: false,
      });
      expect(answer.time_ms).toBeGreaterThan(ours.end_ms);
      // The panel's own traffic is there too, in wire order.
      expect(records.some((r) => r.sender === "panel")).toBe(true);
      const times = records.map((r) => r.time_ms);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!socatAvailable)(
    "as a process: a tty for serialport, clean exit on SIGTERM, no tty left (skipped without socat)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "gm3-cli-"));
      const path = join(dir, "tty");
      try {
        const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "sim", "--pty", path], {
          cwd: root,
          stdio: ["ignore", "pipe", "pipe"],
        });
        children.push(child);
        let out = "";
        child.stdout!.on("data", (d) => (out += d));
        child.stderr!.on("data", (d) => (out += d));
        await waitFor(() => out.includes("running"), 20_000);
        expect(out).toContain(`serial tty at ${path}`);
        const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
        await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
        try {
          // The panel and poller are running: retry if a collision garbles our request.
          let answer: number | undefined;
          for (let attempt = 0; attempt < 10 && answer === undefined; attempt++) {
            answer = await identifyOver(port, 1_000).catch(() => undefined);
          }
          expect(answer).toBe(Command.IDENTIFY_RESPONSE);
        } finally {
          await new Promise<void>((resolve) => port.close(() => resolve()));
        }
        const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
        expect(out).toMatch(/stopped/);
        expect(existsSync(path)).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
