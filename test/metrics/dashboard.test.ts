import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GatewayMetrics } from "../../src/bridges/metrics/gateway-metrics.js";
import { GatewayCore } from "../../src/gateway/core.js";
import { Simulation } from "../../src/sim/index.js";
import { StreamLink } from "../../src/transport/stream-link.js";
import { fastCoreOptions } from "../helpers/sim-gateway.js";

const HISTOGRAM_SUFFIXES = /_(bucket|sum|count)$/;

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

describe("the Grafana dashboard in docs/", () => {
  const text = readFileSync(new URL("../../docs/grafana-dashboard.json", import.meta.url), "utf8");

  it("is valid JSON with panels that query the gateway's metrics", () => {
    const dashboard = JSON.parse(text) as { panels: Panel[]; title: string };
    expect(dashboard.title).toBe("econet-gm3-gateway");
    const queries = dashboard.panels.flatMap((panel) => panel.targets ?? []);
    expect(queries.length).toBeGreaterThan(20);
    for (const panel of dashboard.panels) {
      if (panel.type !== "row") expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it("references only metrics the gateway exports", async () => {
    // A core that is never started: the metrics only need its objects.
    const sim = new Simulation();
    const core = new GatewayCore(
      fastCoreOptions(undefined, {
        create: () => new StreamLink("sim", "sim://", () => sim.attach("gateway")),
        kind: "sim",
        target: "sim://",
      }),
    );
    const metrics = new GatewayMetrics(core, { processMetrics: true, parameterValues: true });
    try {
      const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name));
      const dashboard = JSON.parse(text) as { panels: Panel[] };
      const referenced = new Set(
        dashboard.panels
          .flatMap((panel) => panel.targets ?? [])
          .flatMap((target) => target.expr.match(/\bgm3_[a-z0-9_]+/g) ?? []),
      );
      expect(referenced.size).toBeGreaterThan(25);
      for (const name of referenced) {
        const family = exported.has(name) ? name : name.replace(HISTOGRAM_SUFFIXES, "");
        expect(exported.has(family), `${name} is not exported`).toBe(true);
      }
    } finally {
      metrics.stop();
    }
  });
});
