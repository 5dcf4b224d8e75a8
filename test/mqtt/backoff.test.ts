/**
 * Reconnection back-off: after each failed connection the bridge waits twice as long as before,
 * from MQTT_RECONNECT's minimum up to its maximum. Fake timers make the delays exact; the broker is
 * a loopback server that accepts each connection and closes it at once.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MqttBridge, type MqttCore } from "../../src/bridges/mqtt/index.js";
import { systemClock } from "../../src/util/clock.js";
import { profileStore } from "./profile-plan.js";

const realSetTimeout = globalThis.setTimeout;
const realSleep = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));

/** Waits (bounded, in real time) until `predicate` holds. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await realSleep(2);
  }
}

describe("MQTT reconnection back-off", () => {
  let server: Server | undefined;
  let bridge: MqttBridge | undefined;

  afterEach(async () => {
    await bridge?.stop();
    vi.useRealTimers();
    if (server) {
      server.close();
      await once(server, "close");
    }
  });

  it("waits 100, 200, 400, 800 ms between attempts, then stays at the 800 ms cap", async () => {
    let connections = 0;
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as { port: number };
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const store = profileStore();
    const core: MqttCore = {
      store,
      alarms: [],
      clock: systemClock,
      dataReady: () => true,
      write: () => Promise.reject(new Error("not used")),
      // The bridge listens for ended writes (link health); none end here.
      writes: { on: () => {}, off: () => {}, recent: () => [] },
      on: () => core as never,
      off: () => core as never,
    } as unknown as MqttCore;
    bridge = new MqttBridge(core, {
      url: `mqtt://127.0.0.1:${port}`,
      baseTopic: "econet-gm3/{uid}",
      discovery: false,
      discoveryPrefix: "homeassistant",
      selection: { mode: "default" },
      clientId: "",
      protocol: "5",
      readOnly: false,
      allowPanelWrites: false,
      reconnectDelayMinMs: 100,
      reconnectDelayMaxMs: 800,
      stableConnectionMs: 60_000,
      connectTimeoutMs: 60_000,
      keepaliveSeconds: 30,
      logger: pino({ level: "silent" }),
    });
    bridge.start();
    const current = bridge;
    const delays: number[] = [];
    for (const expected of [100, 200, 400, 800, 800, 800]) {
      const attempt = connections + 1;
      await until(() => connections === attempt, `connection ${attempt}`);
      await until(() => current.pendingReconnectMs !== undefined, `a reconnection after attempt ${attempt}`);
      const delay = current.pendingReconnectMs!;
      delays.push(delay);
      // Not a millisecond early: the reconnection is still waiting when the delay is not over
      // (mqtt.js reconnects only when the bridge tells it to: reconnectPeriod 0) …
      vi.advanceTimersByTime(delay - 1);
      expect(current.pendingReconnectMs).toBe(delay);
      expect(connections).toBe(attempt);
      // … and the next attempt comes when it is.
      vi.advanceTimersByTime(1);
      expect(current.pendingReconnectMs).toBeUndefined();
      expect(delay).toBe(expected);
    }
    await until(() => connections === 7, "connection 7");
    expect(delays).toEqual([100, 200, 400, 800, 800, 800]);
  });
});
