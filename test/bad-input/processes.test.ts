/**
 * The 1,100-character FN write as a user met it, against real processes of the built CLI and a
 * simulator on TCP: `gm3 serve` ended when the oversized frame was due (the HTTP client got no
 * answer, the next request no connection), and `gm3 set` ended with a stack trace. Now `serve`
 * answers 400 too-long and keeps serving (a valid write still goes out), and `set` exits 2 with
 * one line. MODIFY_PARAM frames are counted on the simulator's bus log. EXPERT_WRITES=true, so the
 * frame limit, not the expert gate, is what refuses it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Command } from "../../src/protocol/index.js";
import { startTcpSim, type TcpSim } from "../cli/harness.js";
import { ensureBuiltCli } from "../helpers/built-cli.js";
import { killCliProcesses, startCliProcess } from "../helpers/cli-process.js";
import { freePort } from "../helpers/mosquitto.js";
import { eventually } from "../helpers/sim-gateway.js";
import { P } from "./harness.js";

const LONG_FN = JSON.stringify({ value: "9".repeat(1100) });

let cli: string;
let bus: TcpSim;
let dir: string;

beforeAll(async () => {
  cli = ensureBuiltCli();
  bus = await startTcpSim({ liveValues: false, thermostatCopies: [], presenceWrites: [] });
  dir = mkdtempSync(join(tmpdir(), "gm3-bad-proc-"));
}, 150_000);
afterEach(() => {
  killCliProcesses();
});
afterAll(async () => {
  await bus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const modifyFrames = () =>
  bus.framesFromClients().filter((entry) => entry.frame?.command === Command.MODIFY_PARAM).length;

function start(argv: string[], env: Record<string, string>) {
  return startCliProcess(cli, argv, dir, { ...bus.env, EXPERT_WRITES: "true", ...env });
}

/** Bounded: until /health answers 200 (a poll confirmed the data; writes are accepted). */
async function dataServed(base: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${base}/health`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`no data served within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the 1,100-character FN write against real processes", () => {
  it("gm3 set FN <1,100 characters> exits 2 with one line, no stack trace, nothing sent", async () => {
    const before = modifyFrames();
    const p = start(["set", "FN", "9".repeat(1100), "--timeout", "20"], {});
    const { code } = await p.exited;
    expect(code, p.stderr()).toBe(2);
    const lines = p.stderr().trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(/^gm3 set: the string for FN is 1100 bytes of UTF-8 .* — nothing was sent$/);
    expect(lines.filter((line) => line.startsWith("gm3 set:"))).toHaveLength(1);
    expect(p.stderr()).not.toMatch(/^\s+at |FrameError|unexpected error/m);
    expect(modifyFrames()).toBe(before);
  });

  it("gm3 serve answers it with 400 too-long and keeps serving: health, reads, and a valid write", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const p = start(["serve"], {
      API_HOST: "127.0.0.1",
      API_PORT: String(port),
      LOG_FORMAT: "json",
    });
    await eventually(
      () => p.stdout().includes('"event":"gateway.started"') || p.child.exitCode !== null,
      "the API",
      30_000,
    );
    expect(p.child.exitCode, p.stderr()).toBeNull();
    await dataServed(base);

    const before = modifyFrames();
    const res = await fetch(`${base}/api/parameters/FN`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: LONG_FN,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "too-long" });
    expect(modifyFrames()).toBe(before);

    // Still the same process, still serving, and the bus still sends.
    expect(p.child.exitCode).toBeNull();
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/api/parameters/9`)).status).toBe(200);
    const target = Number(bus.sim.getValue(P.setpoint.index)) === 50 ? 51 : 50;
    const write = await fetch(`${base}/api/parameters/${P.setpoint.name}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: target }),
    });
    expect(write.status, await write.clone().text()).toBe(200);
    expect(bus.sim.getValue(P.setpoint.index)).toBe(target);
    expect(modifyFrames()).toBe(before + 1);

    p.child.kill("SIGTERM");
    expect((await p.exited).code).toBe(0);
    expect(p.stdout()).not.toMatch(/"level":60|internal error/);
  });
});
