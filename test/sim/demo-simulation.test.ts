/**
 * The built-in simulated heat pump (`npm start` without SERIAL_PORT): a real bus's timing unless
 * SIM_TIMING=demo, and a panel that already knows the gateway's address — which is used on the
 * simulator only and never saved.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_GATEWAY_ADDRESS, startDemoSimulation } from "../../src/app/demo-simulation.js";
import { type GatewayApp, startGatewayApp } from "../../src/app/gateway-app.js";
import { loadConfig } from "../../src/config/index.js";
import { DEFAULT_OPTIONS, FIELD_TIMING, SIM_TIMINGS, type Simulation } from "../../src/sim/index.js";

function configFrom(env: Record<string, string>, cwd = "/") {
  return loadConfig({ env, cwd, pathExists: () => false });
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function demo(env: Record<string, string> = {}) {
  const started = await startDemoSimulation(configFrom(env).config);
  stops.push(() => started.simulation.stop());
  return started;
}

/** The panel's timing options of a running simulation. */
function timingOf(simulation: Simulation) {
  const o = simulation.options;
  return {
    ...Object.fromEntries(Object.keys(FIELD_TIMING).map((k) => [k, o[k as keyof typeof FIELD_TIMING]])),
    scanAddresses: o.scanAddresses,
  };
}

describe("the built-in simulated heat pump", () => {
  it("runs at the field timing by default: the simulator's own defaults, nothing shortened", async () => {
    const { simulation, gatewayAddress } = await demo();
    expect(timingOf(simulation)).toEqual({ ...FIELD_TIMING, scanAddresses: DEFAULT_OPTIONS.scanAddresses });
    expect(simulation.options.tokenGrantIntervalMs).toBe(10_000);
    expect(simulation.panel.registeredGateways).toEqual([gatewayAddress]);
    expect(gatewayAddress).toBe(DEMO_GATEWAY_ADDRESS);
  });

  it("runs the demo profile only when SIM_TIMING=demo says so", async () => {
    const { simulation } = await demo({ SIM_TIMING: "demo" });
    expect(timingOf(simulation)).toEqual({
      ...FIELD_TIMING,
      scanAddresses: DEFAULT_OPTIONS.scanAddresses,
      ...SIM_TIMINGS.demo,
    });
    expect(simulation.options.tokenGrantIntervalMs).toBe(0);
  });

  it("registers a configured gateway address instead of its own", async () => {
    const { simulation, gatewayAddress } = await demo({ GM3_SOURCE_ADDRESS: "121" });
    expect(gatewayAddress).toBe(121);
    expect(simulation.panel.registeredGateways).toEqual([121]);
  });
});

describe("the gateway on the built-in simulator", () => {
  let app: GatewayApp | undefined;
  let stateDir = "";
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("gets the token in the first panel cycle at the address the panel knows, and saves no address", async () => {
    stateDir = mkdtempSync(join(tmpdir(), "gm3-demo-state-"));
    app = await startGatewayApp({
      loaded: configFrom({ STATE_DIR: stateDir }, stateDir),
      logger: pino({ level: "silent" }),
    });
    const sim = app.simulation!;
    expect(sim.options.tokenGrantIntervalMs).toBe(FIELD_TIMING.tokenGrantIntervalMs);
    // The first request the gateway puts on the wire, once the panel has granted it the token.
    const first = await new Promise<{ source?: number; afterGrants: number }>((resolve) => {
      const onFrame = (entry: { sender: string; frame?: { source: number } }) => {
        if (entry.sender !== "gateway" || !entry.frame) return;
        sim.bus.off("frame", onFrame);
        resolve({ source: entry.frame.source, afterGrants: sim.panel.stats.tokenGrants });
      };
      sim.bus.on("frame", onFrame);
    });
    expect(first).toEqual({ source: DEMO_GATEWAY_ADDRESS, afterGrants: 1 });
    expect(app.core.status().bus.address).toBe(DEMO_GATEWAY_ADDRESS);
    expect(sim.panel.stats.cycles).toBe(1);
    await app.stop();
    app = undefined;
    // Nothing simulated is kept where a real bus's gateway would find it.
    expect(existsSync(join(stateDir, "bus-address.json")), readdirSync(stateDir).join(", ")).toBe(false);
  });
});
