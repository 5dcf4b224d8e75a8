import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, settingKeys, settingsSchema } from "../../src/config/index.js";
import { useTempDir } from "./temp-dir.js";

const noDevice = () => false;

describe("loadConfig sources", () => {
  const dir = useTempDir();

  it("uses the schema defaults when nothing is set", () => {
    const { config, sources, warnings, configFile } = loadConfig({
      env: {},
      cwd: dir.path,
      pathExists: noDevice,
    });
    expect(config.serialPort).toBe("");
    expect(config.serialBaudRate).toBe(115200);
    expect(config.serialTimeoutMs).toBe(2000);
    expect(config.apiHost).toBe("0.0.0.0");
    expect(config.apiPort).toBe(8000);
    expect(config.gatewayAddress).toBe("auto");
    expect(config.controllerAddress).toBe(1);
    expect(config.panelAddress).toBe(100);
    expect(config.pollIntervalMs).toBe(10_000);
    expect(config.writeWaitMs).toBe(8000);
    expect(config.writeDeadlineMs).toBe(60_000);
    expect(config.logLevel).toBe("info");
    expect(config.logFormat).toBe("auto");
    expect(config.mqttPublish).toEqual({ mode: "default" });
    expect(config.corsOrigins).toEqual([]);
    expect(config.stateDir).toBe(resolve(dir.path, ".state"));
    expect(configFile).toBeUndefined();
    expect(warnings).toEqual([]);
    for (const key of settingKeys) expect(sources[key]).toEqual({ source: "default", name: "default" });
  });

  it("takes the environment over the YAML file over the defaults", () => {
    const file = dir.write("gm3.yaml", "api_port: 8100\nlog_level: debug\npoll_interval: 20\n");
    const { config, sources, configFile } = loadConfig({
      env: { API_PORT: "8200" },
      configFile: file,
      cwd: dir.path,
      pathExists: noDevice,
    });
    expect(configFile).toBe(file);
    expect(config.apiPort).toBe(8200);
    expect(sources.apiPort).toEqual({ source: "env", name: "API_PORT" });
    expect(config.logLevel).toBe("debug");
    expect(sources.logLevel).toEqual({ source: "file", name: file });
    expect(config.pollIntervalMs).toBe(20_000);
    expect(config.apiHost).toBe("0.0.0.0");
    expect(sources.apiHost.source).toBe("default");
  });

  it("lets overrides win over the environment", () => {
    const { config, sources } = loadConfig({
      env: { API_PORT: "8200" },
      overrides: { API_PORT: "9000" },
      cwd: dir.path,
      pathExists: noDevice,
    });
    expect(config.apiPort).toBe(9000);
    expect(sources.apiPort).toEqual({ source: "override", name: "API_PORT" });
  });

  it("names an override by what set it (a flag), also when its value is bad", () => {
    const { sources } = loadConfig({
      env: { API_PORT: "8200" },
      overrides: { API_PORT: "9000" },
      overrideNames: { API_PORT: "--api-port" },
      cwd: dir.path,
      pathExists: noDevice,
    });
    expect(sources.apiPort).toEqual({ source: "override", name: "--api-port" });
    expect(() =>
      loadConfig({
        env: { API_PORT: "8200" },
        overrides: { API_PORT: "http" },
        overrideNames: { API_PORT: "--api-port" },
        cwd: dir.path,
        pathExists: noDevice,
      }),
    ).toThrow(/API_PORT \(from --api-port\): "http" /);
  });

  it("finds the file through CONFIG_FILE, relative to the working directory", () => {
    dir.write("custom.yml", "serial_port: tcp://192.168.1.20:4001\n");
    const { config, configFile } = loadConfig({ env: { CONFIG_FILE: "custom.yml" }, cwd: dir.path });
    expect(configFile).toBe(resolve(dir.path, "custom.yml"));
    expect(config.serialPort).toBe("tcp://192.168.1.20:4001");
  });

  it("prefers --config over CONFIG_FILE", () => {
    dir.write("a.yaml", "api_port: 1111\n");
    dir.write("b.yaml", "api_port: 2222\n");
    const { config } = loadConfig({ env: { CONFIG_FILE: "a.yaml" }, configFile: "b.yaml", cwd: dir.path });
    expect(config.apiPort).toBe(2222);
  });

  it("reads config.yaml from the working directory when no file is named", () => {
    const file = dir.write("config.yaml", "read_only: yes\n");
    const { config, sources, configFile } = loadConfig({ env: {}, cwd: dir.path });
    expect(configFile).toBe(file);
    expect(config.readOnly).toBe(true);
    expect(sources.readOnly).toEqual({ source: "file", name: file });
  });

  it("treats an empty file and a key without value as not set", () => {
    const empty = dir.write("empty.yaml", "# nothing here\n");
    expect(loadConfig({ env: {}, configFile: empty, cwd: dir.path }).config.apiPort).toBe(8000);
    const blank = dir.write("blank.yaml", "api_port:\n");
    const loaded = loadConfig({ env: {}, configFile: blank, cwd: dir.path });
    expect(loaded.config.apiPort).toBe(8000);
    expect(loaded.sources.apiPort.source).toBe("default");
  });

  it("takes typed YAML values (numbers, booleans, lists) as well as strings", () => {
    const file = dir.write(
      "typed.yaml",
      [
        "serial_baud: 9600",
        'api_port: "8080"',
        "token_required: false",
        "cors_origins:",
        "  - http://ha.local:8123",
        "  - https://example.org",
        "mqtt_publish: [HDWTSetPoint, 61]",
        "gm3_source_address: 0x72",
      ].join("\n"),
    );
    const { config } = loadConfig({ env: {}, configFile: file, cwd: dir.path });
    expect(config.serialBaudRate).toBe(9600);
    expect(config.apiPort).toBe(8080);
    expect(config.tokenRequired).toBe(false);
    expect(config.corsOrigins).toEqual(["http://ha.local:8123", "https://example.org"]);
    expect(config.mqttPublish).toEqual({ mode: "list", names: ["HDWTSetPoint"], indices: [61] });
    expect(config.gatewayAddress).toBe(0x72);
  });

  it("returns a deeply frozen configuration", () => {
    const { config } = loadConfig({ env: { CORS_ORIGINS: "http://a.example" }, cwd: dir.path });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.corsOrigins)).toBe(true);
    expect(() => {
      (config as { apiPort: number }).apiPort = 1;
    }).toThrow(TypeError);
  });

  it("resolves STATE_DIR against the working directory", () => {
    expect(loadConfig({ env: { STATE_DIR: "data/state" }, cwd: dir.path }).config.stateDir).toBe(
      resolve(dir.path, "data/state"),
    );
    expect(loadConfig({ env: { STATE_DIR: "/var/lib/gm3" }, cwd: dir.path }).config.stateDir).toBe(
      "/var/lib/gm3",
    );
  });
});

describe("loadConfig durations", () => {
  it("converts seconds to whole milliseconds", () => {
    const { config } = loadConfig({
      env: {
        SERIAL_TIMEOUT: "1.5",
        POLL_INTERVAL: "30",
        CACHE_TTL_SECONDS: "120",
        TOKEN_WAIT_TIMEOUT: "0.25",
        WRITE_WAIT: "9.5",
        BUS_SILENCE_TIMEOUT: "45",
        RECONNECT_DELAY_MIN: "0.5",
        RECONNECT_DELAY_MAX: "60",
        GM3_TURNAROUND_MS: "25",
      },
      cwd: "/",
    });
    expect(config.serialTimeoutMs).toBe(1500);
    expect(config.pollIntervalMs).toBe(30_000);
    expect(config.cacheTtlMs).toBe(120_000);
    expect(config.tokenWaitTimeoutMs).toBe(250);
    expect(config.writeWaitMs).toBe(9500);
    expect(config.busSilenceTimeoutMs).toBe(45_000);
    expect(config.reconnectDelayMinMs).toBe(500);
    expect(config.reconnectDelayMaxMs).toBe(60_000);
    expect(config.turnaroundMs).toBe(25);
  });

  it("accepts unit suffixes", () => {
    const { config } = loadConfig({
      env: {
        SERIAL_TIMEOUT: "500ms",
        POLL_INTERVAL: "1min",
        CACHE_TTL_SECONDS: "1h",
        GM3_TURNAROUND_MS: "0.03s",
      },
      cwd: "/",
    });
    expect(config.serialTimeoutMs).toBe(500);
    expect(config.pollIntervalMs).toBe(60_000);
    expect(config.cacheTtlMs).toBe(3_600_000);
    expect(config.turnaroundMs).toBe(30);
  });
});

describe("loadConfig aliases of the Python gateway", () => {
  const dir = useTempDir();

  const aliasCases: [string, string, string, unknown][] = [
    ["ECONEXT_SERIAL_PORT", "/dev/econext", "serialPort", "/dev/econext"],
    ["ECONEXT_SERIAL_BAUD", "57600", "serialBaudRate", 57600],
    ["ECONEXT_API_HOST", "127.0.0.1", "apiHost", "127.0.0.1"],
    ["ECONEXT_API_PORT", "8001", "apiPort", 8001],
    ["ECONEXT_LOG_LEVEL", "WARNING", "logLevel", "warn"],
    ["ECONEXT_POLL_INTERVAL", "10.0", "pollIntervalMs", 10_000],
    ["ECONEXT_REQUEST_TIMEOUT", "1.5", "serialTimeoutMs", 1500],
    ["ECONEXT_DESTINATION_ADDRESS", "2", "controllerAddress", 2],
    ["ECONEXT_PARAMS_PER_REQUEST", "50", "paramsPerRequest", 50],
    ["ECONEXT_TOKEN_REQUIRED", "false", "tokenRequired", false],
    ["ECONEXT_STATE_DIR", "/var/lib/econext-gateway", "stateDir", "/var/lib/econext-gateway"],
    ["STATE_DIRECTORY", "/var/lib/econet-gm3-gateway", "stateDir", "/var/lib/econet-gm3-gateway"],
  ];

  it.each(aliasCases)("reads %s=%s", (alias, raw, key, expected) => {
    const { config, sources, warnings } = loadConfig({ env: { [alias]: raw }, cwd: "/" });
    expect(config[key as keyof typeof config]).toEqual(expected);
    expect(sources[key as keyof typeof sources]).toEqual({ source: "alias", name: alias });
    expect(warnings).toEqual([]);
  });

  it("lets the primary name win over its alias and says so", () => {
    const { config, sources, warnings } = loadConfig({
      env: { API_PORT: "8000", ECONEXT_API_PORT: "9999" },
      cwd: "/",
    });
    expect(config.apiPort).toBe(8000);
    expect(sources.apiPort).toEqual({ source: "env", name: "API_PORT" });
    expect(warnings).toEqual(["ECONEXT_API_PORT is ignored: API_PORT is also set and wins"]);
  });

  it("lets an alias in the environment win over the YAML file", () => {
    const file = dir.write("port.yaml", "api_port: 8100\n");
    const { config, sources } = loadConfig({
      env: { ECONEXT_API_PORT: "8500" },
      configFile: file,
      cwd: dir.path,
    });
    expect(config.apiPort).toBe(8500);
    expect(sources.apiPort).toEqual({ source: "alias", name: "ECONEXT_API_PORT" });
  });

  it("uses the first listed alias when two aliases are set", () => {
    const { config, sources, warnings } = loadConfig({
      env: { ECONEXT_STATE_DIR: "/a", STATE_DIRECTORY: "/b" },
      cwd: "/",
    });
    expect(config.stateDir).toBe("/a");
    expect(sources.stateDir).toEqual({ source: "alias", name: "ECONEXT_STATE_DIR" });
    expect(warnings).toEqual([
      "STATE_DIRECTORY is ignored: ECONEXT_STATE_DIR (also an alias of STATE_DIR) wins",
    ]);
  });

  it("declares exactly the Python gateway's names as aliases", () => {
    const aliases = settingKeys
      .flatMap((key) => (settingsSchema[key] as { aliases?: readonly string[] }).aliases ?? [])
      .filter((alias) => alias.startsWith("ECONEXT_"));
    expect(aliases.sort()).toEqual(
      [
        "ECONEXT_API_HOST",
        "ECONEXT_API_PORT",
        "ECONEXT_DESTINATION_ADDRESS",
        "ECONEXT_LOG_LEVEL",
        "ECONEXT_PARAMS_PER_REQUEST",
        "ECONEXT_POLL_INTERVAL",
        "ECONEXT_REQUEST_TIMEOUT",
        "ECONEXT_SERIAL_BAUD",
        "ECONEXT_SERIAL_PORT",
        "ECONEXT_STATE_DIR",
        "ECONEXT_THERMOSTAT_ENABLED",
        "ECONEXT_THERMOSTAT_MAX_AGE",
        "ECONEXT_THERMOSTAT_STALE_FALLBACK",
        "ECONEXT_TOKEN_REQUIRED",
      ].sort(),
    );
  });
});

describe("loadConfig former names", () => {
  const dir = useTempDir();

  it("reads WRITE_TIMEOUT (environment or write_timeout in YAML) as WRITE_WAIT, with a warning to rename it", () => {
    const fromEnv = loadConfig({ env: { WRITE_TIMEOUT: "5" }, cwd: "/", pathExists: noDevice });
    expect(fromEnv.config.writeWaitMs).toBe(5000);
    expect(fromEnv.sources.writeWaitMs).toEqual({ source: "alias", name: "WRITE_TIMEOUT" });
    expect(fromEnv.warnings).toEqual([
      "WRITE_TIMEOUT is the former name of WRITE_WAIT (write_wait); it is still read, but rename it",
    ]);
    const file = dir.write("old.yaml", "write_timeout: 6\n");
    const fromFile = loadConfig({ configFile: file, cwd: dir.path, pathExists: noDevice });
    expect(fromFile.config.writeWaitMs).toBe(6000);
    expect(fromFile.warnings).toEqual([
      "write_timeout is the former name of WRITE_WAIT (write_wait); it is still read, but rename it",
    ]);
    // The new name wins, silently.
    expect(
      loadConfig({ env: { WRITE_WAIT: "3" }, configFile: file, cwd: dir.path, pathExists: noDevice }).config
        .writeWaitMs,
    ).toBe(3000);
  });
});
