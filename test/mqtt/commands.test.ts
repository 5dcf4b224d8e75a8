/**
 * MQTT commands against a real mosquitto and the simulated heat pump, with both protocol versions:
 * retained `set` messages are never acted on where the protocol lets the gateway see the flag
 * (MQTT 5: retain-as-published keeps it on live delivery; MQTT 3.1.1 clears it, so a live retained
 * command is executed once and its stored copy refused on every later delivery — docs/mqtt.md), and
 * every command topic, malformed ones included, gets a result or a logged reason. What reached the
 * bus is counted on the simulator's wire.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { Command } from "../../src/protocol/index.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { captureLines } from "../logging/capture.js";
import { BASE, startBridge } from "./harness.js";

const AVAILABILITY = `${BASE}/availability`;
/** HDWTSetPoint (103): a writable u8, 35..65, that nothing in the simulator moves. */
const SETPOINT = `${BASE}/HDWTSetPoint`;

describe.each([{ protocol: "5" as const }, { protocol: "3.1.1" as const }])(
  "MQTT $protocol commands",
  ({ protocol }) => {
    let broker: Mosquitto;
    let g: SimGateway;
    let observer: MqttObserver;
    let bridge: MqttBridge;
    const log = captureLines();
    const modifyFrames = () => g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM);
    const writesOf103 = () => g.sim.controller.writes.filter((w) => w.index === 103);
    const start = () =>
      startBridge(g, broker.url, { protocol, logger: pino({ level: "info" }, log.destination) });

    /** The result of publishing `payload` on `topic`, published by the bridge on `resultTopic`. */
    async function resultOf(topic: string, payload: string | Buffer, options: { retain?: boolean } = {}) {
      const since = observer.mark();
      await observer.publish(topic, payload as string, options);
      const seen = await observer.waitForMessage(`${topic}/result`, { after: since });
      return JSON.parse(seen.payload) as Record<string, unknown>;
    }

    beforeAll(async () => {
      broker = await Mosquitto.start();
      g = await startSimGateway({ sim: { liveValues: false } });
      observer = await MqttObserver.connect(broker.url, [`${BASE}/#`]);
      bridge = start();
      await observer.waitForMessage(AVAILABILITY, { payload: "online" });
    });

    afterAll(async () => {
      await bridge?.stop();
      await observer?.publish(`${SETPOINT}/set`, "", { retain: true });
      await observer?.close();
      await g?.stop();
      await broker?.stop();
    });

    if (protocol === "5") {
      it("refuses a retained set published while it is subscribed: nothing reaches the bus", async () => {
        g.sim.controller.setValue(103, 46);
        const before = modifyFrames().length;
        const result = await resultOf(`${SETPOINT}/set`, "50", { retain: true });
        expect(result).toMatchObject({ success: false, error: "retained", index: 103, sent: false });
        expect(modifyFrames()).toHaveLength(before);
        expect(writesOf103()).toEqual([]);
        expect(g.sim.controller.getValue(103)).toBe(46);
        await observer.publish(`${SETPOINT}/set`, "", { retain: true });
      });
    } else {
      it("executes a live retained set once (3.1.1 hides the flag) and refuses its stored copy after a reconnection", async () => {
        g.sim.controller.setValue(103, 46);
        const live = await resultOf(`${SETPOINT}/set`, "51", { retain: true });
        expect(live).toMatchObject({ success: true, index: 103, new_value: 51 });
        expect(writesOf103().filter((w) => w.accepted)).toHaveLength(1);
        // A new connection subscribes again: the broker's copy comes flagged as retained.
        const since = observer.mark();
        await bridge.stop();
        bridge = start();
        const replay = await observer.waitForMessage(`${SETPOINT}/set/result`, { after: since });
        expect(JSON.parse(replay.payload)).toMatchObject({ success: false, error: "retained", sent: false });
        expect(writesOf103().filter((w) => w.accepted)).toHaveLength(1);
        await observer.publish(`${SETPOINT}/set`, "", { retain: true });
      });
    }

    it("answers a topic with levels after set (…/set/set) on its own result topic, without a frame", async () => {
      const before = modifyFrames().length;
      const result = await resultOf(`${SETPOINT}/set/set`, "50");
      expect(result).toMatchObject({ success: false, error: "bad-topic", sent: false });
      expect(result.detail).toMatch(/<name>\/set/);
      expect(modifyFrames()).toHaveLength(before);
    });

    it("answers a set topic that names no parameter", async () => {
      const result = await resultOf(`${BASE}/set`, "50");
      expect(result).toMatchObject({ success: false, error: "not-found", sent: false });
    });

    it("answers an unknown parameter, a non-JSON payload and an oversized one, without a frame", async () => {
      const before = modifyFrames().length;
      expect(await resultOf(`${BASE}/NoSuchParameter/set`, "1")).toMatchObject({ error: "not-found" });
      expect(await resultOf(`${SETPOINT}/set`, "warm")).toMatchObject({
        success: false,
        error: "wrong-type",
        sent: false,
      });
      expect(await resultOf(`${SETPOINT}/set`, "{not json")).toMatchObject({
        error: "wrong-type",
        sent: false,
      });
      expect(await resultOf(`${SETPOINT}/set`, "4".repeat(5_000))).toMatchObject({
        success: false,
        error: "payload-too-large",
        sent: false,
        index: 103,
      });
      expect(modifyFrames()).toHaveLength(before);
    });

    it("logs an empty payload (how a retained message is cleared) instead of answering it", async () => {
      const before = modifyFrames().length;
      await observer.publish(`${SETPOINT}/set`, "");
      // Messages of one publisher are handled in order: once the next command is answered, an answer
      // to the empty one would have come first.
      await resultOf(`${BASE}/NoSuchParameter/set`, "1");
      expect(observer.on(`${SETPOINT}/set/result`).filter((m) => m.payload.includes('"empty'))).toEqual([]);
      const ignored = log.json().filter((line) => line.event === "mqtt.command.ignored");
      expect(ignored.at(-1)).toMatchObject({ topic: `${SETPOINT}/set`, level: 30 });
      expect(String(ignored.at(-1)?.reason)).toMatch(/empty/);
      expect(modifyFrames()).toHaveLength(before);
    });

    it("still writes a plain command", async () => {
      g.sim.controller.setValue(103, 46);
      expect(await resultOf(`${SETPOINT}/set`, "49")).toMatchObject({ success: true, new_value: 49 });
      expect(g.sim.controller.getValue(103)).toBe(49);
    });
  },
);
