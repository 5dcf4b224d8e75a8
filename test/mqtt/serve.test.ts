import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.js";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";
import { BASE } from "./harness.js";

describe("MQTT in the gateway as gm3 serve composes it (MQTT_URL set)", () => {
  let broker: Mosquitto;
  let gw: SimLive;
  let observer: MqttObserver;
  beforeAll(async () => {
    broker = await Mosquitto.start();
    observer = await MqttObserver.connect(broker.url, [`${BASE}/#`]);
    gw = await startSimLive({ env: { MQTT_URL: broker.url, MQTT_PUBLISH: "TempWthr,HDWTSetPoint" } });
  });
  afterAll(async () => {
    await gw?.close();
    await observer?.close();
    await broker?.stop();
  });

  it("publishes the selected parameters, and /metrics shows the connection", async () => {
    await observer.waitForMessage(`${BASE}/availability`, { payload: "online" });
    await observer.waitForMessage(`${BASE}/HDWTSetPoint`);
    await observer.waitForMessage(`${BASE}/TempWthr`);
    expect(
      observer.messages.filter((m) => m.topic.split("/").length === 3).map((m) => m.topic),
    ).not.toContain(`${BASE}/PS`);
    const families = parsePrometheusText(await (await fetch(`${gw.url}/metrics`)).text());
    expect(sampleValue(families, "gm3_mqtt_connected")).toBe(1);
    expect(sampleValue(families, "gm3_mqtt_connections_total")).toBe(1);
    expect(sampleValue(families, "gm3_mqtt_states_published_total")).toBeGreaterThanOrEqual(2);
  });

  it("says offline when the gateway stops", async () => {
    const since = observer.mark();
    await gw.close();
    await observer.waitForMessage(`${BASE}/availability`, { payload: "offline", after: since });
  });
});
