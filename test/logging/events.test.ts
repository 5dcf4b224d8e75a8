import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import {
  createLogger,
  type LogEventFields,
  logEvent,
  logEventNames,
  logLoadedConfig,
  rawHex,
} from "../../src/log/index.js";
import { captureLines } from "./capture.js";

function levelOf<E extends keyof LogEventFields>(event: E, fields: LogEventFields[E]): unknown {
  const out = captureLines();
  logEvent(createLogger({ logLevel: "trace", logFormat: "json" }, out.destination), event, fields);
  return out.json()[0]?.level;
}

const write: LogEventFields["write.done"] = {
  who: "10.0.0.2",
  parameter: "HDWTSetPoint",
  index: 103,
  oldValue: 45,
  newValue: 46,
  outcome: "confirmed",
  durationMs: 380,
};

describe("log events", () => {
  it("logs failed writes at warn, confirmed and refused ones at info", () => {
    expect(levelOf("write.done", write)).toBe("info");
    expect(levelOf("write.done", { ...write, outcome: "refused", reason: "read-only mode" })).toBe("info");
    expect(levelOf("write.done", { ...write, outcome: "failed", reason: "no acknowledgement" })).toBe("warn");
  });

  it("logs routine successful reads at debug, other requests at info, server faults at error", () => {
    const request = {
      method: "GET",
      url: "/api/parameters",
      statusCode: 200,
      durationMs: 3,
      client: "10.0.0.2",
    };
    expect(levelOf("api.request", request)).toBe("debug");
    expect(levelOf("api.request", { ...request, method: "POST" })).toBe("info");
    expect(levelOf("api.request", { ...request, statusCode: 503 })).toBe("info");
    expect(levelOf("api.request", { ...request, statusCode: 404 })).toBe("info");
    expect(levelOf("api.request", { ...request, statusCode: 500 })).toBe("error");
  });

  it("shows string values quoted in write messages", () => {
    const out = captureLines();
    logEvent(createLogger({ logLevel: "info", logFormat: "json" }, out.destination), "write.done", {
      ...write,
      parameter: "Nazwa",
      index: 374,
      oldValue: "ecoMAX360i",
      newValue: "Heat pump",
      outcome: "failed",
      reason: "not acknowledged",
    });
    expect(out.json()[0]!.msg).toBe(
      'write Nazwa (374) "ecoMAX360i" → "Heat pump": failed (not acknowledged) in 380 ms, by 10.0.0.2',
    );
  });

  it("formats raw bytes as hex and caps long runs", () => {
    expect(rawHex(Uint8Array.from([0x68, 0x0b, 0x00, 0xff]))).toBe("680b00ff");
    expect(rawHex(Buffer.alloc(300, 0xab), 4)).toBe("abababab…(+296 bytes)");
    const slice = Buffer.from([1, 2, 3, 4, 5]).subarray(1, 3);
    expect(rawHex(slice)).toBe("0203");
  });

  it("logs the loaded configuration: file, changed settings masked, warnings", () => {
    const loaded = loadConfig({
      env: { API_KEY: "a-very-long-api-key-000", POLL_INTERVAL: "30", API_WORKERS: "3" },
      cwd: "/",
      pathExists: () => false,
    });
    const out = captureLines();
    logLoadedConfig(createLogger({ logLevel: "info", logFormat: "json" }, out.destination), loaded);
    const [first, warning] = out.json();
    expect(first).toMatchObject({
      event: "config.loaded",
      configFile: null,
      changed: { API_KEY: "********", POLL_INTERVAL: "30 s", API_WORKERS: "3" },
    });
    expect(Object.keys(first!.changed as object)).toHaveLength(3);
    expect(warning).toMatchObject({ level: "warn", event: "config.warning" });
    expect(out.text()).not.toContain("a-very-long-api-key-000");
  });

  it("every event is documented in docs/logs.md's table, and nothing else is", () => {
    const page = readFileSync(join(import.meta.dirname, "..", "..", "docs", "logs.md"), "utf8");
    const region = page.slice(
      page.indexOf("<!-- log-events:start -->"),
      page.indexOf("<!-- log-events:end -->"),
    );
    const documented = [...region.matchAll(/^\| `([a-z.]+)`/gm)].map((match) => match[1]);
    expect(documented).toEqual(logEventNames);
  });
});
