/**
 * The HTTP API on the whole gateway against the simulator (built on sim-gateway.ts): settings in
 * environment form give the GatewayConfig the API reads (keys, limits, POLL_INTERVAL), and the
 * core runs with the same values where they matter to the API. Tests call `app.inject` or listen
 * on 127.0.0.1:0, and look at the simulated bus through `writesOnBus()`.
 */
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { createApiServer } from "../../src/bridges/http/index.js";
import { type GatewayConfig, loadConfig } from "../../src/config/index.js";
import type { GatewayCore } from "../../src/gateway/core.js";
import type { Logger } from "../../src/log/index.js";
import type { ThermostatPort } from "../../src/port/index.js";
import { Command } from "../../src/protocol/index.js";
import type { BusLogEntry, SimulationOptions } from "../../src/sim/index.js";
import { type SimGateway, startSimGateway } from "./sim-gateway.js";

export interface SimApiOptions {
  /** Settings in environment form (API_KEY, API_WRITE_RATE_LIMIT, READ_ONLY, POLL_INTERVAL, …). */
  env?: Record<string, string>;
  sim?: Partial<SimulationOptions>;
  /** Wait for the first complete poll before returning (default true). */
  waitForData?: boolean;
  thermostat?: ThermostatPort;
  logger?: Logger;
  /** Keep the address and the snapshot here (see startSimGateway). */
  useStateDir?: boolean | string;
  /** Adds plugins of other bridges (dashboard, WebSocket) before the server is ready. */
  register?: (app: FastifyInstance, config: GatewayConfig, core: GatewayCore) => Promise<void>;
}

export interface SimApi extends SimGateway {
  app: FastifyInstance;
  config: GatewayConfig;
  /** MODIFY_PARAM frames the gateway put on the simulated wire. */
  writesOnBus(): BusLogEntry[];
  close(): Promise<void>;
}

export function configFromEnv(env: Record<string, string> = {}): GatewayConfig {
  return loadConfig({ env: { POLL_INTERVAL: "1", ...env }, cwd: "/", pathExists: () => false }).config;
}

export async function startSimApi(options: SimApiOptions = {}): Promise<SimApi> {
  const config = configFromEnv(options.env);
  const logger = options.logger ?? pino({ level: "silent" });
  const gateway = await startSimGateway({
    // Values stay put unless written (no drift, no panel copies of the thermostat's settings or
    // presence bits), so tests can compare the API with the simulator at any moment.
    sim: { liveValues: false, thermostatCopies: [], presenceWrites: [], ...options.sim },
    core: {
      pollIntervalMs: config.pollIntervalMs,
      readOnly: config.readOnly,
      allowPanelWrites: config.allowPanelWrites,
      expertWrites: config.expertWrites,
      cacheTtlMs: config.cacheTtlMs,
      writeDeadlineMs: config.writeDeadlineMs,
      writeRateLimitPerMinute: config.apiWriteRateLimitPerMinute,
      staleDataMaxAgeMs: config.staleDataMaxAgeMs,
      logger,
    },
    waitForData: false,
    useStateDir: options.useStateDir,
  });
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    await gateway.stop();
  };
  try {
    app = await createApiServer({
      core: gateway.core,
      config,
      logger,
      version: "0.0.0-test",
      thermostat: options.thermostat,
    });
    await options.register?.(app, config, gateway.core);
    await app.ready();
    if (options.waitForData !== false) await gateway.core.waitForData(15_000);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    ...gateway,
    app,
    config,
    writesOnBus: () => gateway.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM),
    close,
  };
}
