/**
 * One write budget (API_WRITE_RATE_LIMIT) for every path: HTTP writes and MQTT commands draw from
 * the same one, held by the write queue, against a real mosquitto and the simulated heat pump.
 */
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiServer } from "../../src/bridges/http/index.js";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { Command } from "../../src/protocol/index.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { configFromEnv } from "../helpers/sim-api.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { BASE, startBridge } from "./harness.js";

const LIMIT = 3;

describe("the write budget shared by HTTP and MQTT", () => {
  let broker: Mosquitto;
  let g: SimGateway;
  let app: FastifyInstance;
  let observer: MqttObserver;
  let bridge: MqttBridge;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    g = await startSimGateway({ sim: { liveValues: false }, core: { writeRateLimitPerMinute: LIMIT } });
    app = await createApiServer({
      core: g.core,
      config: configFromEnv({ API_WRITE_RATE_LIMIT: String(LIMIT) }),
      logger: pino({ level: "silent" }),
      version: "0.0.0-test",
    });
    await app.ready();
    observer = await MqttObserver.connect(broker.url);
    bridge = startBridge(g, broker.url);
    await observer.waitForMessage(`${BASE}/availability`, { payload: "online" });
  });

  afterAll(async () => {
    await bridge?.stop();
    await observer?.close();
    await app?.close();
    await g?.stop();
    await broker?.stop();
  });

  it(`allows ${LIMIT} writes a minute from HTTP and MQTT together, then refuses both, sending nothing more`, async () => {
    let client = 0;
    const post = (value: number) =>
      app.inject({
        method: "POST",
        remoteAddress: `192.0.2.${++client}`,
        url: "/api/parameters/SummerOn",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ value }),
      });
    const base = g.sim.controller.getValue(702) as number;
    const values = [base + 1, base - 1, base + 1, base - 1].map((v) => Math.min(30, Math.max(22, v)));
    // Two over HTTP, each from its own client address (the budget is not per client).
    expect((await post(values[0]!)).statusCode).toBe(200);
    expect((await post(values[1]!)).statusCode).toBe(200);
    // The third over MQTT is still within the budget.
    let since = observer.mark();
    await observer.publish(`${BASE}/SummerOn/set`, String(values[2]));
    const third = JSON.parse(
      (await observer.waitForMessage(`${BASE}/SummerOn/set/result`, { after: since })).payload,
    );
    expect(third).toMatchObject({ success: true, state: "confirmed" });
    const framesAfterThree = g
      .gatewayFrames()
      .filter((e) => e.frame?.command === Command.MODIFY_PARAM).length;
    // The budget is spent: HTTP gets 429 with Retry-After, MQTT a rate-limited result.
    const refused = await post(values[3]!);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe("rate-limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    since = observer.mark();
    await observer.publish(`${BASE}/SummerOn/set`, String(values[3]));
    const fourth = JSON.parse(
      (await observer.waitForMessage(`${BASE}/SummerOn/set/result`, { after: since })).payload,
    );
    expect(fourth).toMatchObject({ success: false, error: "rate-limited", sent: false });
    expect(g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM).length).toBe(
      framesAfterThree,
    );
    expect(g.core.writes.counts.refused).toBe(2);
  });
});
