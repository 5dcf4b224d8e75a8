/**
 * Live data out, end to end: the gateway in its own process (`node dist/cli.js serve`) polls the
 * simulator over TCP at wire speed (115200 baud, POLL_INTERVAL 1 s) with MQTT on (a real mosquitto)
 * and 20 WebSocket clients.
 *
 * Prints:
 * - latency from a value change in the simulator to the WebSocket `change` message and to the MQTT
 *   state message (p50/p99). It is dominated by when the next poll reads the value (POLL_INTERVAL
 *   plus the poll's own ~1 s at this baud rate), so the time from the gateway's store to the client
 *   is printed too (the `change` message carries the store's timestamp);
 * - the gateway's CPU (share of one core) polling with MQTT on, then with 20 WebSocket clients too;
 * - the size and answer time of GET /metrics.
 * Asserts nothing.
 *
 *   npm run build && npx tsx bench/live.ts [samples, default 30]
 */
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { SimTcpServer, Simulation } from "../src/sim/index.js";
import { Mosquitto } from "../test/helpers/mosquitto.js";
import { MqttObserver } from "../test/helpers/mqtt-observer.js";
import { onLogEvents, processCpuMs } from "./child-process.js";

const BAUD = 115_200;
const GATEWAY = 114;
const WS_CLIENTS = 20;
const CPU_WINDOW_MS = 20_000;
const SAMPLES = Number(process.argv[2] ?? 30);
/** HDWTSetPoint: in the default MQTT set, and the simulator never moves it by itself. */
const INDEX = 103;
const NAME = "HDWTSetPoint";

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

interface Change {
  index: number;
  value: unknown;
  timestamp: string;
  at: number;
}

async function main() {
  const broker = await Mosquitto.start();
  const sim = new Simulation({
    baudRate: BAUD,
    wireDelay: true,
    registeredGateways: [GATEWAY],
    tokenGrantIntervalMs: 300,
  });
  sim.start();
  const server = new SimTcpServer(sim, { host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const stateDir = join(tmpdir(), `gm3-bench-live-${process.pid}`);
  const child = spawn(process.execPath, ["dist/cli.js", "serve"], {
    env: {
      ...process.env,
      SERIAL_PORT: `tcp://127.0.0.1:${port}`,
      GM3_SOURCE_ADDRESS: String(GATEWAY),
      POLL_INTERVAL: "1",
      API_PORT: "0",
      API_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      STATE_DIR: stateDir,
      MQTT_URL: broker.url,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let apiUrl: string | undefined;
  let baseTopic: string | undefined;
  onLogEvents(child.stdout, (line) => {
    if (line.event === "gateway.started") apiUrl = line.apiUrl as string | undefined;
    if (line.event === "mqtt.connected") baseTopic = line.baseTopic as string | undefined;
  });
  const cpuMs = () => processCpuMs(child.pid!);
  const cpuShare = async () => {
    const cpu = cpuMs();
    const started = Date.now();
    await sleep(CPU_WINDOW_MS);
    return ((cpuMs() - cpu) / (Date.now() - started)) * 100;
  };

  try {
    const url = (await waitFor(() => apiUrl, 60_000, "the gateway to start")).replace(
      "localhost",
      "127.0.0.1",
    );
    const base = await waitFor(() => baseTopic, 90_000, "the MQTT connection (after the first poll)");
    const mqtt = await MqttObserver.connect(broker.url, [`${base}/${NAME}`]);
    await sleep(3_000);
    const mqttOnly = await cpuShare();

    const changes: Change[][] = [];
    const clients: WebSocket[] = [];
    for (let i = 0; i < WS_CLIENTS; i++) {
      const socket = new WebSocket(`${url.replace(/^http/, "ws")}/ws/parameters`);
      const seen: Change[] = [];
      changes.push(seen);
      socket.on("message", (data) => {
        const message = JSON.parse(data.toString()) as { type: string } & Change;
        if (message.type === "change" && message.index === INDEX) seen.push({ ...message, at: Date.now() });
      });
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      clients.push(socket);
    }
    await sleep(3_000);
    const withClients = await cpuShare();

    const toWs: number[] = [];
    const toMqtt: number[] = [];
    const storeToWs: number[] = [];
    const storeToMqtt: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // Spread the changes over the poll cycle.
      await sleep(Math.random() * 1_000);
      const current = sim.controller.getValue(INDEX) as number;
      const value = current >= 60 ? 40 : current + 1;
      const mark = mqtt.mark();
      const since = Date.now();
      sim.controller.setValue(INDEX, value);
      const change = await waitFor(
        () => changes[0]!.find((c) => c.value === value && c.at >= since),
        15_000,
        "the WebSocket change",
      );
      const message = await mqtt.waitForMessage(`${base}/${NAME}`, { payload: String(value), after: mark });
      toWs.push(change.at - since);
      toMqtt.push(message.at - since);
      storeToWs.push(change.at - Date.parse(change.timestamp));
      storeToMqtt.push(message.at - Date.parse(change.timestamp));
      // Every client got it.
      await waitFor(
        () =>
          changes.every((seen) => seen.some((c) => c.value === value && c.at >= since)) ? true : undefined,
        5_000,
        "all WebSocket clients",
      );
    }

    const scrapes: number[] = [];
    let size = 0;
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const text = await (await fetch(`${url}/metrics`)).text();
      scrapes.push(performance.now() - started);
      size = text.length;
    }

    const row = (label: string, values: number[]) =>
      console.log(
        `${label.padEnd(40)} p50 ${percentile(values, 50).toFixed(0).padStart(5)} ms   p99 ${percentile(values, 99).toFixed(0).padStart(5)} ms`,
      );
    console.log(
      `gateway process: simulator over TCP at ${BAUD} baud, POLL_INTERVAL 1 s, MQTT (default set) on a local mosquitto`,
    );
    row(`simulator change → WebSocket (${SAMPLES} samples)`, toWs);
    row("simulator change → MQTT state", toMqtt);
    row("gateway store → WebSocket client", storeToWs);
    row("gateway store → MQTT subscriber", storeToMqtt);
    console.log(`CPU, polling with MQTT on:                ${mqttOnly.toFixed(1)} % of one core`);
    console.log(
      `CPU, with ${WS_CLIENTS} WebSocket clients as well:   ${withClients.toFixed(1)} % of one core`,
    );
    console.log(
      `GET /metrics: ${(size / 1024).toFixed(0)} KiB, p50 ${percentile(scrapes, 50).toFixed(1)} ms, max ${Math.max(...scrapes).toFixed(1)} ms`,
    );
    for (const socket of clients) socket.close();
    await mqtt.close();
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    await server.close();
    await sim.stop();
    await broker.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

await main();
