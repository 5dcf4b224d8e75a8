/**
 * The whole gateway as `gm3 serve` composes it — HTTP API, WebSocket, /metrics, MQTT when MQTT_URL
 * is given — on the simulated heat pump, listening on 127.0.0.1 at a free port.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startBridges } from "../../src/app/bridges.js";
import type { Bridge } from "../../src/app/gateway-app.js";
import type { GatewayConfig } from "../../src/config/index.js";
import type { Logger } from "../../src/log/index.js";
import type { SimulationOptions } from "../../src/sim/index.js";
import { configFromEnv } from "./sim-api.js";
import { type SimGateway, type SimGatewayOptions, startSimGateway } from "./sim-gateway.js";

export interface SimLive extends SimGateway {
  config: GatewayConfig;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>` */
  wsUrl: string;
  close(): Promise<void>;
}

export async function startSimLive(
  options: {
    env?: Record<string, string>;
    sim?: Partial<SimulationOptions>;
    core?: SimGatewayOptions["core"];
    /** The bridges' logger (default: silent). */
    logger?: Logger;
  } = {},
): Promise<SimLive> {
  // The bridges keep files in STATE_DIR (the MQTT instance id, a self-signed certificate): a
  // temporary one unless the test names its own.
  const ownStateDir =
    options.env?.STATE_DIR === undefined ? await mkdtemp(join(tmpdir(), "gm3-live-")) : undefined;
  const config = configFromEnv({
    API_HOST: "127.0.0.1",
    API_PORT: "0",
    ...(ownStateDir ? { STATE_DIR: ownStateDir } : {}),
    ...options.env,
  });
  const gateway = await startSimGateway({
    sim: { liveValues: false, ...options.sim },
    core: { readOnly: config.readOnly, logger: pino({ level: "silent" }), ...options.core },
  });
  const logger = options.logger ?? pino({ level: "silent" });
  let bridges: Bridge[] = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const bridge of [...bridges].reverse()) await bridge.stop();
      await gateway.stop();
      if (ownStateDir) await rm(ownStateDir, { recursive: true, force: true });
    })();
    return closing;
  };
  try {
    const started = await startBridges({ config, core: gateway.core, logger });
    bridges = started.bridges;
    const url = started.apiUrl!.replace("localhost", "127.0.0.1");
    return { ...gateway, config, url, wsUrl: url.replace(/^http/, "ws"), close };
  } catch (error) {
    await close();
    throw error;
  }
}
