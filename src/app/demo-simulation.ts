/**
 * The simulated heat pump the commands use when no serial port is configured: the real simulator
 * in real time, at a real bus's rhythm (`SIM_TIMING=field`, the default) or the faster `demo`
 * profile. The panel already knows the gateway's address, as after a claim a real panel remembers,
 * so the first token grant comes in the first panel cycle instead of after minutes of scanning;
 * the protocol's own intervals are not shortened. Loaded only when needed (it carries the profile).
 */
import type { GatewayConfig } from "../config/index.js";
import type { Simulation } from "../sim/index.js";

/**
 * The address the gateway uses on the built-in simulator when `GM3_SOURCE_ADDRESS=auto`: one in
 * 105–130 (where panels grant tokens) that the simulated panel has registered. It is never saved
 * to STATE_DIR, so it cannot follow the gateway onto a real bus.
 */
export const DEMO_GATEWAY_ADDRESS = 115;

export interface DemoSimulation {
  simulation: Simulation;
  /** The gateway's bus address on it: the configured one, or {@link DEMO_GATEWAY_ADDRESS}. */
  gatewayAddress: number;
}

export async function startDemoSimulation(
  config: Pick<
    GatewayConfig,
    "serialBaudRate" | "controllerAddress" | "panelAddress" | "gatewayAddress" | "simTiming"
  >,
): Promise<DemoSimulation> {
  const { Simulation, SIM_TIMINGS } = await import("../sim/index.js");
  const gatewayAddress = config.gatewayAddress === "auto" ? DEMO_GATEWAY_ADDRESS : config.gatewayAddress;
  const simulation = new Simulation({
    ...SIM_TIMINGS[config.simTiming],
    baudRate: config.serialBaudRate,
    controllerAddress: config.controllerAddress,
    panelAddress: config.panelAddress,
    registeredGateways: [gatewayAddress],
  });
  simulation.start();
  return { simulation, gatewayAddress };
}
