import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/index.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.js";
import { eventually } from "../helpers/sim-gateway.js";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";
import { StalledWsClient } from "../helpers/stalled-ws.js";
import { WsClient } from "../helpers/ws-client.js";
import { captureLines } from "../logging/capture.js";

const MAX_QUEUE = 100;

describe("a WebSocket client that stops reading", () => {
  let gw: SimLive;
  const log = captureLines();
  beforeAll(async () => {
    gw = await startSimLive({
      env: { WS_MAX_QUEUE: String(MAX_QUEUE) },
      logger: createLogger({ logLevel: "info", logFormat: "json" }, log.destination),
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  const metric = async (name: string) =>
    sampleValue(parsePrometheusText(await (await fetch(`${gw.url}/metrics`)).text()), name);

  it("is closed with 4008 once it is too far behind, while polling and other clients go on", async () => {
    const healthy = await WsClient.connect(`${gw.wsUrl}/ws/parameters?names=TempWthr`);
    await healthy.waitFor(() => healthy.of("snapshot")[0], "the healthy client's snapshot");
    const stalled = await StalledWsClient.connect(Number(new URL(gw.url).port), "/ws/parameters");
    expect(await metric("gm3_websocket_clients")).toBe(2);
    const cycles = gw.core.status().poll.cycles;

    // Flood it: every uint32 parameter changes every few ms (the kernel buffers take megabytes first).
    const counters = [...gw.core.store.all()].filter((e) => e.definition.exposed && e.definition.type === 6);
    const deadline = Date.now() + 15_000;
    let round = 0;
    while ((await metric("gm3_websocket_slow_disconnects_total")) === 0) {
      if (Date.now() > deadline) throw new Error("the stalled client was never closed");
      for (let i = 0; i < 20; i++) {
        round++;
        for (const entry of counters)
          gw.core.store.setValue(entry.definition.index, round, undefined, Date.now());
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    // Catching up, it finds the close frame with the reason at the end of its backlog.
    const close = await stalled.readUntilClose();
    expect(close.code).toBe(4008);
    expect(close.reason).toMatch(/too slow: more than 100 messages waiting/);
    expect(close.messages).toBeGreaterThan(MAX_QUEUE);
    expect(log.json().filter((line) => line.event === "ws.client.dropped")).toEqual([
      expect.objectContaining({ level: "warn", client: "127.0.0.1", queued: MAX_QUEUE + 1 }),
    ]);
    stalled.destroy();
    const until = Date.now() + 5_000;
    while ((await metric("gm3_websocket_clients")) !== 1) {
      if (Date.now() > until) throw new Error("the stalled client is still counted");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    // The gateway kept polling and the other client kept getting its changes.
    gw.sim.controller.setValue(68, 4.5);
    await healthy.waitFor(
      () => healthy.of("change").find((m) => m.index === 68 && m.value === 4.5),
      "TempWthr",
    );
    await eventually(() => gw.core.status().poll.cycles > cycles + 1, "more poll cycles", 10_000);
    expect(healthy.closed).toBeUndefined();
    await healthy.close();
  });
});
