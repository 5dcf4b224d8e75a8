/**
 * Issue 16, the WebSocket side of the virtual room thermostat: `/ws/parameters` sends a
 * `thermostat` message on connect and whenever its state changes — a temperature received, the
 * feed going stale (time alone, no event), coming back, the pairing window opening — and nothing
 * while only ages move. A real socket on 127.0.0.1, the simulated heat pump, a real
 * VirtualThermostat; no thermostat, no `thermostat` messages.
 */
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerLiveStream } from "../../src/bridges/ws/plugin.js";
import type { ThermostatPort } from "../../src/port/index.js";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";
import { WsClient } from "../helpers/ws-client.js";

const MAX_AGE_MS = 2_000;
const CONFIG = {
  apiKey: "",
  apiReadKey: "",
  ingressTrustedAddress: "",
  wsMaxQueueMessages: 1_000,
  pollIntervalMs: 300,
};

async function serve(
  g: SimGateway,
  thermostat: ThermostatPort | undefined,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  await registerLiveStream(app, {
    core: g.core,
    config: CONFIG,
    logger: pino({ level: "silent" }),
    thermostat,
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { app, url: `ws://127.0.0.1:${port}/ws/parameters` };
}

describe("WebSocket thermostat messages", () => {
  let g: SimGateway;
  let thermostat: VirtualThermostat;
  let server: { app: FastifyInstance; url: string };
  const clients: WsClient[] = [];
  const connect = async () => {
    const client = await WsClient.connect(server.url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    g = await startSimGateway({ sim: { liveValues: false, wiredThermostat: false } });
    thermostat = await VirtualThermostat.open({ clock: g.core.clock, enabled: true, maxAgeMs: MAX_AGE_MS });
    server = await serve(g, thermostat);
  }, 30_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.app.close();
    thermostat?.close();
    await g?.stop();
  });

  it("sends the thermostat's status on connect, with the fields of GET /api/thermostat/status", async () => {
    const client = await connect();
    const first = await client.waitFor(() => client.of("thermostat")[0], "a thermostat message");
    const { timestamp, type: _type, ...fields } = first;
    expect(fields).toEqual({ ...thermostat.status() });
    expect(fields).toMatchObject({ enabled: true, is_stale: true, effective_source: "fallback" });
    expect(Date.parse(timestamp as string)).toBeGreaterThan(Date.now() - 10_000);
  });

  it("announces a temperature, the feed going stale by time alone, and its return — not the ages in between", async () => {
    const client = await connect();
    await client.waitFor(() => client.of("thermostat")[0], "the first thermostat message");
    thermostat.acceptTemperature(21.5);
    const fresh = await client.waitFor(
      () => client.of("thermostat").find((m) => m.temperature === 21.5 && m.is_stale === false),
      "the fresh temperature",
    );
    expect(fresh).toMatchObject({ effective_source: "ha", effective_temperature: 21.5 });
    const stale = await client.waitFor(
      () => client.of("thermostat").find((m) => m.temperature === 21.5 && m.is_stale === true),
      "the feed stale",
      MAX_AGE_MS + 5_000,
    );
    expect(stale.effective_temperature).toBe(21.5);
    // Between the fresh and the stale message only the age moved: nothing was sent for it.
    expect(client.of("thermostat").filter((m) => m.temperature === 21.5)).toHaveLength(2);
    thermostat.acceptTemperature(21.75);
    await client.waitFor(
      () => client.of("thermostat").find((m) => m.temperature === 21.75 && m.is_stale === false),
      "the feed back",
    );
  });

  it("announces the pairing window opening", async () => {
    const client = await connect();
    await client.waitFor(() => client.of("thermostat")[0], "the first thermostat message");
    expect(thermostat.startPairing().ok).toBe(true);
    const pairing = await client.waitFor(
      () => client.of("thermostat").find((m) => m.pairing_state === "pairing_requested"),
      "the pairing state",
    );
    expect(pairing.pairing_window_seconds).toBeGreaterThan(50);
  });

  it("sends no thermostat message without a thermostat", async () => {
    const other = await serve(g, undefined);
    try {
      const client = await WsClient.connect(other.url);
      await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
      thermostat.acceptTemperature(19.5);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(client.of("thermostat")).toEqual([]);
      await client.close();
    } finally {
      await other.app.close();
    }
  });
});
