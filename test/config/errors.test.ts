import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, type LoadConfigOptions, loadConfig } from "../../src/config/index.js";
import { useTempDir } from "./temp-dir.js";

function errorOf(options: LoadConfigOptions): ConfigError {
  try {
    loadConfig({ cwd: "/", pathExists: () => false, ...options });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("bad settings stop start-up with one clear message", () => {
  const dir = useTempDir();

  it("names an unknown YAML key and suggests the closest known one", () => {
    const file = dir.write("config.yaml", "seral_port: /dev/ttyUSB0\n");
    const error = errorOf({ env: {}, cwd: dir.path });
    expect(error.message).toBe(
      `Invalid configuration: seral_port (from ${file}): unknown setting; did you mean "serial_port"?; ` +
        "allowed: the lower-case setting names listed by 'gm3 config' and in docs/configuration.md.",
    );
    expect(error.issues).toHaveLength(1);
  });

  it("suggests the lower-case key for an environment-style key and the primary key for an alias", () => {
    const file = dir.write("c.yaml", "API_PORT: 8000\necONEXT_request_timeout: 2\nfoo_bar_baz: 1\n");
    const error = errorOf({ env: {}, configFile: file });
    expect(error.issues.map((i) => [i.setting, i.problem])).toEqual([
      ["API_PORT", 'unknown setting; did you mean "api_port"?'],
      ["ecONEXT_request_timeout", 'unknown setting; did you mean "serial_timeout"?'],
      ["foo_bar_baz", "unknown setting"],
    ]);
    expect(error.message).toMatch(/^Invalid configuration \(3 problems\):\n {2}- API_PORT/);
  });

  it("reports a wrong type with the value, what is allowed and the environment variable", () => {
    expect(errorOf({ env: { API_PORT: "http" } }).message).toBe(
      'Invalid configuration: API_PORT (from environment variable API_PORT): "http" is not an integer; allowed: integer 0..65535.',
    );
    expect(errorOf({ env: { READ_ONLY: "maybe" } }).message).toBe(
      'Invalid configuration: READ_ONLY (from environment variable READ_ONLY): "maybe" is not a boolean; allowed: true/false (also 1/0, yes/no, on/off).',
    );
  });

  it("reports a wrong YAML type with the file and key", () => {
    const file = dir.write("c.yaml", "api_port: [8000]\npoll_interval: {seconds: 10}\nlog_level: 3\n");
    const error = errorOf({ env: {}, configFile: file });
    expect(error.issues.map((i) => [i.setting, i.problem, i.origin])).toEqual([
      ["POLL_INTERVAL", "a mapping is not a duration", `${file} (poll_interval)`],
      ["API_PORT", "a list is not an integer", `${file} (api_port)`],
      ["LOG_LEVEL", "3 is not one of the choices", `${file} (log_level)`],
    ]);
  });

  it("reports an out-of-range value", () => {
    expect(errorOf({ env: { GM3_RETRY_ATTEMPTS: "11" } }).message).toBe(
      "Invalid configuration: GM3_RETRY_ATTEMPTS (from environment variable GM3_RETRY_ATTEMPTS): 11 is out of range; allowed: integer 1..10.",
    );
    expect(errorOf({ env: { GM3_PARAMS_PER_REQUEST: "0" } }).issues[0]!.problem).toBe("0 is out of range");
    expect(errorOf({ env: { POLL_INTERVAL: "0.5" } }).issues[0]!.problem).toBe("0.5 s is too short");
  });

  it("reports a value outside an enumeration", () => {
    expect(errorOf({ env: { LOG_FORMAT: "xml" } }).message).toBe(
      'Invalid configuration: LOG_FORMAT (from environment variable LOG_FORMAT): "xml" is not one of the choices; allowed: one of auto, json, pretty.',
    );
    expect(errorOf({ env: { SERIAL_BAUD: "14400" } }).issues[0]).toMatchObject({
      problem: "14400 is not supported",
      allowed: "one of 9600, 19200, 38400, 57600, 115200",
    });
  });

  it.each([
    ["0", "0 is reserved: it means 'no address' on the bus; use auto to claim one"],
    ["1", "1 is reserved: it is the controller's usual address"],
    ["100", "100 is reserved: it is the panel's address"],
    ["0xFFFF", "65535 is reserved: it is the broadcast address (and the ecoNET poller's source)"],
    ["65536", "65536 is above 65535 (addresses are 16-bit)"],
    ["-5", '"-5" is not a bus address'],
  ])("refuses GM3_SOURCE_ADDRESS=%s with the reason", (raw, problem) => {
    const error = errorOf({ env: { GM3_SOURCE_ADDRESS: raw } });
    expect(error.issues).toEqual([
      {
        setting: "GM3_SOURCE_ADDRESS",
        problem,
        allowed: "auto, or integer 0..65535 (decimal or 0x hex), except 0, 1, 100, 0xFFFF",
        origin: "environment variable GM3_SOURCE_ADDRESS",
      },
    ]);
  });

  it("refuses a gateway address equal to a configured controller or panel address", () => {
    const error = errorOf({ env: { GM3_SOURCE_ADDRESS: "110", GM3_PANEL_ADDRESS: "110" } });
    expect(error.message).toBe(
      "Invalid configuration: GM3_SOURCE_ADDRESS and GM3_PANEL_ADDRESS (from GM3_SOURCE_ADDRESS: environment variable GM3_SOURCE_ADDRESS; " +
        "GM3_PANEL_ADDRESS: environment variable GM3_PANEL_ADDRESS): the gateway's address 110 is the panel's; choose a free address or auto.",
    );
    expect(errorOf({ env: { GM3_DEST_ADDRESS: "100" } }).issues[0]!.problem).toBe(
      "the controller and the panel cannot share address 100",
    );
  });

  it("refuses WRITE_WAIT of 10 s or more, saying why", () => {
    for (const raw of ["10", "10s", "12.5", "10000ms"]) {
      const [issue] = errorOf({ env: { WRITE_WAIT: raw } }).issues;
      expect(issue!.setting).toBe("WRITE_WAIT");
      expect(issue!.problem).toMatch(/is too long \(Home Assistant gives up on a write after 10 s\)$/);
      expect(issue!.allowed).toBe("seconds 0..10 (10 excluded)");
    }
    expect(loadConfig({ env: { WRITE_WAIT: "9.99" }, cwd: "/" }).config.writeWaitMs).toBe(9990);
    expect(loadConfig({ env: { WRITE_WAIT: "0" }, cwd: "/" }).config.writeWaitMs).toBe(0);
  });

  it("refuses WRITE_DEADLINE outside 10..600 s", () => {
    for (const raw of ["9", "601", "0"]) {
      const [issue] = errorOf({ env: { WRITE_DEADLINE: raw } }).issues;
      expect(issue!.setting).toBe("WRITE_DEADLINE");
      expect(issue!.allowed).toBe("seconds 10..600");
    }
    expect(loadConfig({ env: { WRITE_DEADLINE: "120" }, cwd: "/" }).config.writeDeadlineMs).toBe(120_000);
  });

  it("refuses a first reconnect delay longer than the longest", () => {
    const error = errorOf({ env: { RECONNECT_DELAY_MIN: "60", RECONNECT_DELAY_MAX: "30" } });
    expect(error.issues[0]!.setting).toBe("RECONNECT_DELAY_MIN and RECONNECT_DELAY_MAX");
    expect(error.issues[0]!.problem).toBe(
      "the first reconnect delay (60 s) is longer than the longest (30 s)",
    );
  });

  it("refuses identical read and read-write keys without showing them", () => {
    const key = "s3cret-key-0123456789";
    const error = errorOf({ env: { API_KEY: key, API_READ_KEY: key } });
    expect(error.issues[0]!.problem).toMatch(/read-only key equals the read-write key/);
    expect(error.message).not.toContain(key);
  });

  it("never shows a secret in a message", () => {
    const error = errorOf({ env: { API_KEY: "my secret key" } });
    expect(error.issues[0]!.setting).toBe("API_KEY");
    expect(error.message).not.toContain("my secret key");
    const mqtt = errorOf({ env: { MQTT_URL: "http://user:hunter2@broker" } });
    expect(mqtt.message).toContain('"http://user:********@broker" must start with mqtt:// or mqtts://');
    expect(mqtt.message).not.toContain("hunter2");
  });

  it("treats an empty environment variable as an empty value, not as unset", () => {
    expect(errorOf({ env: { API_PORT: "" } }).issues[0]!.problem).toBe('"" is not an integer');
    expect(loadConfig({ env: { SERIAL_PORT: "" }, cwd: "/" }).sources.serialPort.source).toBe("env");
  });

  it("reports an unreadable configuration file", () => {
    const missing = join(dir.path, "missing.yaml");
    expect(errorOf({ env: {}, configFile: missing }).message).toBe(
      `Invalid configuration: CONFIG_FILE (from ${missing}, named by --config): cannot read the configuration file: no such file; ` +
        "allowed: the path of a readable YAML file (--config <path> or CONFIG_FILE).",
    );
    const folder = join(dir.path, "folder.yaml");
    mkdirSync(folder);
    expect(errorOf({ env: { CONFIG_FILE: folder } }).issues[0]).toMatchObject({
      origin: `${folder}, named by environment variable CONFIG_FILE`,
      problem: "cannot read the configuration file: it is a directory",
    });
  });

  it("reports malformed YAML with its position", () => {
    const file = dir.write("bad.yaml", "api_port: 8000\nlog_level: [debug\n");
    const [issue] = errorOf({ env: {}, configFile: file }).issues;
    expect(issue!.setting).toBe("CONFIG_FILE");
    expect(issue!.problem).toMatch(/^not valid YAML: .* at line \d+, column \d+:\s+log_level: \[debug/s);
  });

  it("reports duplicate YAML keys", () => {
    const file = dir.write("dup.yaml", "api_port: 8000\napi_port: 8001\n");
    expect(errorOf({ env: {}, configFile: file }).issues[0]!.problem).toMatch(
      /^not valid YAML: Map keys must be unique/,
    );
  });

  it("reports a file that is a list rather than a mapping", () => {
    const file = dir.write("list.yaml", "- serial_port\n- api_port\n");
    expect(errorOf({ env: {}, configFile: file }).issues[0]!.problem).toMatch(
      /must be a mapping of settings/,
    );
  });

  it("lists every problem at once", () => {
    const error = errorOf({ env: { API_PORT: "x", LOG_LEVEL: "loud", SERIAL_PORT: "COMX" } });
    expect(error.issues.map((i) => i.setting)).toEqual(["SERIAL_PORT", "API_PORT", "LOG_LEVEL"]);
    expect(error.message.split("\n")).toHaveLength(4);
  });
});

describe("every source is validated, also where a later source overrides it", () => {
  const dir = useTempDir();

  it("rejects a bad YAML value that an environment variable overrides (gm3 config and serve agree)", () => {
    const file = dir.write("config.yaml", "api_port: eighty\nlog_level: debug\n");
    const error = errorOf({ env: { API_PORT: "8100" }, configFile: file });
    expect(error.issues.map((i) => [i.setting, i.problem, i.origin])).toEqual([
      ["API_PORT", '"eighty" is not an integer', `${file} (api_port)`],
    ]);
  });

  it("rejects a bad alias that the primary name overrides, and a bad environment value under a flag", () => {
    expect(
      errorOf({ env: { API_PORT: "8000", ECONEXT_API_PORT: "http" } }).issues.map((i) => i.origin),
    ).toEqual(["environment variable ECONEXT_API_PORT (alias of API_PORT)"]);
    const error = errorOf({
      env: { SERIAL_BAUD: "12345" },
      overrides: { SERIAL_BAUD: "9600" },
      overrideNames: { SERIAL_BAUD: "--baud" },
    });
    expect(error.issues.map((i) => [i.setting, i.origin])).toEqual([
      ["SERIAL_BAUD", "environment variable SERIAL_BAUD"],
    ]);
  });

  it("names every bad source of one setting, the winning one first", () => {
    const file = dir.write("config.yaml", "api_port: -1\n");
    const error = errorOf({ env: { API_PORT: "x", ECONEXT_API_PORT: "y" }, configFile: file });
    expect(error.issues.map((i) => i.origin)).toEqual([
      "environment variable API_PORT",
      "environment variable ECONEXT_API_PORT (alias of API_PORT)",
      `${file} (api_port)`,
    ]);
  });
});
