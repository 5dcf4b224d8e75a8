import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.js";
import { eventually } from "../helpers/sim-gateway.js";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";

describe("GET /metrics on the running gateway", () => {
  let gw: SimLive;
  beforeAll(async () => {
    gw = await startSimLive({ sim: { seed: 11 } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  const scrape = async () => {
    const response = await fetch(`${gw.url}/metrics`);
    expect(response.status).toBe(200);
    return parsePrometheusText(await response.text());
  };

  it("parses as Prometheus text and counts HTTP requests by route pattern and status", async () => {
    await fetch(`${gw.url}/api/parameters`);
    await fetch(`${gw.url}/api/parameters/HDWTSetPoint`);
    await fetch(`${gw.url}/api/parameters/NoSuchName`);
    await fetch(`${gw.url}/no/such/path`);
    const families = await scrape();
    const requests = (labels: Record<string, string>) =>
      sampleValue(families, "gm3_http_requests_total", labels);
    expect(requests({ method: "GET", route: "/api/parameters", status: "200" })).toBe(1);
    expect(requests({ method: "GET", route: "/api/parameters/:name", status: "200" })).toBe(1);
    expect(requests({ method: "GET", route: "/api/parameters/:name", status: "404" })).toBe(1);
    expect(requests({ method: "GET", route: "unmatched", status: "404" })).toBe(1);
    expect(
      sampleValue(families, "gm3_http_request_duration_seconds_count", {
        route: "/api/parameters",
        status: "200",
      }),
    ).toBe(1);
    expect(sampleValue(families, "gm3_websocket_clients")).toBe(0);
    expect(sampleValue(families, "gm3_mqtt_connected")).toBe(0);
  });

  it("moves the bus error counters when the simulator injects faults", async () => {
    const before = await scrape();
    const value = (families: typeof before, name: string) => sampleValue(families, name) ?? 0;
    gw.sim.faults.set({ crcErrorRate: 0.3, truncateRate: 0.1, appliesTo: [1] });
    try {
      await eventually(
        () => gw.core.bus.stats.crcErrors >= value(before, "gm3_bus_crc_errors_total") + 3,
        "CRC errors on the bus",
        15_000,
      );
    } finally {
      gw.sim.faults.set({ crcErrorRate: 0, truncateRate: 0 });
    }
    const after = await scrape();
    expect(value(after, "gm3_bus_crc_errors_total")).toBeGreaterThan(
      value(before, "gm3_bus_crc_errors_total"),
    );
    expect(value(after, "gm3_bus_discarded_bytes_total")).toBeGreaterThan(
      value(before, "gm3_bus_discarded_bytes_total"),
    );
    expect(value(after, "gm3_bus_frames_received_total")).toBeGreaterThan(
      value(before, "gm3_bus_frames_received_total"),
    );
  });
});

describe("GET /metrics with METRICS_ENABLED=false", () => {
  let gw: SimLive;
  beforeAll(async () => {
    gw = await startSimLive({ env: { METRICS_ENABLED: "false" } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("is not served (404 in the API's error shape) while the rest of the API is", async () => {
    expect(gw.config.metricsEnabled).toBe(false);
    const metrics = await fetch(`${gw.url}/metrics`);
    expect(metrics.status).toBe(404);
    const body = (await metrics.json()) as { error: string; detail: string };
    expect(typeof body.error).toBe("string");
    expect(typeof body.detail).toBe("string");
    expect((await fetch(`${gw.url}/api/parameters/HDWTSetPoint`)).status).toBe(200);
    const openapi = (await (await fetch(`${gw.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).toContain("/api/parameters");
    expect(Object.keys(openapi.paths)).not.toContain("/metrics");
  });
});
