import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { BASE, startBridge, UID } from "./harness.js";

const AVAILABILITY = `${BASE}/availability`;
/** Configs of this controller left by an earlier run with discovery on. */
const OWN_CONFIGS = [
  `homeassistant/sensor/econet_gm3_${UID}/68/config`,
  `homeassistant/number/econet_gm3_${UID}/103/config`,
  `homeassistant/sensor/econet_gm3_${UID}/99999/config`,
];
/** Another device's config, and another gateway's (another UID): never touched. */
const FOREIGN_CONFIGS = [
  "homeassistant/sensor/some_other_device/1/config",
  "homeassistant/sensor/econet_gm3_OTHERUID/68/config",
];

describe("MQTT bridge with MQTT_DISCOVERY=false", () => {
  let broker: Mosquitto;
  let g: SimGateway;
  let bridge: MqttBridge | undefined;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    g = await startSimGateway({ sim: { liveValues: false } });
  });
  afterAll(async () => {
    await bridge?.stop();
    await g?.stop();
    await broker?.stop();
  });

  it("clears this gateway's retained discovery configs from earlier runs and leaves other devices' alone", async () => {
    const seed = await MqttObserver.connect(broker.url, [`${BASE}/nothing`]);
    for (const topic of [...OWN_CONFIGS, ...FOREIGN_CONFIGS]) {
      await seed.publish(topic, '{"name":"from an earlier run"}', { retain: true });
    }
    await seed.close();
    const observer = await MqttObserver.connect(broker.url, ["homeassistant/#", AVAILABILITY]);
    try {
      for (const topic of OWN_CONFIGS) await observer.waitForMessage(topic, { payload: (p) => p !== "" });
      bridge = startBridge(g, broker.url, { discovery: false });
      await observer.waitForMessage(AVAILABILITY, { payload: "online" });
      for (const topic of OWN_CONFIGS) await observer.waitForMessage(topic, { payload: "" });
      expect(bridge.stats.configsPublished).toBe(0);
    } finally {
      await observer.close();
    }
    // What the broker keeps now: the foreign configs, and none of ours.
    const late = await MqttObserver.connect(broker.url, ["homeassistant/#", `${BASE}/TempWthr`]);
    try {
      await late.waitForMessage(`${BASE}/TempWthr`);
      for (const topic of FOREIGN_CONFIGS) {
        await late.waitForMessage(topic, { payload: '{"name":"from an earlier run"}' });
      }
      expect(late.messages.filter((m) => m.topic.includes(`econet_gm3_${UID}/`))).toEqual([]);
    } finally {
      await late.close();
    }
  });
});
