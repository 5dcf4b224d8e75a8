/**
 * A fresh gateway's /metrics (simulated heat pump, nothing failed or written yet): every counter
 * has a series from the start — the labelled ones (writes by outcome, bus retries and request
 * failures by reason) included; no parameter sample is the "no sensor" 999; every parameter sample
 * carries its unit and wire type; no gauge is named like a counter (`_total`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayMetrics } from "../../src/bridges/metrics/gateway-metrics.js";
import { parsePrometheusText } from "../helpers/prometheus-text.js";
import { type SimGateway, startSimGateway } from "../helpers/sim-gateway.js";

describe("a fresh gateway's metrics", () => {
  let g: SimGateway;
  let metrics: GatewayMetrics;

  beforeAll(async () => {
    g = await startSimGateway({ sim: { liveValues: false, seed: 3 } });
    metrics = new GatewayMetrics(g.core, { processMetrics: false, parameterValues: true });
    await g.core.waitForData(10_000);
  });
  afterAll(async () => {
    metrics?.stop();
    await g?.stop();
  });

  it("has a series for every counter, the labelled ones with every label value at 0", async () => {
    const families = parsePrometheusText(await metrics.text());
    const counters = [...families.values()].filter((f) => f.type === "counter");
    expect(counters.length).toBeGreaterThan(15);
    const empty = counters.filter((f) => f.samples.length === 0).map((f) => f.name);
    expect(empty).toEqual([]);
    const reasons = (name: string) =>
      families
        .get(name)!
        .samples.map((s) => s.labels.reason)
        .sort();
    expect(reasons("gm3_bus_retries_total")).toEqual(["garbled", "timeout"]);
    expect(reasons("gm3_bus_request_failures_total").length).toBeGreaterThan(1);
    expect(families.get("gm3_writes_total")!.samples.length).toBeGreaterThanOrEqual(8);
  });

  it("exports no 999 (no sensor) and labels every parameter with its unit and type", async () => {
    const families = parsePrometheusText(await metrics.text());
    const samples = families.get("gm3_parameter_value")!.samples;
    expect(samples.length).toBeGreaterThan(1000);
    // The simulator's profile has nine float sensors reading 999 (ADCA0, TempAhs, …).
    const noSensor = [...g.core.store.all()].filter((e) => e.value === 999 && e.definition.type === 7);
    expect(noSensor.length).toBeGreaterThan(0);
    expect(samples.filter((s) => s.value === 999 && s.labels.type === "float")).toEqual([]);
    for (const entry of noSensor) {
      expect(samples.find((s) => s.labels.index === String(entry.definition.index))).toBeUndefined();
    }
    for (const sample of samples) {
      expect(sample.labels).toHaveProperty("unit");
      expect(sample.labels.type).toMatch(/^(u?int(8|16|32|64)|float|double|bool)$/);
    }
    expect(samples.find((s) => s.labels.name === "TempWthr")?.labels.unit).toBe("°C");
  });

  it("names no gauge like a counter", async () => {
    const families = parsePrometheusText(await metrics.text());
    const misnamed = [...families.values()]
      .filter((f) => f.type !== "counter" && f.name.endsWith("_total"))
      .map((f) => f.name);
    expect(misnamed).toEqual([]);
  });
});
