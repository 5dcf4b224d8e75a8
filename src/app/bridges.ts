/** Starts the client-facing bridges on top of a running core; each is on or off by configuration. */
import type { GatewayConfig } from "../config/index.js";
import type { GatewayCore } from "../gateway/core.js";
import type { Logger } from "../log/index.js";
import { startMqttBridge } from "../mqtt/index.js";
import type { Bridge } from "./gateway-app.js";

export async function startBridges(app: {
  config: GatewayConfig;
  core: GatewayCore;
  logger: Logger;
}): Promise<{ bridges: Bridge[]; apiUrl?: string }> {
  const { config, core, logger } = app;
  const bridges: Bridge[] = [];
  const mqtt = startMqttBridge(core, config, logger.child({ module: "mqtt" }));
  if (mqtt) bridges.push({ name: "mqtt", stop: () => mqtt.stop() });
  return { bridges };
}
