/**
 * Starts the real simulator and a gateway core attached to it in process, with short cycles so
 * tests run quickly. Everything talks through the simulated wire; nothing is mocked.
 *
 * These cycles are shorter than a real bus's (a grant every 100 ms, short timeouts): tests of
 * writes, discovery, polling and recovery use the field cadence on simulated time instead
 * (field-gateway.ts); this stays for the bridges' tests until they move too.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayCore, type GatewayCoreOptions } from "../../src/gateway/core.js";
import { Simulation, type SimulationOptions } from "../../src/sim/index.js";
import { StreamLink } from "../../src/transport/stream-link.js";

export const TEST_GATEWAY_ADDRESS = 114;

export interface SimGateway {
  sim: Simulation;
  core: GatewayCore;
  stateDir: string | undefined;
  /** Frames the gateway put on the wire (from its bus address). */
  gatewayFrames(): import("../../src/sim/index.js").BusLogEntry[];
  stop(): Promise<void>;
}

export interface SimGatewayOptions {
  sim?: Partial<SimulationOptions>;
  core?: Partial<GatewayCoreOptions>;
  /** Wait until discovery and the first poll are done (default true). */
  waitForData?: boolean;
  /** Keep the address and the snapshot in a temporary directory. */
  useStateDir?: boolean | string;
  dataTimeoutMs?: number;
}

/** Fast but faithful: no wire delay, short panel cycle, frequent token grants. */
export const FAST_SIM: Partial<SimulationOptions> = {
  wireDelay: false,
  panelCycleMs: 150,
  tokenGrantIntervalMs: 100,
  // A grant lost to an injected fault stalls the panel until this timeout, as on a real bus.
  tokenReturnTimeoutMs: 1_000,
  scanIntervalMs: 300,
  deviceTableIntervalMs: 500,
  clockBroadcastIntervalMs: 1_000,
  thermostatPollIntervalMs: 1_000,
  presenceWriteIntervalMs: 1_000,
  registeredGateways: [TEST_GATEWAY_ADDRESS],
};

/** Core options for tests; the link defaults to an in-process attachment to `sim`. */
export function fastCoreOptions(
  stateDir: string | undefined,
  link: Pick<GatewayCoreOptions["link"], "create" | "kind" | "target">,
): GatewayCoreOptions {
  return {
    link: {
      ...link,
      reconnectDelayMinMs: 50,
      reconnectDelayMaxMs: 400,
      silenceTimeoutMs: 3_000,
    },
    sourceAddress: TEST_GATEWAY_ADDRESS,
    controllerAddress: 1,
    panelAddress: 100,
    turnaroundMs: 2,
    responseTimeoutMs: 250,
    retryAttempts: 3,
    retryBackoffMs: 5,
    tokenRequired: true,
    tokenWaitTimeoutMs: 1_000,
    maxTokenHoldMs: 5_000,
    paramsPerRequest: 100,
    discoveryAttemptsPerIndex: 10,
    pollIntervalMs: 300,
    alarmPollCycles: 5,
    writeTimeoutMs: 3_000,
    readOnly: false,
    allowPanelWrites: false,
    cacheTtlMs: 60_000,
    cacheMaxSize: 5_000,
    stateDir,
    unresponsiveCycles: 3,
    snapshotIntervalMs: 0,
    tentativeAddressTimeoutMs: 20_000,
    simulator: true,
  };
}

export async function startSimGateway(options: SimGatewayOptions = {}): Promise<SimGateway> {
  const sim = new Simulation({ ...FAST_SIM, ...options.sim });
  sim.start();
  let stateDir: string | undefined;
  let ownStateDir = false;
  if (typeof options.useStateDir === "string") stateDir = options.useStateDir;
  else if (options.useStateDir) {
    stateDir = await mkdtemp(join(tmpdir(), "gm3-state-"));
    ownStateDir = true;
  }
  const link = {
    create: () => new StreamLink("sim", "sim://", () => sim.attach("gateway")),
    kind: "sim" as const,
    target: "sim://",
  };
  const core = new GatewayCore({ ...fastCoreOptions(stateDir, link), ...options.core });
  await core.start();
  const stop = async () => {
    await core.stop();
    await sim.stop();
    if (ownStateDir && stateDir) await rm(stateDir, { recursive: true, force: true });
  };
  try {
    if (options.waitForData !== false) await core.waitForData(options.dataTimeoutMs ?? 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const address = () => core.address.address;
  return {
    sim,
    core,
    stateDir,
    gatewayFrames: () => sim.bus.log.frames((f) => f.source === address()),
    stop,
  };
}

/** Polls `condition` every few ms until true or `timeoutMs` passes (then throws with `what`). */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
