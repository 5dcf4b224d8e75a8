/**
 * The built CLI as real processes: exit codes as a shell sees them, and a graceful stop on
 * SIGTERM/SIGINT for the long-running commands (`serve`, `sim --tcp`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltCli } from "../helpers/built-cli.js";
import { type CliProcess, killCliProcesses, startCliProcess } from "../helpers/cli-process.js";
import { eventually } from "../helpers/sim-gateway.js";

let cli: string;
let dir: string;

beforeAll(() => {
  cli = ensureBuiltCli();
  dir = mkdtempSync(join(tmpdir(), "gm3-proc-"));
}, 150_000);
afterEach(() => {
  killCliProcesses();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `node dist/cli.js argv…` with only the environment given (plus PATH). */
function start(argv: string[], env: Record<string, string> = {}): CliProcess {
  return startCliProcess(cli, argv, dir, env);
}

async function run(argv: string[], env: Record<string, string> = {}) {
  const p = start(argv, env);
  const { code, signal } = await p.exited;
  return { code, signal, stdout: p.stdout(), stderr: p.stderr() };
}

/** JSON log lines of a serve process. */
function events(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => (JSON.parse(line) as { event?: string }).event ?? "");
}

describe("exit codes of the built CLI", () => {
  it("0 for --version, 2 for a usage error, 1 for an unreachable port", async () => {
    const version = await run(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);

    const usage = await run(["get"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^gm3 get: name at least one parameter/);

    const unreachable = await run(["get", "HDWTSetPoint", "--timeout", "1"], {
      SERIAL_PORT: "tcp://127.0.0.1:1",
      STATE_DIR: join(dir, "state-unreachable"),
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toBe("");
    expect(unreachable.stderr).toMatch(/gm3 get: no parameters after 1 s: .*refused \(is ser2net/);
  });
});

describe("one-shot commands on a link that cannot open for good", () => {
  // The process must end by itself: nothing may keep it alive waiting out --timeout or --listen.
  it.each([
    ["get", ["get", "HDWTSetPoint", "--timeout", "600"]],
    ["set", ["set", "HDWTSetPoint", "48", "--timeout", "600"]],
    ["scan", ["scan", "--timeout", "600"]],
  ])(
    "gm3 %s on a missing device exits 1 at once, with the hint, instead of waiting",
    async (name, argv) => {
      const missing = join(dir, "ttyUSB-missing");
      const result = await run(argv, { SERIAL_PORT: missing, STATE_DIR: join(dir, `state-missing-${name}`) });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(
        new RegExp(
          `gm3 ${name}: .*serial device .*ttyUSB-missing does not exist — check that the adapter is plugged in`,
        ),
      );
      expect(result.stderr).not.toMatch(/no parameters after|unexpected error/);
    },
    20_000,
  );
});

describe("gm3 serve", () => {
  it("runs the built-in simulator and stops with exit code 0 on SIGTERM", async () => {
    const serve = start(["serve"], {
      STATE_DIR: join(dir, "state-serve"),
      API_PORT: "0",
      LOG_FORMAT: "json",
    });
    await eventually(() => events(serve.stdout()).includes("gateway.started"), "gateway.started", 15_000);
    expect(events(serve.stdout())).toContain("simulator.active");
    serve.child.kill("SIGTERM");
    const { code, signal } = await serve.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(events(serve.stdout())).toEqual(expect.arrayContaining(["gateway.stopping", "gateway.stopped"]));
    expect(serve.stderr()).toBe("");
  });

  it("is the default command, and stops with exit code 0 on SIGINT", async () => {
    const serve = start([], { STATE_DIR: join(dir, "state-default"), API_PORT: "0", LOG_FORMAT: "json" });
    await eventually(() => events(serve.stdout()).includes("gateway.started"), "gateway.started", 15_000);
    serve.child.kill("SIGINT");
    const { code } = await serve.exited;
    expect(code).toBe(0);
    expect(serve.stdout()).toMatch(/"signal":"SIGINT"/);
  });
});

describe("gm3 sim --tcp", () => {
  it("serves a bus another gm3 process reads, and stops with exit code 0 on SIGTERM", async () => {
    const sim = start(["sim", "--tcp", "127.0.0.1:0", "--fast", "--gateway", "114"]);
    await eventually(() => /TCP on 127\.0\.0\.1:\d+/.test(sim.stdout()), "the TCP line", 15_000);
    const port = /TCP on 127\.0\.0\.1:(\d+)/.exec(sim.stdout())?.[1];

    const get = await run(["get", "HDWTSetPoint", "--json", "--timeout", "30"], {
      SERIAL_PORT: `tcp://127.0.0.1:${port}`,
      GM3_SOURCE_ADDRESS: "114",
      STATE_DIR: join(dir, "state-sim"),
    });
    expect(get.stderr).toMatch(/discovered 1447 \+ 423 parameters/);
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout)).toMatchObject({ HDWTSetPoint: { index: 103, value: 46, writable: true } });

    sim.child.kill("SIGTERM");
    const { code, signal } = await sim.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(sim.stdout()).toMatch(/gm3 sim: stopped\n$/);
  });
});
