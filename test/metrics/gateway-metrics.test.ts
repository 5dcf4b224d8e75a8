import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayMetrics } from "../../src/bridges/metrics/gateway-metrics.js";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.js";
import { eventually, type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";

describe("gateway metrics on the simulated heat pump", () => {
  let g: SimGateway;
  let metrics: GatewayMetrics;
  const scrape = async () => parsePrometheusText(await metrics.text());

  beforeAll(async () => {
    g = await startSimGateway({ sim: { liveValues: false, seed: 3 } });
    metrics = new GatewayMetrics(g.core, { processMetrics: true, parameterValues: true });
  });
  afterAll(async () => {
    metrics?.stop();
    await g?.stop();
  });

  it("exposes valid Prometheus text with the bus, poll and parameter figures", async () => {
    await g.core.waitForData(10_000);
    await eventually(() => g.core.alarms.length > 0, "the alarm log");
    const families = await scrape();
    expect(families.get("gm3_bus_frames_received_total")?.type).toBe("counter");
    expect(sampleValue(families, "gm3_bus_frames_received_total")).toBeGreaterThan(0);
    expect(sampleValue(families, "gm3_link_up")).toBe(1);
    expect(sampleValue(families, "gm3_data_ready")).toBe(1);
    expect(sampleValue(families, "gm3_parameters", { space: "regulator" })).toBe(1447);
    expect(sampleValue(families, "gm3_discovery_duration_seconds")).toBeGreaterThan(0);
    expect(sampleValue(families, "gm3_poll_last_complete_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, "gm3_parameter_value", { index: "103", name: "HDWTSetPoint" })).toBe(
      g.sim.controller.getValue(103),
    );
    expect(sampleValue(families, "gm3_alarms", { state: "active" })).toBe(1);
    expect(sampleValue(families, "gm3_process_cpu_seconds_total")).toBeGreaterThan(0);
    // Strings are not gauges; nameless parameters are not served.
    expect(sampleValue(families, "gm3_parameter_value", { index: "0" })).toBeUndefined();
    const series = families.get("gm3_parameter_value")!.samples.length;
    expect(series).toBeGreaterThan(1500);
    expect(series).toBeLessThan(1774);
  });

  it("counts every complete poll cycle in the poll-duration histogram, the first one included", async () => {
    // The metrics were created after the first poll (the gateway waited for data). A scrape is not
    // atomic and polling goes on, so a few scrapes may be needed to see both at the same cycle.
    let count: number | undefined;
    let cycles: number | undefined;
    for (let attempt = 0; attempt < 5 && (count === undefined || count !== cycles); attempt++) {
      const families = await scrape();
      count = sampleValue(families, "gm3_poll_cycle_duration_seconds_count");
      cycles = sampleValue(families, "gm3_poll_cycles_total");
    }
    expect(cycles).toBeGreaterThanOrEqual(1);
    expect(g.core.status().poll.consecutiveFailures).toBe(0);
    expect(count).toBe(cycles);
  });

  it("moves the token wait and hold, poll-duration and discovery figures as the bus works", async () => {
    const before = await scrape();
    const cycles = g.core.status().poll.cycles;
    const grants = g.core.bus.stats.tokenGrants;
    await eventually(
      () => g.core.status().poll.cycles >= cycles + 2 && g.core.bus.stats.tokenGrants >= grants + 2,
      "two more poll cycles and token grants",
      10_000,
    );
    const after = await scrape();
    const grew = (name: string) => {
      const was = sampleValue(before, name) ?? 0;
      expect(sampleValue(after, name), name).toBeGreaterThan(was);
    };
    for (const name of [
      "gm3_bus_token_wait_seconds_count",
      "gm3_bus_token_wait_seconds_sum",
      "gm3_bus_token_wait_seconds_total",
      "gm3_bus_token_hold_seconds_count",
      "gm3_bus_token_hold_seconds_sum",
      "gm3_bus_token_hold_seconds_total",
      "gm3_poll_cycle_duration_seconds_count",
      "gm3_poll_cycle_duration_seconds_sum",
    ]) {
      grew(name);
    }
    // Every grant that had requests waiting is one observation of the wait histogram.
    expect(sampleValue(after, "gm3_bus_token_wait_seconds_count")).toBeLessThanOrEqual(
      sampleValue(after, "gm3_bus_token_grants_total")!,
    );
    const discoveryMs = g.core.status().discovery.lastDurationMs;
    expect(discoveryMs).toBeGreaterThan(0);
    expect(sampleValue(after, "gm3_discovery_duration_seconds")).toBe(discoveryMs! / 1000);
  });

  it("counts CRC errors, discarded bytes, timeouts and retries when the bus is faulty", async () => {
    const before = await scrape();
    const crc = sampleValue(before, "gm3_bus_crc_errors_total")!;
    const discarded = sampleValue(before, "gm3_bus_discarded_bytes_total")!;
    const timeouts = sampleValue(before, "gm3_bus_timeouts_total")!;
    g.sim.faults.set({ crcErrorRate: 0.2, dropResponseRate: 0.1, appliesTo: [1] });
    try {
      await eventually(
        () => g.core.bus.stats.crcErrors > crc + 2 && g.core.bus.stats.timeouts > timeouts,
        "faults",
        15_000,
      );
    } finally {
      g.sim.faults.set({ crcErrorRate: 0, dropResponseRate: 0 });
    }
    const after = await scrape();
    expect(sampleValue(after, "gm3_bus_crc_errors_total")).toBeGreaterThan(crc);
    expect(sampleValue(after, "gm3_bus_discarded_bytes_total")).toBeGreaterThan(discarded);
    expect(sampleValue(after, "gm3_bus_timeouts_total")).toBeGreaterThan(timeouts);
    const retries =
      (sampleValue(after, "gm3_bus_retries_total", { reason: "timeout" }) ?? 0) +
      (sampleValue(after, "gm3_bus_retries_total", { reason: "garbled" }) ?? 0);
    expect(retries).toBeGreaterThan(0);
  });

  it("follows parameter values on change and counts writes by outcome", async () => {
    g.sim.controller.setValue(68, -3.5);
    await eventually(() => g.core.store.get(68)?.value === -3.5, "the new outdoor temperature");
    expect(sampleValue(await scrape(), "gm3_parameter_value", { index: "68", name: "TempWthr" })).toBe(-3.5);
    // Every way a job ends has its series from the start, at 0 until it happens.
    const fresh = await scrape();
    for (const [outcome, reason] of [
      ["expired", "expired"],
      ["superseded", "ok"],
      ["failed", "rejected"],
      ["failed", "not-confirmed"],
    ] as const) {
      expect(sampleValue(fresh, "gm3_writes_total", { outcome, reason }), `${outcome}/${reason}`).toBe(0);
    }
    expect(sampleValue(fresh, "gm3_write_jobs_queued")).toBe(0);
    const current = g.core.store.get(103)!.value;
    const job = await g.core.write({
      target: "HDWTSetPoint",
      value: current === 48 ? 47 : 48,
      origin: "test",
    });
    expect(job.state).toBe("confirmed");
    await g.core.write({ target: "HDWTSetPoint", value: 48, origin: "test" });
    await g.core.write({ target: "HDWTSetPoint", value: 99, origin: "test" }).catch(() => {});
    const families = await scrape();
    expect(
      sampleValue(families, "gm3_writes_total", { outcome: "confirmed", reason: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(families, "gm3_writes_total", { outcome: "refused", reason: "out-of-range" })).toBe(1);
    expect(
      sampleValue(families, "gm3_write_duration_seconds_count", { outcome: "confirmed" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(families, "gm3_parameter_value", { index: "103" })).toBe(48);
  });

  it("reports the live bridges through their sources and HTTP requests through the API's hook", async () => {
    metrics.setLiveSources({
      websocketClients: () => 3,
      mqttConnected: () => true,
      mqttConnections: () => 2,
    });
    metrics.observeHttpRequest("GET", "/api/parameters", 200, 0.002);
    const families = await scrape();
    expect(sampleValue(families, "gm3_websocket_clients")).toBe(3);
    expect(sampleValue(families, "gm3_mqtt_connected")).toBe(1);
    expect(sampleValue(families, "gm3_mqtt_connections_total")).toBe(2);
    expect(
      sampleValue(families, "gm3_http_requests_total", {
        method: "GET",
        route: "/api/parameters",
        status: "200",
      }),
    ).toBe(1);
  });
});
