/** MQTT with Home Assistant discovery: a bridge fed by the core's store and events. */
import type { GatewayConfig } from "../../config/index.js";
import type { Logger } from "../../log/index.js";
import type { ThermostatPort } from "../../port/index.js";
import { MQTT_DEFAULTS, MqttBridge, type MqttCore } from "./bridge.js";

export {
  defaultClientId,
  MAX_COMMAND_PAYLOAD_BYTES,
  MQTT_DEFAULTS,
  MqttBridge,
  type MqttBridgeOptions,
  type MqttBridgeStats,
  type MqttCore,
  type MqttProtocol,
} from "./bridge.js";
export { DEFAULT_CATALOG, type EntityHint } from "./ha/catalog.js";
export { type Component, componentOf, type DiscoveredEntity, entityFor } from "./ha/entity.js";
export { NO_VALUE, parseSetPayload, statePayload } from "./payload.js";
export { buildPlan, type PublishPlan, selectedEntries } from "./plan.js";
export { type BridgeTopics, bridgeTopics, stateLevels } from "./topics.js";

/**
 * Starts the bridge when MQTT_URL is set; it connects by itself once the controller's UID is known.
 * `instanceId` (kept in STATE_DIR by the caller) makes the default client id this gateway's own;
 * `thermostat` is the virtual room thermostat (undefined when the gateway has none).
 */
export function startMqttBridge(
  core: MqttCore,
  config: GatewayConfig,
  logger: Logger,
  instanceId?: string,
  thermostat?: ThermostatPort,
): MqttBridge | undefined {
  if (config.mqttUrl === "") return undefined;
  const bridge = new MqttBridge(core, {
    url: config.mqttUrl,
    baseTopic: config.mqttBaseTopic,
    discovery: config.mqttDiscovery,
    discoveryPrefix: config.mqttDiscoveryPrefix,
    selection: config.mqttPublish,
    clientId: config.mqttClientId,
    instanceId,
    protocol: config.mqttProtocol,
    readOnly: config.readOnly,
    allowPanelWrites: config.allowPanelWrites,
    ...MQTT_DEFAULTS,
    logger,
    thermostat,
    thermostatSourceTopic: config.thermostatMqttTopic,
  });
  bridge.start();
  return bridge;
}
