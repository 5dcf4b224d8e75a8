/** Starts an MQTT bridge on a simulated gateway with short, test-friendly timings. */
import pino from "pino";
import { MqttBridge, type MqttBridgeOptions } from "../../src/bridges/mqtt/index.js";
import type { SimGateway } from "../helpers/sim-gateway.js";

export const UID = "2L7SDPN6KQ38CIH2401K01U";
export const BASE = `econet-gm3/${UID}`;

export function startBridge(
  g: SimGateway,
  url: string,
  overrides: Partial<MqttBridgeOptions> = {},
): MqttBridge {
  const bridge = new MqttBridge(g.core, {
    url,
    baseTopic: "econet-gm3/{uid}",
    discovery: true,
    discoveryPrefix: "homeassistant",
    selection: { mode: "default" },
    clientId: "",
    protocol: "5",
    readOnly: false,
    allowPanelWrites: false,
    reconnectDelayMinMs: 50,
    reconnectDelayMaxMs: 400,
    stableConnectionMs: 60_000,
    connectTimeoutMs: 2_000,
    keepaliveSeconds: 5,
    logger: pino({ level: "silent" }),
    ...overrides,
  });
  bridge.start();
  return bridge;
}
