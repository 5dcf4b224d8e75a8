/**
 * Link health diagnostics over a real mosquitto and the simulated heat pump: five diagnostic
 * sensors on one retained JSON state that says what /api/status says (last contact age, poll
 * failures, grant interval, discovery state), rendered with Jinja2 as Home Assistant does; and the
 * last failed write's reason taken from the write jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkHealth } from "../../src/bridges/mqtt/ha/link-health.js";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import type { WriteJob } from "../../src/port/index.js";
import { renderTemplates } from "../helpers/jinja.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { BASE, startBridge, UID } from "./harness.js";

const STATE = `${BASE}/link_health`;
const KEYS = ["last_contact_age_s", "poll_failures", "grant_interval_s", "last_write_failure", "discovery"];
const configTopic = (key: string) => `homeassistant/sensor/econet_gm3_${UID}/link_${key}/config`;

describe("link health entities", () => {
  let broker: Mosquitto;
  let g: SimGateway;
  let observer: MqttObserver;
  let bridge: MqttBridge;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    g = await startSimGateway({ sim: { liveValues: false } });
    observer = await MqttObserver.connect(broker.url, [`${BASE}/#`, "homeassistant/#"]);
    bridge = startBridge(g, broker.url);
    await observer.waitForMessage(`${BASE}/availability`, { payload: "online" });
    await observer.waitForMessage(STATE);
  });

  afterAll(async () => {
    await bridge?.stop();
    await observer?.close();
    await g?.stop();
    await broker?.stop();
  });

  it("announces five diagnostic sensors on the link health state", () => {
    for (const key of KEYS) {
      const config = JSON.parse(observer.latest(configTopic(key)) ?? "null");
      expect(config, key).toMatchObject({
        state_topic: STATE,
        entity_category: "diagnostic",
        unique_id: `econet_gm3_${UID}_link_${key}`,
      });
    }
  });

  it("publishes what the status says, and the templates render it as HA would", async () => {
    // A state published after a poll cycle that followed the first one.
    const since = observer.mark();
    await observer.waitForMessage(STATE, { after: since });
    const health = JSON.parse(observer.latest(STATE)!) as Record<string, unknown>;
    const status = g.core.status();
    expect(health).toMatchObject({ poll_failures: status.poll.consecutiveFailures, discovery: "complete" });
    expect(health.last_contact_age_s).toBeGreaterThanOrEqual(0);
    expect(health.last_contact_age_s).toBeLessThan(5);
    expect(health.grant_interval_s).toBeCloseTo((status.bus.grantIntervals.averageMs ?? 0) / 1000, 0);
    expect(health.last_write_failure).toBeNull();
    const rendered = renderTemplates(
      KEYS.map((key) => ({
        template: JSON.parse(observer.latest(configTopic(key))!).value_template as string,
        value: observer.latest(STATE)!,
      })),
    );
    expect(rendered[0]).toBe(String(health.last_contact_age_s));
    expect(rendered[1]).toBe(String(health.poll_failures));
    expect(rendered[3]).toBe("None");
    expect(rendered[4]).toBe("complete");
  });

  it("names the last failed or expired write's reason", () => {
    const failed = {
      state: "failed",
      endedAt: Date.UTC(2026, 0, 1),
      error: { message: "Controller did not acknowledge write" },
    } as unknown as WriteJob;
    const confirmed = { state: "confirmed", endedAt: Date.UTC(2026, 0, 2) } as unknown as WriteJob;
    const health = linkHealth(g.core.status(), { recent: () => [confirmed, failed] }, g.core.clock.now());
    expect(health).toMatchObject({
      last_write_failure: "Controller did not acknowledge write",
      last_write_failure_at: "2026-01-01T00:00:00.000Z",
    });
  });
});
