import { describe, expect, it } from "vitest";
import { type Environment, loadConfig } from "../../src/config/index.js";

const warningsOf = (env: Environment, pathExists: (path: string) => boolean = () => false) =>
  loadConfig({ env, cwd: "/", pathExists }).warnings;

describe("configuration warnings (start-up continues)", () => {
  it("accepts API_WORKERS other than 1 but says it is ignored", () => {
    expect(warningsOf({ API_WORKERS: "4" })).toEqual([
      "API_WORKERS=4 is ignored: the gateway runs as one process, the only owner of the bus, and serves requests concurrently",
    ]);
    expect(warningsOf({ API_WORKERS: "1" })).toEqual([]);
  });

  it("warns about short API keys", () => {
    expect(warningsOf({ API_KEY: "short" })[0]).toMatch(/^API_KEY is shorter than 16 characters/);
    expect(warningsOf({ API_KEY: "a-long-enough-random-key" })).toEqual([]);
  });

  it("warns about a gateway address outside the range where tokens are granted", () => {
    expect(warningsOf({ GM3_SOURCE_ADDRESS: "131" })[0]).toMatch(
      /^GM3_SOURCE_ADDRESS=131 is outside 105–130/,
    );
    expect(warningsOf({ GM3_SOURCE_ADDRESS: "114" })).toEqual([]);
  });

  it("warns when a token wait would outlast the write deadline", () => {
    expect(warningsOf({ TOKEN_REQUIRED: "no", TOKEN_WAIT_TIMEOUT: "12", WRITE_DEADLINE: "10" })[0]).toMatch(
      /^TOKEN_WAIT_TIMEOUT \(12 s\) is not shorter than WRITE_DEADLINE \(10 s\)/,
    );
    expect(warningsOf({ TOKEN_REQUIRED: "yes", TOKEN_WAIT_TIMEOUT: "9" })).toEqual([]);
  });

  it("warns about MQTT settings while MQTT is off, and panel writes in read-only mode", () => {
    expect(warningsOf({ MQTT_PUBLISH: "all", MQTT_DISCOVERY: "false" })).toEqual([
      "MQTT_DISCOVERY, MQTT_PUBLISH have no effect: MQTT_URL is empty, so MQTT is off",
    ]);
    expect(warningsOf({ MQTT_PUBLISH: "all", MQTT_URL: "mqtt://broker" })).toEqual([]);
    expect(warningsOf({ READ_ONLY: "1", ALLOW_PANEL_WRITES: "1" })).toEqual([
      "ALLOW_PANEL_WRITES has no effect: READ_ONLY refuses every write",
    ]);
  });

  it("flags unknown GM3_ and ECONEXT_ variables, suggesting the right name", () => {
    expect(
      warningsOf({ GM3_SOURCE_ADRESS: "114", ECONEXT_CLOCK_SYNC_ENABLED: "true", HOME: "/root" }),
    ).toEqual([
      "Unknown environment variable GM3_SOURCE_ADRESS is ignored; did you mean GM3_SOURCE_ADDRESS?",
      "ECONEXT_CLOCK_SYNC_ENABLED is ignored: this gateway has no such feature yet",
    ]);
  });

  it("flags unknown variables with any prefix of the gateway's settings (SERIAL_, MQTT_, API_, …)", () => {
    expect(warningsOf({ SERIAL_PROT: "/dev/ttyUSB0", MQTT_BROKER: "mqtt://x", API_TOKEN: "k" })).toEqual([
      "Unknown environment variable SERIAL_PROT is ignored; did you mean SERIAL_PORT?",
      "Unknown environment variable MQTT_BROKER is ignored",
      "Unknown environment variable API_TOKEN is ignored",
    ]);
  });

  it("flags a variable one edit away from a setting's name whatever its prefix", () => {
    expect(warningsOf({ SERAL_PORT: "/dev/ttyUSB0", READONLY: "true", POLL_INTERVALL: "5" })).toEqual([
      "Unknown environment variable SERAL_PORT is ignored; did you mean SERIAL_PORT?",
      "Unknown environment variable READONLY is ignored; did you mean READ_ONLY?",
      "Unknown environment variable POLL_INTERVALL is ignored; did you mean POLL_INTERVAL?",
    ]);
  });

  it("knows the HTTPS settings' prefix too, and says when the redirect port has no effect", () => {
    expect(warningsOf({ TLS_CRT: "cert.pem" })).toEqual([
      "Unknown environment variable TLS_CRT is ignored; did you mean TLS_CERT?",
    ]);
    expect(warningsOf({ TLS_REDIRECT_PORT: "80" })).toEqual([
      "TLS_REDIRECT_PORT has no effect: HTTPS is off (set TLS=self-signed, or TLS_CERT and TLS_KEY)",
    ]);
    expect(warningsOf({ TLS_REDIRECT_PORT: "80", TLS: "self-signed" })).toEqual([]);
  });

  it("leaves alone what the system sets (systemd's CACHE_DIRECTORY, HOME, PATH, …)", () => {
    expect(
      warningsOf({
        HOME: "/root",
        PATH: "/usr/bin",
        CACHE_DIRECTORY: "/var/cache/gm3",
        LOGS_DIRECTORY: "/var/log/gm3",
        RUNTIME_DIRECTORY: "/run/gm3",
        STATE_DIRECTORY: "/var/lib/gm3",
        INVOCATION_ID: "abc",
        LANG: "C.UTF-8",
        PORT: "3000",
      }),
    ).toEqual([]);
  });

  it("says why the Python gateway's ECONEXT_COEXISTENCE_MODE is not needed, rather than calling it unknown", () => {
    const warnings = warningsOf({ ECONEXT_COEXISTENCE_MODE: "true" });
    expect(warnings).toEqual([
      "ECONEXT_COEXISTENCE_MODE is ignored: the Python gateway's coexistence mode (sharing the bus with an ecoNET300) is not needed here, " +
        "because this gateway always shares it: with GM3_SOURCE_ADDRESS=auto it claims a free address in 105–130, never the ecoNET300's 131, " +
        "and (with TOKEN_REQUIRED, the default) transmits only while the panel grants it the token",
    ]);
    expect(warningsOf({ ECONEXT_COEXISTENCE_MODE: "false" })).toEqual(warnings);
  });

  it("points Python-gateway users at /dev/econext when it exists and no port is set", () => {
    const checked: string[] = [];
    const exists = (path: string) => {
      checked.push(path);
      return true;
    };
    expect(warningsOf({}, exists)).toEqual([
      "SERIAL_PORT is not set, so the built-in simulator runs, but /dev/econext exists (the Python gateway's default); set SERIAL_PORT=/dev/econext to use it",
    ]);
    expect(checked).toEqual(["/dev/econext"]);
    expect(warningsOf({ SERIAL_PORT: "sim://" }, exists)).toEqual([]);
  });
});
