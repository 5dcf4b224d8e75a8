import { createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { freePort, Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import { BASE, startBridge } from "./harness.js";

const AVAILABILITY = `${BASE}/availability`;

/** Waits until the core has completed `count` more poll cycles. */
async function pollsContinue(g: SimGateway, count: number): Promise<void> {
  const start = g.core.status().poll.cycles;
  const deadline = Date.now() + 10_000;
  while (g.core.status().poll.cycles < start + count) {
    if (Date.now() > deadline) throw new Error("polling stalled");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("MQTT bridge resilience", () => {
  let broker: Mosquitto;
  let g: SimGateway;
  let bridge: MqttBridge | undefined;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    g = await startSimGateway({ sim: { liveValues: false } });
  });
  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
  });
  afterAll(async () => {
    await g?.stop();
    await broker?.stop();
  });

  it("says offline on stop; the broker publishes the last will `offline` when the connection dies, and `online` after reconnecting", async () => {
    const proxy = new TcpProxy(broker.port);
    await proxy.listen();
    const observer = await MqttObserver.connect(broker.url, [AVAILABILITY]);
    try {
      bridge = startBridge(g, proxy.url);
      await observer.waitForMessage(AVAILABILITY, { payload: "online" });
      // Cut the connection and keep the bridge from reconnecting: only the broker can say offline now.
      const cutAt = observer.mark();
      proxy.refusing = true;
      proxy.cut();
      await observer.waitForMessage(AVAILABILITY, { payload: "offline", after: cutAt });
      expect(bridge.connected).toBe(false);
      const backAt = observer.mark();
      proxy.refusing = false;
      await observer.waitForMessage(AVAILABILITY, { payload: "online", after: backAt });
      expect(bridge.stats.connections).toBeGreaterThanOrEqual(2);
      // A clean stop says offline itself (retained), rather than leaving it to the will.
      const stopAt = observer.mark();
      await bridge.stop();
      await observer.waitForMessage(AVAILABILITY, { payload: "offline", after: stopAt });
    } finally {
      await observer.close();
      await proxy.close();
    }
  });

  it("survives a broker restart: reconnects and publishes states and configs again", async () => {
    bridge = startBridge(g, broker.url);
    const first = await MqttObserver.connect(broker.url, [AVAILABILITY]);
    await first.waitForMessage(AVAILABILITY, { payload: "online" });
    await first.close();
    await broker.halt();
    // Polling goes on while the broker is gone.
    await pollsContinue(g, 2);
    expect(bridge.connected).toBe(false);
    g.sim.controller.setValue(68, 7.5);
    await pollsContinue(g, 1);
    await broker.run();
    // The restarted broker kept nothing (no persistence): all it has, the bridge published again.
    const after = await MqttObserver.connect(broker.url);
    try {
      await after.waitForMessage(AVAILABILITY, { payload: "online" });
      await after.waitForMessage(`${BASE}/TempWthr`, { payload: "7.5" });
      await after.waitForMessage(`homeassistant/number/econet_gm3_2L7SDPN6KQ38CIH2401K01U/103/config`);
      expect(bridge.connected).toBe(true);
    } finally {
      await after.close();
    }
  });

  it("a broker that is down never blocks polling, writes or stopping", async () => {
    const closedPort = await freePort();
    bridge = startBridge(g, `mqtt://127.0.0.1:${closedPort}`);
    await pollsContinue(g, 3);
    const job = await g.core.write({ target: "HDWTSetPoint", value: 47, origin: "test" });
    expect(job.outcome?.newValue).toBe(47);
    expect(bridge.connected).toBe(false);
    await bridge.stop();
  });

  it("a broker that accepts the connection but never answers does not block either", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => {
      sockets.push(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      bridge = startBridge(g, `mqtt://127.0.0.1:${port}`, { connectTimeoutMs: 500 });
      await pollsContinue(g, 3);
      expect(sockets.length).toBeGreaterThanOrEqual(1);
      expect(bridge.connected).toBe(false);
      await bridge.stop();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
