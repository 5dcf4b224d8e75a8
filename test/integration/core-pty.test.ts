/**
 * The serial path end to end: `gm3 sim --pty` (a real tty made by socat) opened with `serialport`
 * like a USB adapter; discovery, a poll and a write go through it. In real time (a child process
 * and a real tty cannot share a virtual clock), with the simulator's field timing (a grant every
 * ~10 s, bytes at 115200 baud) and the gateway's default settings, so the test takes a few grants.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreOptionsFromConfig } from "../../src/app/core-options.js";
import { GatewayCore } from "../../src/gateway/core.js";
import { ensureBuiltCli } from "../helpers/built-cli.js";
import { FIELD_GATEWAY_ADDRESS, fieldConfig } from "../helpers/field-gateway.js";
import { eventually } from "../helpers/sim-gateway.js";

/** Resolves at the gateway's next token grant. */
function nextGrant(core: GatewayCore): Promise<void> {
  return new Promise((resolve) => {
    const onToken = ({ holding }: { holding: boolean }) => {
      if (!holding) return;
      core.bus.off("token", onToken);
      resolve();
    };
    core.bus.on("token", onToken);
  });
}

/** Resolves when the poll cycle after the current one has completed. */
function nextPoll(core: GatewayCore): Promise<void> {
  const cycles = core.status().poll.cycles;
  return new Promise((resolve) => {
    const onStatus = () => {
      if (core.status().poll.cycles <= cycles || core.status().poll.consecutiveFailures > 0) return;
      core.off("status", onStatus);
      resolve();
    };
    core.on("status", onStatus);
  });
}

describe("gateway core through a real pseudo-terminal", () => {
  let dir: string;
  let sim: ChildProcess;
  let core: GatewayCore;
  let tty: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gm3-pty-"));
    tty = join(dir, "ttyGM3");
    sim = spawn(
      process.execPath,
      [ensureBuiltCli(), "sim", "--pty", tty, "--gateway", String(FIELD_GATEWAY_ADDRESS)],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    await eventually(() => existsSync(tty), `the simulator's tty at ${tty}`, 10_000);
    core = new GatewayCore(
      coreOptionsFromConfig(fieldConfig({ SERIAL_PORT: tty, STATE_DIR: join(dir, "state") }), {
        logger: pino({ level: "silent" }),
      }),
    );
    await core.start();
  }, 30_000);

  afterAll(async () => {
    await core?.stop();
    sim?.kill("SIGTERM");
    if (sim && sim.exitCode === null) await new Promise((resolve) => sim.once("exit", resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("discovers both spaces, completes a poll and confirms a write over the tty", async () => {
    // The first grant carries the discovery and the first poll.
    await core.waitForData(30_000);
    const status = core.status();
    expect(status.link).toMatchObject({ kind: "serial", state: "up", target: tty });
    expect(status.simulator).toBe(false);
    expect(status.discovery).toMatchObject({ regulatorCount: 1447, panelCount: 423 });
    expect(core.store.firstPollComplete).toBe(true);
    expect(core.store.get(10)?.value).toBe("2L7SDPN6KQ38CIH2401K01U");
    const before = core.store.get(702)!.value as number;
    const target = before === 26 ? 27 : 26;
    // Written in the next grant (WRITE_TIMEOUT is shorter than a grant interval).
    await nextGrant(core);
    const outcome = await core.write({ target: "SummerOn", value: target, origin: "test" });
    expect(outcome).toMatchObject({ newValue: target, confirmation: "ack+read-back", resultCode: 0xe5 });
    // A fresh poll (POLL_INTERVAL after the last, at the grant after that) reads the new value too.
    await nextPoll(core);
    expect(core.store.get(702)!.value).toBe(target);
  }, 60_000);
});
