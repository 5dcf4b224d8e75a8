import { describe, expect, it } from "vitest";
import { createLogger, createScrubber, REDACTED } from "../../src/log/index.js";
import { captureLines } from "./capture.js";

const API_KEY = "write-key-7f3a9c0e41";
const READ_KEY = "read-key-22b6d1e8f0";
const MQTT_PASSWORD = "broker-pw-93kd";
const settings = {
  logLevel: "debug" as const,
  apiKey: API_KEY,
  apiReadKey: READ_KEY,
  mqttUrl: `mqtt://gateway:${MQTT_PASSWORD}@homeassistant.local:1883`,
};

function logEverything(format: "json" | "pretty") {
  const out = captureLines();
  const logger = createLogger({ ...settings, logFormat: format }, out.destination);
  logger.info({ apiKey: API_KEY, config: { apiReadKey: READ_KEY } }, "keys as fields");
  logger.info(`request with key ${API_KEY} and read key ${READ_KEY}`);
  logger.info("interpolated %s", API_KEY);
  logger.info({ headers: { authorization: `Bearer ${API_KEY}`, "x-api-key": READ_KEY } }, "headers");
  logger.info({ req: { headers: { authorization: "Bearer some-other-token" } } }, "request headers");
  logger.info({ broker: settings.mqttUrl, note: "see mqtts://other:secret99@host" }, "connecting");
  logger.info({ details: { nested: [{ text: `key=${API_KEY}` }] } }, "nested");
  logger.error({ err: new Error(`rejected key ${API_KEY} for ${settings.mqttUrl}`) }, "failure");
  logger.error(new Error(`plain error with ${READ_KEY}`));
  logger.warn({ err: new Error(`error field with ${READ_KEY}`) });
  return out;
}

describe("secret redaction", () => {
  for (const format of ["json", "pretty"] as const) {
    it(`keeps API keys and the MQTT password out of ${format} logs`, () => {
      const text = logEverything(format).text();
      for (const secret of [API_KEY, READ_KEY, MQTT_PASSWORD, "some-other-token", "secret99"]) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain(REDACTED);
    });
  }

  it("keeps the rest of each line intact", () => {
    const lines = logEverything("json").json();
    expect(lines[0]).toMatchObject({
      apiKey: REDACTED,
      config: { apiReadKey: REDACTED },
      msg: "keys as fields",
    });
    expect(lines[1]!.msg).toBe(`request with key ${REDACTED} and read key ${REDACTED}`);
    expect(lines[2]!.msg).toBe(`interpolated ${REDACTED}`);
    expect(lines[3]).toMatchObject({ headers: { authorization: REDACTED, "x-api-key": REDACTED } });
    expect(lines[4]).toMatchObject({ req: { headers: { authorization: REDACTED } } });
    expect(lines[5]).toMatchObject({
      broker: `mqtt://gateway:${REDACTED}@homeassistant.local:1883`,
      note: `see mqtts://other:${REDACTED}@host`,
    });
    expect(lines[6]).toMatchObject({ details: { nested: [{ text: `key=${REDACTED}` }] } });
    expect(lines[7]).toMatchObject({
      level: "error",
      err: {
        type: "Error",
        message: `rejected key ${REDACTED} for mqtt://gateway:${REDACTED}@homeassistant.local:1883`,
      },
    });
    expect((lines[7]!.err as { stack: string }).stack).toContain(`rejected key ${REDACTED}`);
    expect(lines[8]).toMatchObject({
      err: { message: `plain error with ${REDACTED}` },
      msg: `plain error with ${REDACTED}`,
    });
    expect(lines[9]).toMatchObject({ level: "warn", msg: `error field with ${REDACTED}` });
  });

  it("does not modify the objects it is given", () => {
    const out = captureLines();
    const fields = { broker: settings.mqttUrl, list: [`key ${API_KEY}`] };
    createLogger({ ...settings, logFormat: "json" }, out.destination).info(fields, "x");
    expect(fields).toEqual({ broker: settings.mqttUrl, list: [`key ${API_KEY}`] });
  });

  it("does not search text for secrets too short to be told from ordinary words", () => {
    const scrub = createScrubber(["abc", undefined, ""]);
    expect(scrub("abc def")).toBe("abc def");
    expect(scrub("Authorization: Bearer abc")).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it("masks a key sent in a query string (the WebSocket endpoint accepts ?key=)", () => {
    const scrub = createScrubber([]);
    expect(scrub("GET /ws/parameters?names=TempWthr&key=wrong-guess-123 → 401")).toBe(
      `GET /ws/parameters?names=TempWthr&key=${REDACTED} → 401`,
    );
    expect(scrub("/ws/parameters?key=abc")).toBe(`/ws/parameters?key=${REDACTED}`);
    expect(scrub("monkey=1")).toBe("monkey=1");
  });
});
