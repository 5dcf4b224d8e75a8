/**
 * The composition root: configuration → (simulator) → link → bus → services → store → bridges,
 * and a graceful stop that returns the token and closes everything.
 */
import type { GatewayConfig, LoadedConfig } from "../config/index.js";
import { parseSerialPort } from "../config/index.js";
import { GatewayCore } from "../gateway/core.js";
import { type Logger, logEvent, logLoadedConfig } from "../log/index.js";
import type { Simulation } from "../sim/index.js";
import { simTimingSummary } from "../sim/timing.js";
import { coreOptionsFromConfig } from "./core-options.js";
import { startDemoSimulation } from "./demo-simulation.js";
import { firstOpenAttempt, linkConfigurationError } from "./link-errors.js";

export interface GatewayApp {
  config: GatewayConfig;
  core: GatewayCore;
  /** The in-process simulator, when no serial port is configured. */
  simulation: Simulation | undefined;
  /** Where the HTTP API listens, once started. */
  apiUrl: string | undefined;
  stop(): Promise<void>;
}

/** A component (HTTP API, MQTT, …) started before the core opens the link, stopped before the core. */
export interface Bridge {
  name: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  loaded: LoadedConfig;
  logger: Logger;
  /**
   * Starts the bridges (HTTP, WebSocket, MQTT, …); returns them and the API URL. Called before the
   * link is opened, so a port already in use or a bad certificate stops start-up before the bus is
   * touched; the bridges wait for the core's data by themselves.
   */
  startBridges?: (app: {
    config: GatewayConfig;
    core: GatewayCore;
    logger: Logger;
    sources: LoadedConfig["sources"];
  }) => Promise<{
    bridges: Bridge[];
    apiUrl?: string;
  }>;
}

export async function startGatewayApp(options: StartOptions): Promise<GatewayApp> {
  const { loaded, logger } = options;
  const { config } = loaded;
  logLoadedConfig(logger, loaded);
  const endpoint = parseSerialPort(config.serialPort);
  let simulation: Simulation | undefined;
  let coreConfig = config;
  if (endpoint.ok && endpoint.endpoint.kind === "simulator") {
    const demo = await startDemoSimulation(config);
    simulation = demo.simulation;
    // The simulated panel knows this address already; it is not saved (nothing simulated may
    // follow the gateway onto a real bus).
    coreConfig = { ...config, gatewayAddress: demo.gatewayAddress };
    logEvent(logger, "simulator.active", {
      reason: `SERIAL_PORT is not set, so the built-in simulated heat pump is used (set SERIAL_PORT to your adapter); ${simTimingSummary(config.simTiming)}; the gateway is at bus address ${demo.gatewayAddress}, which the simulated panel knows`,
    });
  }
  const sim = simulation;
  const core = new GatewayCore(
    coreOptionsFromConfig(coreConfig, {
      logger: logger.child({ module: "core" }),
      attachSimulator: sim ? () => sim.attach("gateway") : undefined,
    }),
  );
  let bridges: Bridge[] = [];
  let apiUrl: string | undefined;
  const stopAll = async () => {
    // Write jobs not yet sent end first (clients waiting for them get their answer now), then the
    // bridges (no new requests), then the core (in-flight write, token), then the simulator.
    await core.stopWrites();
    for (const bridge of [...bridges].reverse()) {
      await bridge
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, `stopping ${bridge.name} failed`));
    }
    await core.stop();
    await sim?.stop();
  };
  try {
    // This bus's state (the virtual thermostat's pairing among it) before the bridges, which are
    // handed the thermostat; the link opens after them.
    await core.prepare();
    if (options.startBridges) {
      const started = await options.startBridges({ config, core, logger, sources: loaded.sources });
      bridges = started.bridges;
      apiUrl = started.apiUrl;
    }
    // A serial port opens (or fails) at once: a port another program holds, or a path that is not
    // a tty, is a configuration error reported before anything is sent.
    const firstOpen =
      endpoint.ok && endpoint.endpoint.kind === "device" ? firstOpenAttempt(core.supervisor) : undefined;
    await core.start();
    const openError = await firstOpen;
    const configError = openError && linkConfigurationError(openError, loaded);
    if (configError) throw configError;
  } catch (error) {
    await stopAll();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    config,
    core,
    simulation: sim,
    apiUrl,
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}
