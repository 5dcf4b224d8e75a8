/**
 * The simulated heat pump `gm3 serve` runs when no serial port is configured: the real
 * simulator in real time, with a panel that scans and grants the token a little more often than a
 * real one so a first start shows data within seconds.
 */
import { Simulation } from "../sim/index.js";

export function createDemoSimulation(options: {
  baudRate: number;
  controllerAddress: number;
  panelAddress: number;
}) {
  return new Simulation({
    baudRate: options.baudRate,
    controllerAddress: options.controllerAddress,
    panelAddress: options.panelAddress,
    // A real panel scans one address every few seconds and grants every ~10 s; first
    // registration takes minutes. Here the claim and the first grant come within seconds.
    scanIntervalMs: 500,
    scanAddresses: [115, 195, 116, 101, 118, 102, 119, 164],
    tokenGrantIntervalMs: 1_000,
  });
}
