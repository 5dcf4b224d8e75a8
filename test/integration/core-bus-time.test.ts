/**
 * Bus time, visible (issue 13 point 9), at the field cadence on simulated time: each poll's bus
 * time apart from its token wait, its wire floor, and the grant interval as observed — checked
 * against the simulated wire's own log, and as /api/status and /metrics show them.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createApiServer } from "../../src/bridges/http/index.js";
import { GatewayMetrics } from "../../src/bridges/metrics/gateway-metrics.js";
import { Command, ServiceFunction } from "../../src/protocol/index.js";
import type { BusLogEntry } from "../../src/sim/index.js";
import { FIELD_GATEWAY_ADDRESS, startFieldGateway } from "../helpers/field-gateway.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.js";

const isGrant = (e: BusLogEntry) =>
  e.frame?.command === Command.SERVICE &&
  e.frame.destination === FIELD_GATEWAY_ADDRESS &&
  e.frame.payload.readUInt16LE(0) === ServiceFunction.TOKEN_GRANT;

describe("bus time apart from the token wait", () => {
  it("reports each poll's bus time, token wait and wire floor as the wire shows them, and the grant interval", async () => {
    const g = await startFieldGateway();
    try {
      // Some cycles, so grant intervals are observed; then stop right after a poll cycle ends.
      const cycles = g.core.status().poll.cycles;
      await g.runUntil(() => g.core.status().poll.cycles >= cycles + 6, "six poll cycles", 180_000);
      const status = g.core.status();
      const figures = status.poll.lastBusTime!;
      const log = [...g.sim.bus.log];
      // The last poll's exchanges on the wire: its GET_PARAMS requests since the last grant, the replies to them.
      const lastGrant = log.findLastIndex(isGrant);
      const exchange = log
        .slice(lastGrant + 1)
        .filter(
          (e) =>
            (e.frame?.source === FIELD_GATEWAY_ADDRESS && e.frame.command === Command.GET_PARAMS) ||
            (e.frame?.destination === FIELD_GATEWAY_ADDRESS &&
              (e.frame.command === Command.GET_PARAMS_RESPONSE || e.frame.command === Command.NO_DATA)),
        );
      const requests = exchange.filter((e) => e.frame!.source === FIELD_GATEWAY_ADDRESS);
      expect(figures.requests).toBe(requests.length);
      const bytes = exchange.reduce((sum, e) => sum + e.bytes.length, 0);
      expect(figures.bytes).toBe(bytes);
      const baud = g.sim.options.baudRate;
      expect(figures.wireFloorMs).toBeCloseTo(
        (bytes * 10 * 1000) / baud + requests.length * g.config.turnaroundMs,
        6,
      );
      // Bus time: from the grant to the end of the last reply (the poll holds the token throughout).
      const grantAt = log[lastGrant]!.timeMs + (log[lastGrant]!.bytes.length * 10 * 1000) / baud;
      const last = exchange.at(-1)!;
      const lastReplyEnd = last.timeMs + (last.bytes.length * 10 * 1000) / baud;
      expect(figures.busMs).toBeGreaterThanOrEqual(lastReplyEnd - grantAt - 2);
      expect(figures.busMs).toBeLessThanOrEqual(lastReplyEnd - grantAt + 2);
      // The wait: from the poll's start (a poll interval after the previous one) to the grant.
      expect(figures.tokenWaitMs).toBeGreaterThan(0);
      expect(figures.elapsedMs).toBeCloseTo(figures.busMs + figures.tokenWaitMs, 6);
      expect(status.poll.lastDurationMs).toBe(figures.elapsedMs);
      const ratio = figures.busMs / figures.wireFloorMs;
      if (process.env.GM3_FIELD_TIME) {
        console.log(
          `poll: bus ${figures.busMs.toFixed(0)} ms, token wait ${figures.tokenWaitMs.toFixed(0)} ms, floor ${figures.wireFloorMs.toFixed(0)} ms, ratio ${ratio.toFixed(3)}`,
        );
      }
      // The simulated devices answer after a 2 ms latency per request, which the floor leaves out.
      expect(ratio).toBeGreaterThan(1);
      expect(ratio).toBeLessThan(1.1);

      // Grant intervals as the gateway saw them, against the grant frames on the wire.
      const grantTimes = log.filter(isGrant).map((e) => e.timeMs);
      const intervals = grantTimes.slice(1).map((t, i) => t - grantTimes[i]!);
      const observed = status.bus.grantIntervals;
      expect(observed.grants).toBe(grantTimes.length);
      expect(observed.lastMs).toBeCloseTo(intervals.at(-1)!, -1);
      const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
      expect(observed.averageMs!).toBeCloseTo(mean, -1);
      expect(observed.averageMs!).toBeGreaterThan(0.9 * g.sim.options.tokenGrantIntervalMs);
      expect(observed.maxMs!).toBeGreaterThanOrEqual(observed.minMs!);

      // The discovery too, and the same figures on /api/status and /metrics.
      const discovery = status.discovery.lastBusTime!;
      expect(discovery.requests).toBeGreaterThan(80);
      expect(discovery.busMs / discovery.wireFloorMs).toBeLessThan(1.1);
      const app = await createApiServer({
        core: g.core,
        config: g.config,
        logger: pino({ level: "silent" }),
        version: "0.0.0-test",
      });
      try {
        const body = (await app.inject({ method: "GET", url: "/api/status" })).json();
        expect(body.poll.last_bus_time).toMatchObject({
          requests: figures.requests,
          bytes: figures.bytes,
          bus_ms: Math.round(figures.busMs * 10) / 10,
          token_wait_ms: Math.round(figures.tokenWaitMs * 10) / 10,
        });
        expect(body.poll.last_bus_time.floor_ratio).toBeCloseTo(ratio, 2);
        expect(body.bus.grant_intervals.grants).toBe(grantTimes.length);
        expect(body.discovery.last_bus_time.requests).toBe(discovery.requests);
      } finally {
        await app.close();
      }
      const metrics = new GatewayMetrics(g.core, { processMetrics: false, parameterValues: false });
      try {
        const families = parsePrometheusText(await metrics.text());
        expect(sampleValue(families, "gm3_bus_time_seconds", { operation: "poll" })).toBeCloseTo(
          figures.busMs / 1000,
          9,
        );
        expect(sampleValue(families, "gm3_bus_token_wait_last_seconds", { operation: "poll" })).toBeCloseTo(
          figures.tokenWaitMs / 1000,
          9,
        );
        expect(sampleValue(families, "gm3_bus_wire_floor_seconds", { operation: "poll" })).toBeCloseTo(
          figures.wireFloorMs / 1000,
          9,
        );
        expect(sampleValue(families, "gm3_bus_time_seconds", { operation: "discovery" })).toBeCloseTo(
          discovery.busMs / 1000,
          9,
        );
        expect(sampleValue(families, "gm3_bus_grant_interval_seconds", { stat: "mean" })).toBeCloseTo(
          observed.averageMs! / 1000,
          9,
        );
        // The poll completed before the metrics started is observed too.
        expect(sampleValue(families, "gm3_poll_cycle_bus_seconds_count")).toBe(1);
        expect(sampleValue(families, "gm3_data_state", { state: "fresh" })).toBe(1);
        expect(sampleValue(families, "gm3_data_state", { state: "stale" })).toBe(0);
      } finally {
        metrics.stop();
      }
    } finally {
      await g.stop();
    }
  });
});
