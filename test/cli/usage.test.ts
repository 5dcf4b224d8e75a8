/** Help, version, usage and configuration errors of every `gm3` command (exit codes 0 and 2). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CliCommand } from "../../src/cli/command.js";
import { configCommand } from "../../src/cli/config.js";
import { decodeCommand } from "../../src/cli/decode.js";
import { getCommand } from "../../src/cli/get.js";
import { scanCommand } from "../../src/cli/scan.js";
import { serveCommand } from "../../src/cli/serve.js";
import { setCommand } from "../../src/cli/set.js";
import { simCommand } from "../../src/cli/sim.js";
import { sniffCommand } from "../../src/cli/sniff.js";
import { gm3 } from "./harness.js";

const commands: CliCommand[] = [
  serveCommand,
  simCommand,
  decodeCommand,
  sniffCommand,
  scanCommand,
  getCommand,
  setCommand,
  configCommand,
];

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("gm3 --help and --version", () => {
  it("lists exactly the commands this file tests, each with its summary", async () => {
    const { code, stdout, stderr } = await gm3(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const listed = stdout
      .split("\n")
      .filter((line) => /^ {2}\S/.test(line))
      .map((line) => line.trim().split(/\s+/)[0]);
    expect(listed).toEqual(commands.map((c) => c.name));
    for (const c of commands) expect(stdout).toContain(c.summary);
    expect(stdout).toMatch(/no command: serve/);
  });

  it("prints the package version", async () => {
    for (const flag of ["--version", "-v"]) {
      const { code, stdout } = await gm3([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${packageJson.version}\n`);
    }
  });

  for (const command of commands) {
    it(`gm3 ${command.name} --help describes every option it accepts`, async () => {
      const { code, stdout, stderr } = await gm3([command.name, "--help"]);
      expect(code).toBe(0);
      expect(stderr).toBe("");
      expect(stdout.startsWith(`gm3 ${command.name} — ${command.summary}\n`)).toBe(true);
      expect(stdout).toMatch(new RegExp(`^Usage: gm3 ${command.name}\\b`, "m"));
      for (const option of Object.keys(command.options)) expect(stdout).toContain(`--${option}`);
      expect(stdout).toContain("-h, --help");
      // -h works too, and nothing runs.
      expect((await gm3([command.name, "-h"])).stdout).toBe(stdout);
    });
  }
});

describe("usage errors exit 2 and say what to do", () => {
  it("an unknown command", async () => {
    const { code, stdout, stderr } = await gm3(["frobnicate"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe("gm3: unknown command 'frobnicate'. Run 'gm3 --help' for the list of commands.\n");
  });

  for (const command of commands) {
    it(`gm3 ${command.name} with an unknown option`, async () => {
      const { code, stdout, stderr } = await gm3([command.name, "--no-such-option"]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(new RegExp(`^gm3 ${command.name}: .*--no-such-option`));
      expect(stderr).toContain(`Run 'gm3 ${command.name} --help' for the options.`);
    });
  }

  it("get and set without the arguments they need", async () => {
    const get = await gm3(["get"]);
    expect(get.code).toBe(2);
    expect(get.stderr).toMatch(/gm3 get: name at least one parameter: gm3 get HDWTSetPoint/);
    for (const argv of [["set"], ["set", "HDWTSetPoint"], ["set", "HDWTSetPoint", "48", "49"]]) {
      const set = await gm3(argv);
      expect(set.code).toBe(2);
      expect(set.stderr).toMatch(/gm3 set: give a parameter and a value: gm3 set HDWTSetPoint 48/);
    }
  });

  it("a bad --timeout, before anything is opened", async () => {
    for (const command of ["get", "set"]) {
      const args = command === "get" ? ["X"] : ["X", "1"];
      const { code, stderr } = await gm3([command, ...args, "--timeout", "soon"], {
        SERIAL_PORT: "tcp://127.0.0.1:1",
      });
      expect(code).toBe(2);
      expect(stderr).toMatch(/--timeout must be a positive number of seconds, got "soon"/);
    }
    const scan = await gm3(["scan", "--listen", "later"], { SERIAL_PORT: "tcp://127.0.0.1:1" });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toMatch(/--listen must be a number of seconds, got "later"/);
  });

  it("commands that take no arguments", async () => {
    for (const name of ["serve", "sim", "sniff", "scan", "config"]) {
      const { code, stderr } = await gm3([name, "extra"]);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^gm3 ${name}: .*extra`));
    }
  });
});

describe("configuration errors exit 2 before anything is opened", () => {
  const broken = { SERIAL_BAUD: "12345", SERIAL_PORT: "tcp://127.0.0.1:1" };
  const invocations: Record<string, string[]> = {
    serve: ["serve"],
    sniff: ["sniff", "--count", "1"],
    scan: ["scan", "--listen", "0"],
    get: ["get", "HDWTSetPoint"],
    set: ["set", "HDWTSetPoint", "48"],
    config: ["config"],
  };
  for (const [name, argv] of Object.entries(invocations)) {
    it(`gm3 ${name} with SERIAL_BAUD=12345`, async () => {
      const { code, stdout, stderr } = await gm3(argv, broken);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(new RegExp(`^gm3 ${name}: .*SERIAL_BAUD`));
      expect(stderr).toMatch(/115200/);
    });
  }

  it("a --config file that does not exist", async () => {
    const { code, stderr } = await gm3(["get", "X", "--config", "/nonexistent/gm3.yaml"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/gm3 get: .*\/nonexistent\/gm3\.yaml/);
  });
});

describe("gm3 config --json", () => {
  it("parses, and shows where each value came from", async () => {
    const { code, stdout } = await gm3(["config", "--json"], { SERIAL_PORT: "tcp://127.0.0.1:8899" });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      settings: Record<string, { value: unknown; source: string }>;
    };
    expect(report.settings.SERIAL_PORT).toMatchObject({ value: "tcp://127.0.0.1:8899", source: "env" });
    expect(report.settings.API_PORT).toMatchObject({ value: 8000, source: "default" });
  });
});
