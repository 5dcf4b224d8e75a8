/**
 * The MQTT client id: by default unique per gateway instance (a random id kept in STATE_DIR) and the
 * same after a restart, so two gateways never take each other's session; and when two clients do
 * share an id (MQTT_CLIENT_ID copied to both), the bridge recognises being kicked off, backs off and
 * says why — against a real mosquitto with MQTT 5 and 3.1.1 (it closes the old connection, again and
 * again, soon after it came up), and against a loopback broker that says "session taken over" as
 * MQTT 5 lets a broker do (this mosquitto does not send that reason, so nothing real can here).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MqttBridge } from "../../src/bridges/mqtt/index.js";
import { readOrCreateInstanceId } from "../../src/state/instance-id.js";
import { StateDirectory } from "../../src/state/state-file.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { MqttObserver } from "../helpers/mqtt-observer.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";
import { captureLines } from "../logging/capture.js";
import { BASE, startBridge, UID } from "./harness.js";

let broker: Mosquitto;
let dir: string;
beforeAll(async () => {
  broker = await Mosquitto.start();
  dir = await mkdtemp(join(tmpdir(), "gm3-client-id-"));
});
afterAll(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the instance id in STATE_DIR", () => {
  it("is created once, kept across restarts, and differs between state directories", async () => {
    const first = await readOrCreateInstanceId(new StateDirectory(join(dir, "a")));
    expect(first.created).toBe(true);
    expect(first.id).toMatch(/^[0-9a-f]{8}$/);
    const again = await readOrCreateInstanceId(new StateDirectory(join(dir, "a")));
    expect(again).toEqual({ id: first.id, created: false });
    expect(JSON.parse(await readFile(join(dir, "a", "instance-id.json"), "utf8"))).toMatchObject({
      id: first.id,
    });
    const other = await readOrCreateInstanceId(new StateDirectory(join(dir, "b")));
    expect(other.id).not.toBe(first.id);
  });
});

describe("two gateways on one broker with the default client id (as gm3 serve composes them)", () => {
  const gateways: SimLive[] = [];
  afterAll(async () => {
    for (const gw of gateways) await gw.close();
  });

  /** Starts a gateway with its own STATE_DIR; returns it and the client id it connected with. */
  async function gateway(state: string) {
    const log = captureLines();
    const gw = await startSimLive({
      env: { MQTT_URL: broker.url, MQTT_PUBLISH: "HDWTSetPoint", STATE_DIR: join(dir, state) },
      logger: pino({ level: "info" }, log.destination),
    });
    gateways.push(gw);
    const connected = () => log.json().find((line) => line.event === "mqtt.connected");
    const deadline = Date.now() + 10_000;
    while (!connected()) {
      if (Date.now() > deadline) throw new Error("no mqtt.connected");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { gw, clientId: String(connected()!.clientId), log };
  }

  it("get ids of their own (kept across a restart), so both stay connected and both answer a command", async () => {
    const a = await gateway("gw-a");
    const b = await gateway("gw-b");
    expect(a.clientId).toMatch(new RegExp(`^econet-gm3-${UID}-[0-9a-f]{8}$`));
    expect(b.clientId).not.toBe(a.clientId);
    const observer = await MqttObserver.connect(broker.url, [`${BASE}/#`]);
    try {
      const since = observer.mark();
      await observer.publish(`${BASE}/HDWTSetPoint/set`, "44");
      await observer.waitFor(
        () => observer.on(`${BASE}/HDWTSetPoint/set/result`).filter((m) => m.seq >= since).length === 2,
        "a result from each gateway",
      );
      for (const { log } of [a, b]) {
        expect(log.json().filter((line) => line.event === "mqtt.disconnected")).toEqual([]);
      }
    } finally {
      await observer.close();
    }
    // A restart of the first keeps its id.
    await a.gw.close();
    const restarted = await gateway("gw-a");
    expect(restarted.clientId).toBe(a.clientId);
  });
});

describe.each([{ protocol: "5" as const }, { protocol: "3.1.1" as const }])(
  "MQTT $protocol: two clients with the same client id on mosquitto",
  ({ protocol }) => {
    let g: SimGateway;
    const bridges: MqttBridge[] = [];
    beforeAll(async () => {
      g = await startSimGateway({ sim: { liveValues: false } });
    });
    afterEach(async () => {
      for (const bridge of bridges.splice(0)) await bridge.stop();
    });
    afterAll(async () => {
      await g?.stop();
    });

    it("back off to the longest delay and say that another client with the same id is connected", async () => {
      const logs = [captureLines(), captureLines()];
      for (const log of logs) {
        bridges.push(
          startBridge(g, broker.url, {
            protocol,
            clientId: "shared-id",
            reconnectDelayMinMs: 50,
            reconnectDelayMaxMs: 400,
            logger: pino({ level: "info" }, log.destination),
          }),
        );
      }
      const kicked = () =>
        logs.flatMap((log) => log.json()).filter((line) => line.event === "mqtt.disconnected");
      const deadline = Date.now() + 20_000;
      while (!kicked().some((line) => line.reconnectInMs === 400)) {
        if (Date.now() > deadline)
          throw new Error(`no back-off to 400 ms; last: ${JSON.stringify(kicked().slice(-2))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const last = kicked().find((line) => line.reconnectInMs === 400)!;
      expect(String(last.reason)).toContain(
        "another client with the same client id (shared-id) is connected to the broker",
      );
      // mosquitto 2.0 closes the old connection without a DISCONNECT reason, whatever the protocol.
      expect(String(last.reason)).toMatch(/the broker closed the connection \d+ times in a row/);
      expect(String(last.msg)).not.toMatch(/not reachable/);
      // The delays grew (doubling) rather than staying at the shortest.
      const delays = kicked().map((line) => line.reconnectInMs as number);
      expect(Math.max(...delays)).toBe(400);
    }, 30_000);
  },
);

describe("MQTT 5: a broker that says the session was taken over", () => {
  let server: Server | undefined;
  let bridge: MqttBridge | undefined;
  let g: SimGateway;
  beforeAll(async () => {
    g = await startSimGateway({ sim: { liveValues: false } });
  });
  afterAll(async () => {
    await bridge?.stop();
    if (server) await new Promise((resolve) => server!.close(resolve));
    await g?.stop();
  });

  it("says so at the first kick, and doubles the delay on each one", async () => {
    // CONNACK (success) to every CONNECT, then DISCONNECT with reason 0x8E "Session taken over".
    const CONNACK = Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00]);
    const TAKEN_OVER = Buffer.from([0xe0, 0x02, 0x8e, 0x00]);
    let connections = 0;
    server = createServer((socket) => {
      connections++;
      socket.once("data", () => {
        socket.write(CONNACK);
        socket.end(TAKEN_OVER);
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const log = captureLines();
    bridge = startBridge(g, `mqtt://127.0.0.1:${port}`, {
      protocol: "5",
      clientId: "shared-id",
      reconnectDelayMinMs: 50,
      reconnectDelayMaxMs: 400,
      logger: pino({ level: "info" }, log.destination),
    });
    const lost = () => log.json().filter((line) => line.event === "mqtt.disconnected");
    const deadline = Date.now() + 10_000;
    while (lost().length < 4) {
      if (Date.now() > deadline) throw new Error(`only ${lost().length} disconnections`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(connections).toBeGreaterThanOrEqual(4);
    expect(
      lost()
        .slice(0, 4)
        .map((line) => line.reconnectInMs),
    ).toEqual([50, 100, 200, 400]);
    for (const line of lost().slice(0, 4)) {
      expect(line.reason).toBe(
        "another client with the same client id (shared-id) is connected to the broker (it took over the session); give each gateway its own MQTT_CLIENT_ID (or leave it empty)",
      );
      expect(line.connected).toBe(true);
    }
  });
});

describe("MQTT 5 against a broker that speaks only 3.1.1", () => {
  it("says to set MQTT_PROTOCOL=3.1.1", async () => {
    // What a 3.1.1 broker answers to an MQTT 5 CONNECT: CONNACK "unacceptable protocol version".
    const server = createServer((socket) => {
      socket.once("data", () => socket.end(Buffer.from([0x20, 0x02, 0x00, 0x01])));
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const g = await startSimGateway({ sim: { liveValues: false } });
    const log = captureLines();
    const bridge = startBridge(g, `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`, {
      protocol: "5",
      logger: pino({ level: "info" }, log.destination),
    });
    try {
      const failed = () => log.json().find((line) => line.event === "mqtt.disconnected");
      const deadline = Date.now() + 10_000;
      while (!failed()) {
        if (Date.now() > deadline) throw new Error("no mqtt.disconnected");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(failed()!.reason).toMatch(
        /Unacceptable protocol version.*: the broker may not speak MQTT 5; set MQTT_PROTOCOL=3\.1\.1$/,
      );
    } finally {
      await bridge.stop();
      await g.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
