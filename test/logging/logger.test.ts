import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createLogger, type LoggerSettings, logEvent } from "../../src/log/index.js";
import { captureLines } from "./capture.js";

const json: LoggerSettings = { logLevel: "info", logFormat: "json" };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("JSON logs", () => {
  it("writes one JSON object per line with level label, ISO time, message and event fields", () => {
    const out = captureLines();
    const logger = createLogger(json, out.destination);
    logEvent(logger, "discovery.done", { count: 1870, seconds: 6.6, regulatorCount: 1447, panelCount: 423 });
    logEvent(logger, "link.down", {
      endpoint: "serial device /dev/ttyUSB0",
      reason: "EIO",
      reconnectInMs: 2000,
    });
    expect(out.text().endsWith("\n")).toBe(true);
    const [discovery, linkDown] = out.json();
    expect(discovery).toEqual({
      level: "info",
      time: expect.stringMatching(ISO_TIME),
      event: "discovery.done",
      count: 1870,
      seconds: 6.6,
      regulatorCount: 1447,
      panelCount: 423,
      msg: "discovered 1870 parameters in 6.6 s",
    });
    expect(linkDown).toMatchObject({
      level: "warn",
      event: "link.down",
      msg: "link down: serial device /dev/ttyUSB0 (EIO); reconnecting in 2 s",
    });
    expect(out.lines()).toHaveLength(2);
  });

  it("leaves out lines below LOG_LEVEL and logs nothing when silent", () => {
    const out = captureLines();
    const logger = createLogger(json, out.destination);
    logEvent(logger, "poll.cycle", {
      cycle: 1,
      parameters: 1870,
      changed: 12,
      durationMs: 1300,
      failedBatches: 0,
    });
    logger.debug("hidden");
    logger.info("shown");
    expect(out.json().map((line) => line.msg)).toEqual(["shown"]);

    const debug = captureLines();
    logEvent(createLogger({ logLevel: "debug", logFormat: "json" }, debug.destination), "poll.cycle", {
      cycle: 2,
      parameters: 1870,
      changed: 0,
      durationMs: 1250,
      failedBatches: 1,
    });
    expect(debug.json()[0]).toMatchObject({
      level: "debug",
      event: "poll.cycle",
      cycle: 2,
      failedBatches: 1,
    });

    const silent = captureLines();
    createLogger({ logLevel: "silent", logFormat: "json" }, silent.destination).fatal("nothing");
    expect(silent.text()).toBe("");
  });

  it("builds from a loaded GatewayConfig", () => {
    const { config } = loadConfig({ env: { LOG_LEVEL: "WARNING" }, cwd: "/" });
    const out = captureLines();
    const logger = createLogger(config, out.destination);
    logger.info("hidden");
    logger.warn("shown");
    expect(out.json()).toEqual([expect.objectContaining({ level: "warn", msg: "shown" })]);
  });

  it("child loggers carry their bindings", () => {
    const out = captureLines();
    logEvent(createLogger(json, out.destination).child({ module: "bus" }), "link.up", {
      endpoint: "TCP h:4001",
    });
    expect(out.json()[0]).toMatchObject({ module: "bus", event: "link.up", endpoint: "TCP h:4001" });
  });
});

describe("pretty logs", () => {
  it("are readable text lines, written before the call returns, without colour codes in a capture", () => {
    const out = captureLines();
    const logger = createLogger({ logLevel: "debug", logFormat: "pretty" }, out.destination);
    logEvent(logger, "write.done", {
      who: "192.168.1.5",
      parameter: "HDWTSetPoint",
      index: 103,
      oldValue: 45,
      newValue: 46,
      outcome: "confirmed",
      durationMs: 420,
    });
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatch(
      /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] INFO: write HDWTSetPoint \(103\) 45 → 46: confirmed in 420 ms, by 192\.168\.1\.5 \{"event":"write\.done",/,
    );
    expect(line).not.toContain("\u001b[");
    logger.warn("second");
    expect(out.lines()[1]).toMatch(/\] WARN: second$/);
  });
});
