/** Rules that involve more than one setting, or that deserve a warning rather than an error. */
import { GATEWAY_ADDRESS_RANGE } from "../protocol/constants.js";
import { type GatewayConfig, type SettingKey, settingsSchema } from "./schema.js";
import type { SettingSource } from "./sources.js";

export interface CrossCheck {
  /** The settings the rule is about (their origins are added to error messages). */
  readonly settings: readonly SettingKey[];
  readonly severity: "error" | "warning";
  /** A problem, or undefined when the configuration satisfies the rule. */
  check(config: GatewayConfig, sources: Readonly<Record<SettingKey, SettingSource>>): string | undefined;
}

/** Shorter API keys are easy to guess; a warning, since the LAN may be trusted anyway. */
const MIN_API_KEY_LENGTH = 16;

const env = (key: SettingKey) => settingsSchema[key].env;

function shortKeyCheck(key: "apiKey" | "apiReadKey"): CrossCheck {
  return {
    settings: [key],
    severity: "warning",
    check: (config) =>
      config[key] !== "" && config[key].length < MIN_API_KEY_LENGTH
        ? `${env(key)} is shorter than ${MIN_API_KEY_LENGTH} characters and easy to guess; use a long random key (e.g. 'openssl rand -hex 24')`
        : undefined,
  };
}

const MQTT_DEPENDENT: readonly SettingKey[] = [
  "mqttBaseTopic",
  "mqttDiscovery",
  "mqttDiscoveryPrefix",
  "mqttPublish",
  "mqttClientId",
  "mqttProtocol",
  "thermostatMqttTopic",
];

/** HTTPS: own certificate files (both), a generated one, or none. */
export function tlsMode(config: GatewayConfig): "files" | "self-signed" | "off" {
  if (config.tlsCert !== "" || config.tlsKey !== "") return "files";
  return config.tls === "self-signed" ? "self-signed" : "off";
}

const TLS_CHECKS: readonly CrossCheck[] = [
  {
    settings: ["tlsCert", "tlsKey"],
    severity: "error",
    check: (c) =>
      (c.tlsCert === "") !== (c.tlsKey === "")
        ? "a certificate needs its key: set both TLS_CERT and TLS_KEY, or neither"
        : undefined,
  },
  {
    settings: ["tls", "tlsCert"],
    severity: "error",
    check: (c) =>
      c.tls === "self-signed" && (c.tlsCert !== "" || c.tlsKey !== "")
        ? "TLS=self-signed makes its own certificate, but TLS_CERT/TLS_KEY name one: choose one of them"
        : undefined,
  },
  {
    settings: ["tlsRedirectPort", "apiPort"],
    severity: "error",
    check: (c) =>
      c.tlsRedirectPort !== 0 && c.tlsRedirectPort === c.apiPort
        ? `the redirect port ${c.tlsRedirectPort} is API_PORT itself; choose another (e.g. 80)`
        : undefined,
  },
  {
    settings: ["tlsRedirectPort"],
    severity: "warning",
    check: (c) =>
      c.tlsRedirectPort !== 0 && tlsMode(c) === "off"
        ? "TLS_REDIRECT_PORT has no effect: HTTPS is off (set TLS=self-signed, or TLS_CERT and TLS_KEY)"
        : undefined,
  },
];

export const crossChecks: readonly CrossCheck[] = [
  ...TLS_CHECKS,
  {
    settings: ["reconnectDelayMinMs", "reconnectDelayMaxMs"],
    severity: "error",
    check: (c) =>
      c.reconnectDelayMinMs > c.reconnectDelayMaxMs
        ? `the first reconnect delay (${c.reconnectDelayMinMs / 1000} s) is longer than the longest (${c.reconnectDelayMaxMs / 1000} s)`
        : undefined,
  },
  {
    settings: ["gatewayAddress", "controllerAddress"],
    severity: "error",
    check: (c) =>
      c.gatewayAddress === c.controllerAddress
        ? `the gateway's address ${c.gatewayAddress} is the controller's; choose a free address or auto`
        : undefined,
  },
  {
    settings: ["gatewayAddress", "panelAddress"],
    severity: "error",
    check: (c) =>
      c.gatewayAddress === c.panelAddress
        ? `the gateway's address ${c.gatewayAddress} is the panel's; choose a free address or auto`
        : undefined,
  },
  {
    settings: ["controllerAddress", "panelAddress"],
    severity: "error",
    check: (c) =>
      c.controllerAddress === c.panelAddress
        ? `the controller and the panel cannot share address ${c.controllerAddress}`
        : undefined,
  },
  {
    settings: ["apiKey", "apiReadKey"],
    severity: "error",
    check: (c) =>
      c.apiKey !== "" && c.apiKey === c.apiReadKey
        ? "the read-only key equals the read-write key, so it would allow writes; give them different values"
        : undefined,
  },
  shortKeyCheck("apiKey"),
  shortKeyCheck("apiReadKey"),
  {
    settings: ["apiWorkers"],
    severity: "warning",
    check: (c) =>
      c.apiWorkers !== 1
        ? `API_WORKERS=${c.apiWorkers} is ignored: the gateway runs as one process, the only owner of the bus, and serves requests concurrently`
        : undefined,
  },
  {
    settings: ["gatewayAddress"],
    severity: "warning",
    check: (c) =>
      typeof c.gatewayAddress === "number" &&
      (c.gatewayAddress < GATEWAY_ADDRESS_RANGE.first || c.gatewayAddress > GATEWAY_ADDRESS_RANGE.last)
        ? `GM3_SOURCE_ADDRESS=${c.gatewayAddress} is outside ${GATEWAY_ADDRESS_RANGE.first}–${GATEWAY_ADDRESS_RANGE.last}, where panels have been seen to grant tokens; the gateway may never get the bus`
        : undefined,
  },
  {
    settings: ["tokenRequired", "tokenWaitTimeoutMs", "writeDeadlineMs"],
    severity: "warning",
    check: (c) =>
      !c.tokenRequired && c.tokenWaitTimeoutMs >= c.writeDeadlineMs
        ? `TOKEN_WAIT_TIMEOUT (${c.tokenWaitTimeoutMs / 1000} s) is not shorter than WRITE_DEADLINE (${c.writeDeadlineMs / 1000} s): writes made without the token would expire first`
        : undefined,
  },
  {
    settings: ["readOnly", "allowPanelWrites"],
    severity: "warning",
    check: (c) =>
      c.readOnly && c.allowPanelWrites
        ? "ALLOW_PANEL_WRITES has no effect: READ_ONLY refuses every write"
        : undefined,
  },
  {
    settings: ["mqttUrl", ...MQTT_DEPENDENT],
    severity: "warning",
    check(c, sources) {
      if (c.mqttUrl !== "") return undefined;
      const set = MQTT_DEPENDENT.filter((key) => sources[key].source !== "default").map(env);
      return set.length
        ? `${set.join(", ")} ${set.length > 1 ? "have" : "has"} no effect: MQTT_URL is empty, so MQTT is off`
        : undefined;
    },
  },
];
