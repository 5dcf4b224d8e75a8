/**
 * Bad input over MQTT: a real mosquitto, the bridge on the simulated gateway (MQTT_PUBLISH=all, so
 * every parameter has a `set` topic), one command at a time. Each gets its `/result` with the
 * write failure and `sent: false`, and no MODIFY_PARAM reaches the simulated wire (counted on the
 * simulator's bus log). Discovery offers no service parameter. At the end one valid command goes
 * out, the only MODIFY_PARAM of the file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { EXPERT_CATALOGUE } from "../../src/catalog/expert-parameters.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { BASE, startBridge, UID } from "../mqtt/harness.js";
import { EXPERT_TARGETS, nested, P, Wire } from "./harness.js";

let broker: Mosquitto;
let g: SimGateway;
let observer: MqttObserver;
let bridge: MqttBridge;
let wire: Wire;

beforeAll(async () => {
  broker = await Mosquitto.start();
  g = await startSimGateway({ sim: { liveValues: false, thermostatCopies: [], presenceWrites: [] } });
  wire = new Wire(g.sim, () => g.core.address.address);
  observer = await MqttObserver.connect(broker.url, [`${BASE}/#`, "homeassistant/#"]);
  bridge = startBridge(g, broker.url, { selection: { mode: "all" } });
  await observer.waitForMessage(`${BASE}/availability`, { payload: "online" });
});
afterAll(async () => {
  await bridge?.stop();
  await observer?.close();
  await g?.stop();
  await broker?.stop();
});

interface Result {
  success: boolean;
  name: string;
  index: number;
  error?: string;
  detail?: string;
  sent?: boolean;
}

/** Publishes one command and returns its result (the next message on `<topic>/result`). */
async function command(level: string, payload: string | Buffer): Promise<Result> {
  const resultTopic = `${BASE}/${level}/set/result`;
  const seen = observer.on(resultTopic).length;
  await observer.client.publishAsync(`${BASE}/${level}/set`, payload, { qos: 1 });
  await observer.waitFor(() => observer.on(resultTopic).length > seen, `a result on ${resultTopic}`);
  return JSON.parse(observer.on(resultTopic)[seen]!.payload) as Result;
}

async function refused(level: string, payload: string | Buffer, index: number): Promise<Result> {
  const before = g.sim.getValue(index);
  const result = await wire.nothingSent(`a set on ${level}`, () => command(level, payload));
  expect(result).toMatchObject({ success: false, sent: false });
  expect(g.sim.getValue(index)).toEqual(before);
  return result;
}

const unicode = (code: string) => `{"value": "${code}"}`;
/** A payload as a test title shows it: long ones cut, with their length. */
const short = (text: string) =>
  text.length > 60 ? `${text.slice(0, 30)}…(${text.length} characters)` : JSON.stringify(text);

describe("values refused over MQTT, never changed", () => {
  it.each(
    (
      [
        // 65.9 for a maximum of 65 was written as 65 and reported success.
        [P.setpoint, "65.9", "not-a-whole-number", /65\.9 is not one/],
        [P.setpoint, "45.5", "not-a-whole-number", /send 45 or 46/],
        [P.setpoint, '{"value": 45.5}', "not-a-whole-number", /45\.5/],
        [P.setpoint, "1e-320", "not-a-whole-number", /1e-320/],
        [P.setpoint, "66", "out-of-range", /35\.\.65/],
        [P.setpoint, "-1", "out-of-range", /35\.\.65/],
        [P.setpoint, "1e20", "out-of-range", /35\.\.65/],
        [P.setpoint, '"46"', "wrong-type", /expected a number, got the string/],
        [P.setpoint, "abc", "wrong-type", /got the string "abc"/],
        [P.setpoint, "NaN", "wrong-type", /got the string "NaN"/],
        [P.setpoint, "Infinity", "wrong-type", /got the string "Infinity"/],
        [P.setpoint, "1e400", "wrong-type", /Infinity is not a finite number/],
        [P.setpoint, "true", "wrong-type", /got boolean true/],
        [P.setpoint, "null", "wrong-type", /got the string "null"/],
        [P.setpoint, "[46]", "wrong-type", /got the string "\[46\]"/],
        [P.setpoint, '{"value": "46"}', "wrong-type", /got the string "46"/],
        [P.setpoint, '{"value": null}', "wrong-type", /got null/],
        [P.setpoint, '{"val": 46}', "wrong-type", /got the string/],
        // 500 levels: deep, yet within the 1,024 bytes a command may have (longer: payload-too-large).
        [P.setpoint, nested(500), "wrong-type", /got the string "\[\[\[/],
        [P.setpoint, `{"value": ${nested(40)}}`, "wrong-type", /got the string/],
        [P.userCor, "10.5", "not-a-whole-number", /Circuit1userCor is int8/],
        [P.userCor, "11", "out-of-range", /-10\.\.10/],
        [P.flowDefault, "1e-320", "not-representable", /would reach flow_default as 0/],
        [P.pidTime, "16777217", "not-representable", /as 16777216/],
        [P.pidTime, "3.5e38", "not-representable", /at most ±3\.40282/],
        [P.circuitName, "x".repeat(1000), "too-long", /1000 bytes of UTF-8 .*at most 995 bytes/],
        [P.circuitName, "x".repeat(1100), "payload-too-large", /1100 bytes; a command has at most 1024/],
        [P.circuitName, "é".repeat(498), "too-long", /996 bytes of UTF-8 \(498 characters\)/],
        [P.circuitName, unicode("\\ud800"), "not-representable", /unpaired surrogate/],
        [P.circuitName, "a\u0000b", "not-representable", /NUL/],
        [P.dhwTemp, "40", "read-only-parameter", /TempCWU is read-only/],
        [{ index: 1348, name: "PumpSynced" }, "true", "read-only-parameter", /read-only/],
        [{ index: 10024, name: "factoryReset" }, "1", "panel-write-disabled", /ALLOW_PANEL_WRITES=false/],
      ] as const
    ).map(([target, payload, error, detail]) => ({ target, payload, error, detail, what: short(payload) })),
  )("$target.name $what → $error", async ({ target, payload, error, detail }) => {
    const result = await refused(target.name, payload, target.index);
    expect(result).toMatchObject({ error, name: target.name, index: target.index });
    expect(result.detail).toMatch(detail);
  });

  it("refuses bytes that are not UTF-8 (wrong-type), nothing sent", async () => {
    const result = await refused(P.setpoint.name, Buffer.from([0xff, 0xfe, 0x00, 0x41]), P.setpoint.index);
    expect(result.error).toBe("wrong-type");
  });
});

describe("service parameters over MQTT", () => {
  it.each(EXPERT_TARGETS)("$name → expert-only", async (target) => {
    const result = await refused(target.name, "1", target.index);
    expect(result.error).toBe("expert-only");
    expect(result.detail).toMatch(/EXPERT_WRITES=true/);
  });

  it("refuses the 1,100-character FN (a frame of 1,129 bytes) before anything else: payload-too-large", async () => {
    const result = await refused("FN", "9".repeat(1100), 9);
    expect(result.error).toBe("payload-too-large");
  });

  it("offers none of them to Home Assistant, even with MQTT_PUBLISH=all; the reboot stays a button", async () => {
    const prefix = `homeassistant/`;
    const node = `econet_gm3_${UID}`;
    await observer.waitForMessage(`homeassistant/button/${node}/${P.reboot.index}/config`);
    const configured = new Set(
      observer.messages
        .filter((m) => m.topic.startsWith(prefix) && m.topic.includes(`/${node}/`) && m.payload !== "")
        .map((m) => Number(m.topic.split("/")[3])),
    );
    expect(configured.size).toBeGreaterThan(1000);
    const offered = EXPERT_CATALOGUE.gated.filter((e) => configured.has(e.index)).map((e) => e.name);
    expect(offered).toEqual([]);
    // Their states are still published (read-only data, like GET /api/parameters).
    expect(observer.latest(`${BASE}/FactorySetup`)).toBe("0");
  });
});

describe("topics", () => {
  it("answers a set for a parameter that is not published with not-found", async () => {
    const result = await wire.nothingSent("a set on NoSuchParameter", () => command("NoSuchParameter", "1"));
    expect(result).toMatchObject({ success: false, error: "not-found", sent: false });
  });
});

describe("after all of it", () => {
  it("a valid command goes out as exactly one MODIFY_PARAM: the only one of the file", async () => {
    expect(wire.modifyFrames()).toBe(0);
    const target = Number(g.sim.getValue(P.setpoint.index)) === 50 ? 51 : 50;
    const result = await command(P.setpoint.name, String(target));
    expect(result).toMatchObject({ success: true, index: P.setpoint.index });
    expect(g.sim.getValue(P.setpoint.index)).toBe(target);
    expect(wire.modifyFrames()).toBe(1);
    wire.expectComplete();
  });
});
