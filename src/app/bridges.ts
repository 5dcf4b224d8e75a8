/**
 * Starts the client-facing bridges on top of a running core: the HTTP API (with the other
 * bridges that mount on it) and MQTT; returns them with the URL the API listens on. Each bridge is
 * on or off by configuration and none imports another.
 */
import { createApiServer } from "../api/index.js";
import type { GatewayConfig } from "../config/index.js";
import type { GatewayCore } from "../gateway/core.js";
import type { Logger } from "../log/index.js";
import { startMqttBridge } from "../mqtt/index.js";
import { packageVersion } from "../version.js";
import type { Bridge } from "./gateway-app.js";

export async function startBridges(app: {
  config: GatewayConfig;
  core: GatewayCore;
  logger: Logger;
}): Promise<{ bridges: Bridge[]; apiUrl?: string }> {
  const { config, core, logger } = app;
  const bridges: Bridge[] = [];
  const server = await createApiServer({
    core,
    config,
    logger: logger.child({ module: "api" }),
    version: packageVersion,
  });
  try {
    await server.listen({ host: config.apiHost, port: config.apiPort });
  } catch (error) {
    await server.close();
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EADDRINUSE"
        ? `port ${config.apiPort} is already in use (another gateway running?); set API_PORT to a free port`
        : code === "EACCES"
          ? `no permission to listen on port ${config.apiPort}; use a port above 1023`
          : (error as Error).message;
    throw new Error(`cannot start the HTTP API on ${config.apiHost}:${config.apiPort}: ${why}`);
  }
  bridges.push({ name: "http", stop: () => server.close() });
  const mqtt = startMqttBridge(core, config, logger.child({ module: "mqtt" }));
  if (mqtt) bridges.push({ name: "mqtt", stop: () => mqtt.stop() });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : config.apiPort;
  const host = config.apiHost === "0.0.0.0" || config.apiHost === "::" ? "localhost" : config.apiHost;
  return { bridges, apiUrl: `http://${host}:${port}` };
}
