/**
 * The add-on's `run` script with a fake /data/options.json and a fake Supervisor (its MQTT service
 * on 127.0.0.1): every option reaches the gateway's environment, and a bad value is refused with
 * the gateway's own configuration message, before the gateway starts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuiltCli } from "../helpers/built-cli.js";

const RUN = "ha-addon/econet-gm3-gateway/run";
const dir = mkdtempSync(join(tmpdir(), "gm3-addon-"));
let supervisor: Server;
let supervisorUrl = "";
let cli = "";
const seenTokens: string[] = [];

beforeAll(async () => {
  cli = ensureBuiltCli();
  supervisor = createServer((request, response) => {
    seenTokens.push(request.headers.authorization ?? "");
    if (request.url !== "/services/mqtt") return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        result: "ok",
        data: {
          host: "core-mosquitto",
          port: 1883,
          ssl: false,
          username: "addons",
          password: "p@ss",
          protocol: "3.1.1",
        },
      }),
    );
  });
  await new Promise<void>((resolve) => supervisor.listen(0, "127.0.0.1", resolve));
  supervisorUrl = `http://127.0.0.1:${(supervisor.address() as AddressInfo).port}`;
});
afterAll(() => {
  supervisor.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the script (asynchronously: the fake Supervisor answers from this process). */
async function run(options: Record<string, unknown>) {
  const file = join(dir, "options.json");
  writeFileSync(file, JSON.stringify(options));
  const child = spawn(process.execPath, [RUN, "--print-env"], {
    timeout: 20_000,
    env: {
      PATH: process.env.PATH,
      ADDON_OPTIONS_FILE: file,
      GATEWAY_CLI: cli,
      STATE_DIR: join(dir, "state"),
      SUPERVISOR_URL: supervisorUrl,
      SUPERVISOR_TOKEN: "supervisor-token",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
  child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const result = { status, stdout, stderr };
  const env = result.status === 0 ? (JSON.parse(result.stdout) as Record<string, string>) : {};
  return { status: result.status, stderr: result.stderr, env };
}

const FULL = {
  serial_port: "",
  tcp_target: "192.168.1.50:4001",
  bus_address: "117",
  read_only: true,
  expert_writes: true,
  thermostat: true,
  history: false,
  mqtt: true,
  mqtt_discovery_prefix: "ha",
  api_key: "secret-key",
  log_level: "debug",
};

describe("the add-on's run script", () => {
  it("maps every option and the MQTT service to the gateway's environment", async () => {
    const { status, env, stderr } = await run(FULL);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(env).toMatchObject({
      SERIAL_PORT: "tcp://192.168.1.50:4001",
      GM3_SOURCE_ADDRESS: "117",
      READ_ONLY: "true",
      EXPERT_WRITES: "true",
      THERMOSTAT_ENABLED: "true",
      HISTORY_ENABLED: "false",
      MQTT_DISCOVERY_PREFIX: "ha",
      API_KEY: "secret-key",
      LOG_LEVEL: "debug",
      MQTT_URL: "mqtt://addons:p%40ss@core-mosquitto:1883",
      INGRESS_TRUSTED_ADDRESS: "172.30.32.2",
      STATE_DIR: join(dir, "state"),
    });
    expect(seenTokens).toContain("Bearer supervisor-token");
  });

  it("uses the picked serial device, and leaves MQTT off when asked", async () => {
    const { status, env } = await run({ ...FULL, tcp_target: "", serial_port: "/dev/ttyUSB0", mqtt: false });
    expect(status).toBe(0);
    expect(env.SERIAL_PORT).toBe("/dev/ttyUSB0");
    expect(env.MQTT_URL).toBeUndefined();
  });

  it("refuses a bad value with the gateway's own message", async () => {
    const { status, stderr } = await run({ ...FULL, bus_address: "0" });
    expect(status).toBe(2);
    expect(stderr).toContain("Invalid configuration: GM3_SOURCE_ADDRESS");
    const level = await run({ ...FULL, log_level: "loud" });
    expect(level.status).toBe(2);
    expect(level.stderr).toContain("Invalid configuration: LOG_LEVEL");
  });

  it("refuses a serial port and a TCP target together", async () => {
    const { status, stderr } = await run({ ...FULL, serial_port: "/dev/ttyUSB0" });
    expect(status).toBe(2);
    expect(stderr).toContain("set serial_port or tcp_target, not both");
  });
});
