/**
 * Alarms with names, end to end on the simulated heat pump with the HTTP API, the WebSocket and
 * the MQTT bridge over a real mosquitto: the simulator raises an alarm and clears it → one MQTT event
 * each (with code and name), the names in GET /api/alarms (the integration's fields unchanged), a
 * WebSocket `alarms` message with them, and the "Alarm active" binary sensor's attributes naming
 * the active alarms (rendered with Jinja2 as Home Assistant does).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlarmRecord } from "../../src/protocol/index.js";
import { renderTemplates } from "../helpers/jinja.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";
import { WsClient } from "../helpers/ws-client.js";
import { BASE, UID } from "./harness.js";

const EVENT_TOPIC = `${BASE}/alarm_event`;
const FLOW_FAILURE: AlarmRecord = {
  code: 148,
  from: { year: 2026, month: 2, day: 1, hour: 9, minute: 30, second: 0 },
  to: undefined,
};

describe("alarms with names", () => {
  let broker: Mosquitto;
  let gw: SimLive;
  let observer: MqttObserver;
  let ws: WsClient;
  const events = () => observer.on(EVENT_TOPIC).map((m) => JSON.parse(m.payload) as Record<string, unknown>);
  const apiAlarms = async () =>
    ((await (await fetch(`${gw.url}/api/alarms`)).json()) as { alarms: Record<string, unknown>[] }).alarms;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    observer = await MqttObserver.connect(broker.url, [`${BASE}/#`, "homeassistant/#"]);
    gw = await startSimLive({ env: { MQTT_URL: broker.url } });
    await observer.waitForMessage(`${BASE}/availability`, { payload: "online", timeoutMs: 15_000 });
    await observer.waitForMessage(`${BASE}/alarms`, { timeoutMs: 15_000 });
    ws = await WsClient.connect(`${gw.wsUrl}/ws/parameters`);
    await ws.waitFor(() => ws.of("snapshot")[0], "the snapshot");
  });

  afterAll(async () => {
    await ws?.close();
    await observer?.close();
    await gw?.close();
    await broker?.stop();
  });

  it("names the alarms already in the log, unknown codes as unknown, without events for them", async () => {
    const alarms = await apiAlarms();
    expect(alarms.length).toBe(3);
    for (const alarm of alarms) {
      expect(Object.keys(alarm)).toEqual(["index", "code", "from_date", "to_date", "name", "check"]);
    }
    expect(alarms.find((a) => a.code === 2)).toMatchObject({
      name: "Alarm 2 (unknown — please report)",
      check: null,
    });
    expect(events()).toEqual([]);
  });

  it("raises: one MQTT event with code and name, names in /api/alarms, a WebSocket message, the attributes", async () => {
    const wsSince = ws.messages.length;
    gw.sim.panel.alarms = [FLOW_FAILURE, ...gw.sim.panel.alarms];
    await observer.waitFor(() => events().length === 1, "the raised event", 20_000);
    expect(events()[0]).toMatchObject({
      event_type: "raised",
      code: 148,
      name: "Water flow failure",
      from_date: "2026-02-01T09:30:00",
      to_date: null,
    });
    const alarms = await apiAlarms();
    expect(alarms[0]).toMatchObject({ code: 148, name: "Water flow failure", to_date: null });
    expect(String(alarms[0]!.check)).toMatch(/flow/i);
    const message = await ws.waitFor(
      () => ws.messages.slice(wsSince).find((m) => m.type === "alarms"),
      "a WebSocket alarms message",
    );
    expect(JSON.stringify(message)).toContain("Water flow failure");
    // The binary sensor's attributes, rendered on the retained alarm log as HA would.
    const config = JSON.parse(
      observer.latest(`homeassistant/binary_sensor/econet_gm3_${UID}/alarm_active/config`)!,
    ) as Record<string, string>;
    const [attributes, state] = renderTemplates([
      { template: config.json_attributes_template!, value: observer.latest(`${BASE}/alarms`)! },
      { template: config.value_template!, value: observer.latest(`${BASE}/alarms`)! },
    ]);
    expect(JSON.parse(attributes!)).toEqual({
      active_alarms: ["Water flow failure", "Alarm 2 (unknown — please report)"],
      active_codes: [148, 2],
    });
    expect(state).toBe("ON");
  });

  it("clears: one more MQTT event, and nothing more while the log stays the same", async () => {
    gw.sim.panel.alarms = gw.sim.panel.alarms.map((a) =>
      a.code === 148 ? { ...a, to: { year: 2026, month: 2, day: 1, hour: 9, minute: 45, second: 0 } } : a,
    );
    await observer.waitFor(() => events().length === 2, "the cleared event", 20_000);
    expect(events()[1]).toMatchObject({
      event_type: "cleared",
      code: 148,
      name: "Water flow failure",
      to_date: "2026-02-01T09:45:00",
    });
    expect((await apiAlarms())[0]).toMatchObject({ code: 148, to_date: "2026-02-01T09:45:00" });
    // Two more alarm reads of the same log bring no event.
    const reads = gw.core.status().alarms.lastReadAt ?? 0;
    await observer.waitFor(
      () => (gw.core.status().alarms.lastReadAt ?? 0) > reads,
      "another alarm read",
      20_000,
    );
    expect(events()).toHaveLength(2);
  });

  it("announces the event entity with its event types", () => {
    const config = JSON.parse(observer.latest(`homeassistant/event/econet_gm3_${UID}/alarm/config`)!);
    expect(config).toMatchObject({ state_topic: EVENT_TOPIC, event_types: ["raised", "cleared"] });
  });
});
