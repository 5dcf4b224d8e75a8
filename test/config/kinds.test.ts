import { describe, expect, it } from "vitest";
import { parseSerialPort } from "../../src/config/index.js";
import { autoAddressKind } from "../../src/config/kinds/address.js";
import type { SettingKind } from "../../src/config/kinds/kind.js";
import { mqttPublishKind, topicKind } from "../../src/config/kinds/mqtt.js";
import { corsOriginsKind, maskUrlPassword, mqttUrlKind } from "../../src/config/kinds/network.js";
import { durationKind } from "../../src/config/kinds/numbers.js";
import { booleanKind, enumKind, hostKind } from "../../src/config/kinds/text.js";
import { settingsSchema } from "../../src/config/schema.js";

const context = { cwd: "/" };
const parse = <T>(kind: SettingKind<T>, raw: unknown) => kind.parse(raw, context);
const parsedValue = <T>(kind: SettingKind<T>, raw: unknown) => {
  const outcome = parse(kind, raw);
  if (!outcome.ok) throw new Error(`unexpected problem: ${outcome.problem}`);
  return outcome.value;
};
const problemOf = <T>(kind: SettingKind<T>, raw: unknown) => {
  const outcome = parse(kind, raw);
  if (outcome.ok) throw new Error(`expected a problem for ${String(raw)}`);
  return outcome.problem;
};

describe("booleans", () => {
  it.each(["true", "TRUE", "1", "yes", "Yes", "on", " ON "])("reads %j as true", (raw) => {
    expect(parsedValue(booleanKind, raw)).toBe(true);
  });
  it.each(["false", "False", "0", "no", "NO", "off", "Off"])("reads %j as false", (raw) => {
    expect(parsedValue(booleanKind, raw)).toBe(false);
  });
  it("takes YAML booleans and the numbers 0/1", () => {
    expect(parsedValue(booleanKind, true)).toBe(true);
    expect(parsedValue(booleanKind, 0)).toBe(false);
  });
  it.each(["", "2", "enabled", "y", "t"])("refuses %j", (raw) => {
    expect(problemOf(booleanKind, raw)).toBe(`${JSON.stringify(raw)} is not a boolean`);
  });
});

describe("durations", () => {
  const seconds = durationKind({ unit: "s", min: 0.5, max: 10, maxExclusive: true });
  it("reads bare numbers in the setting's unit and suffixed ones in theirs", () => {
    expect(parsedValue(seconds, "2")).toBe(2000);
    expect(parsedValue(seconds, 2.5)).toBe(2500);
    expect(parsedValue(seconds, ".75")).toBe(750);
    expect(parsedValue(seconds, "800ms")).toBe(800);
    expect(parsedValue(seconds, "3 s")).toBe(3000);
    expect(parsedValue(seconds, "0.1min")).toBe(6000);
  });
  it("refuses negative, non-numeric and unknown-unit values", () => {
    expect(problemOf(seconds, "-1")).toBe('"-1" is not a duration');
    expect(problemOf(seconds, "soon")).toBe('"soon" is not a duration');
    expect(problemOf(seconds, "5 days")).toBe('"5 days" is not a duration');
  });
  it("applies an exclusive maximum", () => {
    expect(problemOf(seconds, "10")).toBe("10 s is too long");
    expect(parsedValue(seconds, "9.999")).toBe(9999);
    expect(problemOf(seconds, "0.4")).toBe("0.4 s is too short");
  });
});

describe("enumerations", () => {
  const logLevel = settingsSchema.logLevel.kind;
  it("matches case-insensitively and maps Python's level names", () => {
    expect(parsedValue(logLevel, "DEBUG")).toBe("debug");
    expect(parsedValue(logLevel, "Info")).toBe("info");
    expect(parsedValue(logLevel, "WARNING")).toBe("warn");
    expect(parsedValue(logLevel, "critical")).toBe("fatal");
    expect(parsedValue(logLevel, "trace")).toBe("trace");
  });
  it("lists the choices and the aliases", () => {
    expect(enumKind(["a", "b"], { c: "a" }).allowed).toBe("one of a, b (also c=a)");
  });
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "refuses %j, which every object inherits but is no alias",
    (raw) => {
      const parsed = logLevel.parse(raw, { cwd: "/" });
      expect(parsed).toEqual({ ok: false, problem: expect.stringMatching(/is not one of the choices/) });
    },
  );
});

describe("bus addresses", () => {
  const kind = autoAddressKind({ reserved: new Map([[0, "nothing"]]) });
  it("reads auto, decimal and hex", () => {
    expect(parsedValue(kind, "AUTO")).toBe("auto");
    expect(parsedValue(kind, "114")).toBe(114);
    expect(parsedValue(kind, "0x72")).toBe(114);
    expect(parsedValue(kind, 114)).toBe(114);
  });
  it("refuses fractions and words", () => {
    expect(problemOf(kind, "11.5")).toBe('"11.5" is not a bus address');
    expect(problemOf(kind, true)).toBe("true is not a bus address");
  });
});

describe("serial ports", () => {
  it.each([
    ["", { kind: "simulator" }],
    ["sim://", { kind: "simulator" }],
    ["/dev/ttyUSB0", { kind: "device", path: "/dev/ttyUSB0" }],
    [
      "/dev/serial/by-id/usb-FTDI-if00-port0",
      { kind: "device", path: "/dev/serial/by-id/usb-FTDI-if00-port0" },
    ],
    ["COM3", { kind: "device", path: "COM3" }],
    ["tcp://192.168.1.20:4001", { kind: "tcp", host: "192.168.1.20", port: 4001 }],
    ["tcp://ser2net.local:2000/", { kind: "tcp", host: "ser2net.local", port: 2000 }],
    ["tcp://[::1]:4001", { kind: "tcp", host: "::1", port: 4001 }],
  ])("accepts %j", (text, endpoint) => {
    expect(parseSerialPort(text)).toEqual({ ok: true, endpoint });
  });
  it.each([
    ["ttyUSB0", '"ttyUSB0" is not an absolute device path (did you mean /dev/ttyUSB0?)'],
    ["tcp://host", '"tcp://host" needs a TCP port 1..65535, e.g. tcp://host:4001'],
    ["tcp://host:0", '"tcp://host:0" needs a TCP port 1..65535, e.g. tcp://host:4001'],
    ["tcp://host:4001/path", '"tcp://host:4001/path" has a path or query; use tcp://host:port'],
    ["tcp://u:p@host:4001", "tcp:// addresses take no user or password"],
    ["rfc2217://host:4001", '"rfc2217://host:4001" uses the unsupported scheme rfc2217://'],
    ["sim://fast", '"sim://fast": the simulator takes no options; use sim://'],
  ])("refuses %j", (text, problem) => {
    expect(parseSerialPort(text)).toEqual({ ok: false, problem });
  });
});

describe("MQTT and CORS", () => {
  it("accepts mqtt:// and mqtts:// broker URLs, with or without credentials", () => {
    expect(parsedValue(mqttUrlKind, "mqtt://broker")).toBe("mqtt://broker");
    expect(parsedValue(mqttUrlKind, "mqtts://u:p@broker:8883")).toBe("mqtts://u:p@broker:8883");
    expect(problemOf(mqttUrlKind, "mqtt://broker/topic")).toMatch(/has a path or query/);
    expect(problemOf(mqttUrlKind, "broker:1883")).toMatch(/must start with mqtt:\/\/ or mqtts:\/\//);
  });
  it("masks only the password of a URL", () => {
    expect(maskUrlPassword("mqtt://user:pa55@broker:1883")).toBe("mqtt://user:********@broker:1883");
    expect(maskUrlPassword("mqtt://user@broker")).toBe("mqtt://user@broker");
    expect(maskUrlPassword("mqtt://broker")).toBe("mqtt://broker");
  });
  it("reads publish selections", () => {
    expect(parsedValue(mqttPublishKind, "ALL")).toEqual({ mode: "all" });
    expect(parsedValue(mqttPublishKind, "HDWTSetPoint, 61,10001")).toEqual({
      mode: "list",
      names: ["HDWTSetPoint"],
      indices: [61, 10001],
    });
    expect(problemOf(mqttPublishKind, ",")).toBe("lists no parameters");
  });
  it("checks topics", () => {
    const base = topicKind({ allowUid: true });
    expect(parsedValue(base, "heat/{uid}")).toBe("heat/{uid}");
    expect(problemOf(base, "heat/#")).toMatch(/wildcard/);
    expect(problemOf(base, "/heat")).toMatch(/empty topic level/);
    expect(problemOf(base, "heat/{serial}")).toMatch(/unknown placeholder/);
    expect(problemOf(topicKind({ allowUid: false }), "ha/{uid}")).toMatch(/may not contain/);
  });
  it("reads CORS origins", () => {
    expect(parsedValue(corsOriginsKind, "")).toEqual([]);
    expect(parsedValue(corsOriginsKind, "*")).toEqual(["*"]);
    expect(parsedValue(corsOriginsKind, "http://ha.local:8123/, https://x.org")).toEqual([
      "http://ha.local:8123",
      "https://x.org",
    ]);
    expect(problemOf(corsOriginsKind, "ha.local")).toMatch(/is not an origin/);
    expect(problemOf(corsOriginsKind, "*,http://a.b")).toBe("* cannot be combined with other origins");
  });
});

describe("hosts", () => {
  it.each(["0.0.0.0", "127.0.0.1", "::", "localhost", "pi.local"])("accepts %j", (host) => {
    expect(parsedValue(hostKind, host)).toBe(host);
  });
  it.each(["", "http://pi", "a b"])("refuses %j", (host) => {
    expect(problemOf(hostKind, host)).toMatch(/is not an IP address or host name/);
  });
});
