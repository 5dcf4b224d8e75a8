import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { Command } from "../../src/protocol/index.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { BASE, startBridge, UID } from "./harness.js";
import { GOLDEN_DIR, profilePlan, profileStore } from "./profile-plan.js";

const AVAILABILITY = `${BASE}/availability`;
const STALE_CONFIG = `homeassistant/sensor/econet_gm3_${UID}/99999/config`;
const FOREIGN_CONFIG = "homeassistant/sensor/some_other_device/1/config";

describe("MQTT bridge against a real mosquitto and the simulated heat pump", () => {
  let broker: Mosquitto;
  let g: SimGateway;
  let observer: MqttObserver;
  let bridge: MqttBridge;
  let dhwModeBefore: number;
  const modifyFrames = () => g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM);

  beforeAll(async () => {
    broker = await Mosquitto.start();
    g = await startSimGateway({ sim: { liveValues: false } });
    observer = await MqttObserver.connect(broker.url);
    // Left behind by an earlier run: a config of this controller that is no longer published,
    // and one of another device that must be left alone.
    await observer.publish(STALE_CONFIG, '{"name":"gone"}', { retain: true });
    await observer.publish(FOREIGN_CONFIG, '{"name":"not ours"}', { retain: true });
    // A retained command: acting on it would replay it on every reconnection.
    dhwModeBefore = g.sim.controller.getValue(119) as number;
    await observer.publish(`${BASE}/HDWusermode/set`, String((dhwModeBefore + 1) % 3), { retain: true });
    bridge = startBridge(g, broker.url);
    await observer.waitForMessage(AVAILABILITY, { payload: "online" });
  });

  afterAll(async () => {
    await bridge?.stop();
    await observer?.publish(`${BASE}/HDWusermode/set`, "", { retain: true });
    await observer?.close();
    await g?.stop();
    await broker?.stop();
  });

  it("publishes Home Assistant discovery configs equal to the golden files", async () => {
    const files = readdirSync(GOLDEN_DIR).filter((file) => file.endsWith(".json"));
    let compared = 0;
    for (const file of files) {
      const golden = JSON.parse(readFileSync(new URL(file, GOLDEN_DIR), "utf8")) as {
        topic: string;
        config: unknown;
      };
      // 1348 is only in MQTT_PUBLISH=all; the bridge here publishes the default set.
      if (golden.topic.includes("/1348/")) continue;
      const seen = await observer.waitForMessage(golden.topic);
      expect(JSON.parse(seen.payload), file).toEqual(golden.config);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(17);
  });

  it("clears retained configs of this controller that are no longer published, and only those", async () => {
    await observer.waitForMessage(STALE_CONFIG, { payload: "" });
    const late = await MqttObserver.connect(broker.url, ["homeassistant/#"]);
    try {
      await late.waitForMessage(FOREIGN_CONFIG, { payload: '{"name":"not ours"}' });
      await late.waitForMessage(`homeassistant/sensor/econet_gm3_${UID}/68/config`);
      expect(late.on(STALE_CONFIG)).toHaveLength(0);
    } finally {
      await late.close();
    }
  });

  it("keeps states retained: a client that subscribes later gets every state at once, flagged retained", async () => {
    // A state cleared meanwhile (a circuit's climate, gone with its circuit) is not expected again.
    const isState = (topic: string) =>
      topic.startsWith(`${BASE}/`) &&
      !topic.endsWith("/set") &&
      !topic.endsWith("/set/result") &&
      observer.latest(topic) !== "";
    const states = [...new Set(observer.messages.map((m) => m.topic).filter(isState))];
    expect(states.length).toBeGreaterThan(150);
    const late = await MqttObserver.connect(broker.url, [`${BASE}/#`]);
    try {
      await late.waitFor(() => states.every((topic) => late.on(topic).length > 0), "every state topic");
      // What the broker kept comes first, flagged retained. A value that changes while the client is
      // subscribed follows as a live message, which MQTT 3.1.1 delivers without the flag (§3.3.1.3):
      // on the simulator the panel copies the thermostat's presets into circuit 2 (288–290) at a
      // moment that depends on scheduling, so only each topic's first message is the retained one.
      const notRetained = states.map((topic) => late.on(topic)[0]!).filter((m) => !m.retain);
      expect(notRetained.map((m) => m.topic)).toEqual([]);
      expect(late.on(`${BASE}/PS`)[0]?.payload).toBe("S024.25");
      expect(late.on(`${BASE}/UID`)[0]?.payload).toBe(UID);
      expect(late.on(AVAILABILITY)[0]?.payload).toBe("online");
      const alarms = JSON.parse(late.on(`${BASE}/alarms`)[0]!.payload);
      expect(alarms.active).toBe(g.core.alarms.filter((a) => a.toDate === null).length);
      expect(alarms.alarms).toHaveLength(g.core.alarms.length);
    } finally {
      await late.close();
    }
  });

  it("publishes a value the controller changed (once, on change)", async () => {
    const since = observer.mark();
    g.sim.controller.setValue(68, 12.5);
    await observer.waitForMessage(`${BASE}/TempWthr`, { payload: "12.5", after: since });
    // Later polls bring the same value: nothing more is published for it.
    const cycles = g.core.status().poll.cycles;
    await observer.waitFor(() => g.core.status().poll.cycles >= cycles + 2, "two more poll cycles");
    expect(observer.on(`${BASE}/TempWthr`).filter((m) => m.seq >= since)).toHaveLength(1);
  });

  it("writes through the safe path on a set message and publishes the outcome and the new state", async () => {
    const since = observer.mark();
    const target = (g.sim.controller.getValue(103) as number) === 50 ? 51 : 50;
    await observer.publish(`${BASE}/HDWTSetPoint/set`, String(target));
    const result = JSON.parse(
      (await observer.waitForMessage(`${BASE}/HDWTSetPoint/set/result`, { after: since })).payload,
    );
    expect(result).toMatchObject({
      success: true,
      state: "confirmed",
      name: "HDWTSetPoint",
      index: 103,
      new_value: target,
      confirmation: "ack+read-back",
    });
    // The result is the job's end, as GET /api/writes/{id} shows it.
    expect(g.core.writes.get(result.write_id)?.state).toBe("confirmed");
    expect(g.sim.controller.getValue(103)).toBe(target);
    await observer.waitForMessage(`${BASE}/HDWTSetPoint`, { payload: String(target), after: since });
  });

  it("refuses an out-of-range set without a frame on the bus", async () => {
    const since = observer.mark();
    const before = modifyFrames().length;
    const value = g.sim.controller.getValue(103);
    await observer.publish(`${BASE}/HDWTSetPoint/set`, "90");
    const result = JSON.parse(
      (await observer.waitForMessage(`${BASE}/HDWTSetPoint/set/result`, { after: since })).payload,
    );
    expect(result).toMatchObject({ success: false, error: "out-of-range", sent: false, index: 103 });
    expect(result.detail).toMatch(/65/);
    expect(modifyFrames()).toHaveLength(before);
    expect(g.sim.controller.getValue(103)).toBe(value);
  });

  it("answers a set message for a topic it does not publish with an error", async () => {
    const since = observer.mark();
    const before = modifyFrames().length;
    await observer.publish(`${BASE}/NoSuchParameter/set`, "1");
    const result = JSON.parse(
      (await observer.waitForMessage(`${BASE}/NoSuchParameter/set/result`, { after: since })).payload,
    );
    expect(result).toMatchObject({ success: false, error: "not-found" });
    expect(modifyFrames()).toHaveLength(before);
  });

  it("never acts on a retained set message (it would replay on every reconnection)", async () => {
    // Published retained before the bridge connected, so it arrived flagged as retained.
    const result = JSON.parse((await observer.waitForMessage(`${BASE}/HDWusermode/set/result`)).payload);
    expect(result).toMatchObject({ success: false, error: "retained", index: 119 });
    expect(g.sim.controller.getValue(119)).toBe(dhwModeBefore);
    expect(g.sim.controller.writes.filter((w) => w.index === 119)).toHaveLength(0);
  });

  it("adds a circuit's entities when it becomes active and removes them when it is switched off", async () => {
    // Circuit 1's configs: what the plan has with Circuit1active = 1 and not with 0.
    const store = profileStore();
    const without = new Set(profilePlan({ mode: "default" }, store).configs.keys());
    store.setValue(279, 1, undefined, 1);
    const circuit = [...profilePlan({ mode: "default" }, store).configs.keys()].filter(
      (t) => !without.has(t),
    );
    expect(circuit.length).toBeGreaterThan(30);
    expect(circuit).toContain(`homeassistant/number/econet_gm3_${UID}/238/config`);
    expect(circuit.some((topic) => observer.on(topic).length > 0)).toBe(false);

    const on = observer.mark();
    g.sim.controller.setValue(279, 1); // Circuit1active
    const published = (topic: string) => observer.on(topic).some((m) => m.seq >= on && m.payload !== "");
    await observer.waitFor(() => circuit.every(published), "every circuit 1 config");
    expect(JSON.parse(observer.latest(circuit.find((t) => t.includes("/238/"))!)!)).toMatchObject({
      name: "Circuit 1 comfort temperature",
      min: 10,
      max: 35,
    });

    g.sim.controller.setValue(279, 0);
    await observer.waitFor(
      () => circuit.every((topic) => observer.latest(topic) === ""),
      "every circuit 1 config cleared",
    );
    // Its state stays published: only the entity goes.
    expect(observer.latest(`${BASE}/Circuit1ComfortTemp`)).toBeDefined();
  });

  it("re-publishes discovery and states on Home Assistant's birth message", async () => {
    const ours = (since: number, until = Number.POSITIVE_INFINITY) =>
      new Set(
        observer.messages
          .filter((m) => m.seq >= since && m.seq < until && m.payload !== "")
          .filter((m) => m.topic.startsWith(`homeassistant/`) && m.topic.includes(`/econet_gm3_${UID}/`))
          .map((m) => m.topic),
      );
    const since = observer.mark();
    const seenBefore = observer.messages.length;
    // What is retained now: seen with a payload and not cleared since.
    const published = new Set([...ours(0, since)].filter((topic) => observer.latest(topic) !== ""));
    expect(published.size).toBeGreaterThan(150);
    await observer.publish("homeassistant/status", "online");
    await observer.waitFor(() => ours(since).size === published.size, "every config again");
    expect([...ours(since)].sort()).toEqual([...published].sort());
    // Every state topic published before, again.
    // A state cleared meanwhile (a circuit's climate, gone with its circuit) is not expected again.
    const isState = (topic: string) =>
      topic.startsWith(`${BASE}/`) &&
      !topic.endsWith("/set") &&
      !topic.endsWith("/set/result") &&
      observer.latest(topic) !== "";
    const states = new Set(
      observer.messages
        .slice(0, seenBefore)
        .map((m) => m.topic)
        .filter(isState),
    );
    expect(states.size).toBeGreaterThan(150);
    const again = () => new Set(observer.messages.slice(seenBefore).map((m) => m.topic));
    await observer.waitFor(() => [...states].every((topic) => again().has(topic)), "every state again");
  });
});
