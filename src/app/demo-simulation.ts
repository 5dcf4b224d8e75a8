/**
 * The simulated heat pump the commands use when no serial port is configured: the real simulator
 * in real time, with a panel that scans and grants the token a little more often than a real one
 * so a first start shows data within seconds. Loaded only when needed (it carries the profile).
 */
import type { GatewayConfig } from "../config/index.js";
import type { Simulation } from "../sim/index.js";

export async function startDemoSimulation(
  config: Pick<GatewayConfig, "serialBaudRate" | "controllerAddress" | "panelAddress">,
): Promise<Simulation> {
  const { Simulation: DemoSimulation } = await import("../sim/index.js");
  const simulation = new DemoSimulation({
    baudRate: config.serialBaudRate,
    controllerAddress: config.controllerAddress,
    panelAddress: config.panelAddress,
    // A real panel scans one address every few seconds and grants every ~10 s; first
    // registration takes minutes. Here the claim and the first grant come within seconds.
    scanIntervalMs: 500,
    scanAddresses: [115, 195, 116, 101, 118, 102, 119, 164],
    tokenGrantIntervalMs: 1_000,
  });
  simulation.start();
  return simulation;
}
