/**
 * The serial path end to end: `gm3 sim --pty` (a real tty made by socat) opened with `serialport`
 * like a USB adapter; discovery, a poll and a write go through it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayCore } from "../../src/gateway/core.js";
import { SerialLink } from "../../src/transport/serial-link.js";
import { ensureBuiltCli } from "../helpers/built-cli.js";
import { eventually, fastCoreOptions } from "../helpers/sim-gateway.js";

describe("gateway core through a real pseudo-terminal", () => {
  let dir: string;
  let sim: ChildProcess;
  let core: GatewayCore;
  let tty: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gm3-pty-"));
    tty = join(dir, "ttyGM3");
    sim = spawn(process.execPath, [ensureBuiltCli(), "sim", "--pty", tty, "--gateway", "114", "--fast"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    await eventually(() => existsSync(tty), `the simulator's tty at ${tty}`, 10_000);
    core = new GatewayCore({
      ...fastCoreOptions(undefined, {
        create: () => new SerialLink(tty, 115_200),
        kind: "serial",
        target: tty,
      }),
      responseTimeoutMs: 1_000,
      pollIntervalMs: 1_000,
      simulator: false,
    });
    await core.start();
  }, 30_000);

  afterAll(async () => {
    await core?.stop();
    sim?.kill("SIGTERM");
    if (sim && sim.exitCode === null) await new Promise((resolve) => sim.once("exit", resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("discovers both spaces, completes a poll and confirms a write over the tty", async () => {
    await core.waitForData(45_000);
    const status = core.status();
    expect(status.link).toMatchObject({ kind: "serial", state: "up", target: tty });
    expect(status.discovery).toMatchObject({ regulatorCount: 1447, panelCount: 423 });
    expect(core.store.firstPollComplete).toBe(true);
    expect(core.store.get(10)?.value).toBe("2L7SDPN6KQ38CIH2401K01U");
    const before = core.store.get(702)!.value as number;
    const target = before === 26 ? 27 : 26;
    const outcome = await core.write({ target: "SummerOn", value: target, origin: "test" });
    expect(outcome).toMatchObject({ newValue: target, confirmation: "ack+read-back", resultCode: 0xe5 });
    // A fresh poll reads the new value back from the simulated controller too.
    const cycles = core.status().poll.cycles;
    await eventually(() => core.status().poll.cycles > cycles, "another poll", 15_000);
    expect(core.store.get(702)!.value).toBe(target);
  }, 60_000);
});
