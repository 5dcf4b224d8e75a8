/** Starts the client-facing bridges on top of a running core. */
import type { GatewayConfig } from "../config/index.js";
import type { GatewayCore } from "../gateway/core.js";
import type { Logger } from "../log/index.js";
import type { Bridge } from "./gateway-app.js";

export async function startBridges(_app: {
  config: GatewayConfig;
  core: GatewayCore;
  logger: Logger;
}): Promise<{ bridges: Bridge[]; apiUrl?: string }> {
  // The HTTP API, WebSocket, MQTT and metrics bridges register here as they land.
  return { bridges: [] };
}
