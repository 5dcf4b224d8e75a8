import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { settingKeys, settingsSchema } from "../../src/config/index.js";
import { useTempDir } from "./temp-dir.js";

function capture() {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function gm3(argv: string[], env: Record<string, string>, cwd: string) {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(argv, { stdout: stdout.stream, stderr: stderr.stream, env, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const API_KEY = "k3y-that-must-never-be-printed";
const MQTT_PASSWORD = "mqtt-pa55word";

describe("gm3 config", () => {
  const dir = useTempDir();

  it("prints every setting with its value and where it came from, secrets masked", async () => {
    const file = dir.write("gm3.yaml", "serial_port: /dev/ttyUSB0\npoll_interval: 15\n");
    const result = await gm3(
      ["config", "--config", file],
      {
        API_KEY,
        MQTT_URL: `mqtt://ha:${MQTT_PASSWORD}@broker:1883`,
        ECONEXT_API_PORT: "8100",
        LOG_LEVEL: "debug",
      },
      dir.path,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(`Configuration file: ${file}`);
    const line = (name: string) =>
      lines
        .find((l) => l.trimStart().startsWith(`${name} `))
        ?.trim()
        .split(/\s{2,}/);
    expect(line("SERIAL_PORT")).toEqual(["SERIAL_PORT", "/dev/ttyUSB0", `file ${file}`]);
    expect(line("POLL_INTERVAL")).toEqual(["POLL_INTERVAL", "15 s", `file ${file}`]);
    expect(line("API_PORT")).toEqual(["API_PORT", "8100", "env ECONEXT_API_PORT (alias of API_PORT)"]);
    expect(line("LOG_LEVEL")).toEqual(["LOG_LEVEL", "debug", "env LOG_LEVEL"]);
    expect(line("API_KEY")).toEqual(["API_KEY", "********", "env API_KEY"]);
    expect(line("API_READ_KEY")).toEqual(["API_READ_KEY", '"" (no key)', "default"]);
    expect(line("MQTT_URL")).toEqual(["MQTT_URL", "mqtt://ha:********@broker:1883", "env MQTT_URL"]);
    expect(line("SERIAL_BAUD")).toEqual(["SERIAL_BAUD", "115200", "default"]);
    expect(result.stdout).not.toContain(API_KEY);
    expect(result.stdout).not.toContain(MQTT_PASSWORD);
  });

  it("shows warnings after the settings", async () => {
    const result = await gm3(["config"], { API_WORKERS: "2" }, dir.path);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nWarnings:\n {2}! API_WORKERS=2 is ignored/);
  });

  it("--json gives every setting with key, value, text and origin", async () => {
    const result = await gm3(
      ["config", "--json"],
      { API_KEY, MQTT_URL: `mqtts://ha:${MQTT_PASSWORD}@broker`, SERIAL_TIMEOUT: "1.5" },
      dir.path,
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(["configFile", "settings", "warnings"]);
    expect(report.configFile).toBeNull();
    expect(report.warnings).toEqual([]);
    expect(Object.keys(report.settings)).toEqual(settingKeys.map((key) => settingsSchema[key].env));
    expect(report.settings.SERIAL_TIMEOUT).toEqual({
      key: "serialTimeoutMs",
      yamlKey: "serial_timeout",
      value: 1500,
      text: "1.5 s",
      source: "env",
      name: "SERIAL_TIMEOUT",
    });
    expect(report.settings.API_PORT).toEqual({
      key: "apiPort",
      yamlKey: "api_port",
      value: 8000,
      text: "8000",
      source: "default",
      name: "default",
    });
    expect(report.settings.API_KEY.value).toBe("********");
    expect(report.settings.MQTT_URL.value).toBe("mqtts://ha:********@broker");
    expect(report.settings.GM3_SOURCE_ADDRESS.value).toBe("auto");
    expect(report.settings.MQTT_PUBLISH.value).toEqual({ mode: "default" });
    expect(result.stdout).not.toContain(API_KEY);
    expect(result.stdout).not.toContain(MQTT_PASSWORD);
  });

  it("reads CONFIG_FILE and config.yaml in the working directory", async () => {
    const file = dir.write("config.yaml", "api_port: 8123\n");
    const report = JSON.parse((await gm3(["config", "--json"], {}, dir.path)).stdout);
    expect(report.configFile).toBe(file);
    expect(report.settings.API_PORT).toMatchObject({ value: 8123, source: "file", name: file });
  });

  it("exits 2 with the ConfigError message on a bad setting", async () => {
    const result = await gm3(["config"], { API_PORT: "eighty" }, dir.path);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'gm3 config: Invalid configuration: API_PORT (from environment variable API_PORT): "eighty" is not an integer; allowed: integer 0..65535.\n',
    );
  });

  it("exits 2 when the --config file cannot be read or parsed", async () => {
    const missing = await gm3(["config", "-c", "nope.yaml"], {}, dir.path);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read the configuration file: no such file");
    const file = dir.write("broken.yaml", "api_port: [\n");
    const broken = await gm3(["config", "--json", "--config", file], {}, dir.path);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe("");
    expect(broken.stderr).toContain("not valid YAML");
  });

  it("exits 2 on arguments it does not take", async () => {
    expect((await gm3(["config", "extra"], {}, dir.path)).code).toBe(2);
    expect((await gm3(["config", "--verbose"], {}, dir.path)).code).toBe(2);
  });

  it("is listed in gm3 --help", async () => {
    const result = await gm3(["--help"], {}, dir.path);
    expect(result.stdout).toMatch(/\n {2}config {5}show the effective configuration/);
  });
});
