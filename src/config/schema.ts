/**
 * Every setting of the gateway, as data: environment name, aliases, kind (type + allowed values),
 * default, documentation and group. Validation, env/YAML parsing, `gm3 config`, the table in
 * docs/configuration.md and config.example.yaml are all derived from this table — add a setting
 * here and nowhere else.
 */
import { Address, BROADCAST_ADDRESS } from "../protocol/constants.js";
import { SIM_TIMING_NAMES } from "../sim/timing.js";
import { addressKind, autoAddressKind } from "./kinds/address.js";
import type { SettingKind } from "./kinds/kind.js";
import { mqttPublishKind, optionalTopicKind, topicKind } from "./kinds/mqtt.js";
import { corsOriginsKind, mqttUrlKind, serialPortKind } from "./kinds/network.js";
import { decimalKind, durationKind, integerChoiceKind, integerKind } from "./kinds/numbers.js";
import {
  booleanKind,
  enumKind,
  hostKind,
  optionalIpKind,
  optionalPathKind,
  pathKind,
  secretKind,
  textKind,
} from "./kinds/text.js";

export const SETTING_GROUPS = [
  "Serial link",
  "Bus (GM3)",
  "Polling and cache",
  "Writes and safety",
  "HTTP API",
  "Live updates, metrics, dashboard",
  "MQTT",
  "Room thermostat",
  "Logging",
  "State",
  "History",
] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

export interface SettingSpec<T, E extends string = string> {
  /** Environment variable; its lower-case form is the YAML key. */
  readonly env: E;
  readonly kind: SettingKind<T>;
  readonly default: NoInfer<T>;
  /** One line for the table in docs/configuration.md, the example file and `gm3 config`. */
  readonly doc: string;
  readonly group: SettingGroup;
  /** Other environment names read when `env` is not set (the Python gateway's `ECONEXT_…`). */
  readonly aliases?: readonly string[];
  /**
   * The setting's former name (environment, and in lower case the YAML key), still read when the
   * new one is not set, with a warning asking to rename it.
   */
  readonly formerName?: string;
  /** `value`: mask the whole value; `url-password`: mask only the password inside a URL. */
  readonly secret?: "value" | "url-password";
  /** What an empty value means, shown next to it (e.g. `built-in simulator`). */
  readonly emptyMeaning?: string;
}

function setting<const E extends string, T>(spec: SettingSpec<T, E>): SettingSpec<T, E> {
  return spec;
}

/** "No address": what an unpaired gateway has (PROTOCOL.md §13). */
const UNASSIGNED_ADDRESS = 0;

const GATEWAY_RESERVED = new Map<number, string>([
  [UNASSIGNED_ADDRESS, "it means 'no address' on the bus; use auto to claim one"],
  [Address.CONTROLLER, "it is the controller's usual address"],
  [Address.PANEL, "it is the panel's address"],
  [BROADCAST_ADDRESS, "it is the broadcast address (and the ecoNET poller's source)"],
]);
const DEVICE_RESERVED = new Map<number, string>([
  [UNASSIGNED_ADDRESS, "no device answers at address 0"],
  [BROADCAST_ADDRESS, "it is the broadcast address"],
]);

/** Home Assistant's client gives up on a write after this (HA-COMPAT.md §2). */
const HA_WRITE_TIMEOUT_S = 10;

export const settingsSchema = {
  // Serial link
  serialPort: setting({
    env: "SERIAL_PORT",
    emptyMeaning: "built-in simulator",
    aliases: ["ECONEXT_SERIAL_PORT"],
    kind: serialPortKind,
    default: "",
    group: "Serial link",
    doc: "Where the RS-485 bus is: a device path (/dev/ttyUSB0, /dev/serial/by-id/…), tcp://host:port (ser2net), or empty/sim:// for the built-in simulated heat pump.",
  }),
  serialBaudRate: setting({
    env: "SERIAL_BAUD",
    aliases: ["ECONEXT_SERIAL_BAUD"],
    kind: integerChoiceKind([9600, 19200, 38400, 57600, 115200]),
    default: 115200,
    group: "Serial link",
    doc: "Bus speed in baud; ecoMAX360i buses run at 115200.",
  }),
  simTiming: setting({
    env: "SIM_TIMING",
    kind: enumKind(SIM_TIMING_NAMES),
    default: "field",
    group: "Serial link",
    doc: "Rhythm of the built-in simulated heat pump (no SERIAL_PORT): field = a real bus's, the token every ~10 s; demo = the token every panel cycle (~2.6 s), for a quick look. The dashboard banner and /health name it. Unused with a real bus.",
  }),
  serialTimeoutMs: setting({
    env: "SERIAL_TIMEOUT",
    aliases: ["ECONEXT_REQUEST_TIMEOUT"],
    kind: durationKind({ unit: "s", min: 0.05, max: 9 }),
    default: 2000,
    group: "Serial link",
    doc: "How long to wait for the controller's answer to one request before retrying.",
  }),
  busSilenceTimeoutMs: setting({
    env: "BUS_SILENCE_TIMEOUT",
    kind: durationKind({ unit: "s", min: 5, max: 3600 }),
    default: 30_000,
    group: "Serial link",
    doc: "No frame at all for this long means the link is dead: close and reopen it.",
  }),
  reconnectDelayMinMs: setting({
    env: "RECONNECT_DELAY_MIN",
    kind: durationKind({ unit: "s", min: 0.1, max: 600 }),
    default: 500,
    group: "Serial link",
    doc: "Wait between attempts to reopen a lost link during its first minute (so a short outage is over for the gateway within this of its end); then it doubles on each failure up to RECONNECT_DELAY_MAX.",
  }),
  reconnectDelayMaxMs: setting({
    env: "RECONNECT_DELAY_MAX",
    kind: durationKind({ unit: "s", min: 1, max: 3600 }),
    default: 30_000,
    group: "Serial link",
    doc: "Longest wait between attempts to reopen a lost link.",
  }),

  // Bus (GM3)
  gatewayAddress: setting({
    env: "GM3_SOURCE_ADDRESS",
    kind: autoAddressKind({ reserved: GATEWAY_RESERVED }),
    default: "auto",
    group: "Bus (GM3)",
    doc: "The gateway's own bus address: auto claims a free one (105–130) and remembers it in STATE_DIR; set the old gateway's address to skip re-registration.",
  }),
  controllerAddress: setting({
    env: "GM3_DEST_ADDRESS",
    aliases: ["ECONEXT_DESTINATION_ADDRESS"],
    kind: addressKind({ reserved: DEVICE_RESERVED }),
    default: Address.CONTROLLER,
    group: "Bus (GM3)",
    doc: "Bus address of the controller (regulator) whose parameters are read and written.",
  }),
  panelAddress: setting({
    env: "GM3_PANEL_ADDRESS",
    kind: addressKind({ reserved: DEVICE_RESERVED }),
    default: Address.PANEL,
    group: "Bus (GM3)",
    doc: "Bus address of the panel that grants the token and holds the panel parameters and alarms.",
  }),
  retryAttempts: setting({
    env: "GM3_RETRY_ATTEMPTS",
    kind: integerKind({ min: 1, max: 10 }),
    default: 3,
    group: "Bus (GM3)",
    doc: "Attempts per request (first try included) before it is reported failed.",
  }),
  turnaroundMs: setting({
    env: "GM3_TURNAROUND_MS",
    kind: durationKind({ unit: "ms", min: 0, max: 1000 }),
    default: 20,
    group: "Bus (GM3)",
    doc: "Pause before each transmission so the previous sender has released the RS-485 line.",
  }),
  paramsPerRequest: setting({
    env: "GM3_PARAMS_PER_REQUEST",
    aliases: ["ECONEXT_PARAMS_PER_REQUEST"],
    kind: integerKind({ min: 1, max: 255 }),
    default: 100,
    group: "Bus (GM3)",
    doc: "Parameters asked for per request during discovery and polling (the controller may answer fewer).",
  }),
  tokenRequired: setting({
    env: "TOKEN_REQUIRED",
    aliases: ["ECONEXT_TOKEN_REQUIRED"],
    kind: booleanKind,
    default: true,
    group: "Bus (GM3)",
    doc: "Transmit only while holding the panel's token (safe). false: transmit anyway after TOKEN_WAIT_TIMEOUT.",
  }),
  tokenWaitTimeoutMs: setting({
    env: "TOKEN_WAIT_TIMEOUT",
    kind: durationKind({ unit: "s", min: 0.1, max: 60 }),
    default: 5000,
    group: "Bus (GM3)",
    doc: "With TOKEN_REQUIRED=false: how long to wait for a token grant before transmitting anyway.",
  }),

  // Polling and cache
  pollIntervalMs: setting({
    env: "POLL_INTERVAL",
    aliases: ["ECONEXT_POLL_INTERVAL"],
    kind: durationKind({ unit: "s", min: 1, max: 3600 }),
    default: 10_000,
    group: "Polling and cache",
    doc: "Pause between the end of one full poll of all parameters and the start of the next.",
  }),
  alarmPollCycles: setting({
    env: "ALARM_POLL_CYCLES",
    kind: integerKind({ min: 1, max: 1000 }),
    default: 5,
    group: "Polling and cache",
    doc: "Read the alarm log every Nth poll cycle (and after each discovery).",
  }),
  cacheTtlMs: setting({
    env: "CACHE_TTL_SECONDS",
    kind: durationKind({ unit: "s", min: 1, max: 86_400 }),
    default: 60_000,
    group: "Polling and cache",
    doc: "A parameter not read for this long is reported stale.",
  }),
  staleDataMaxAgeMs: setting({
    env: "STALE_DATA_MAX_AGE",
    kind: durationKind({ unit: "s", min: 0, max: 86_400 }),
    default: 600_000,
    group: "Polling and cache",
    doc: "While the controller cannot be read (the bus link is down or reconnecting, or just after a restart, from the snapshot), the last complete values are still served — marked stale, with their age — until they are this old; then the API answers 503. 0 = 503 as soon as the link is down, as the reference gateway does. See docs/recovery.md.",
  }),
  cacheMaxParameters: setting({
    env: "CACHE_MAX_SIZE",
    kind: integerKind({ min: 1, max: 1_000_000 }),
    default: 5000,
    group: "Polling and cache",
    doc: "Most parameters kept in memory (an ecoMAX360i has about 1,870).",
  }),

  // Writes and safety
  writeDeadlineMs: setting({
    env: "WRITE_DEADLINE",
    kind: durationKind({ unit: "s", min: 10, max: 600 }),
    default: 60_000,
    group: "Writes and safety",
    doc: "How long an accepted write may wait for the bus (link, first poll, token grant) before it expires unsent.",
  }),
  writeWaitMs: setting({
    env: "WRITE_WAIT",
    formerName: "WRITE_TIMEOUT",
    kind: durationKind({
      unit: "s",
      min: 0,
      max: HA_WRITE_TIMEOUT_S,
      maxExclusive: true,
      why: `Home Assistant gives up on a write after ${HA_WRITE_TIMEOUT_S} s`,
    }),
    default: 8000,
    group: "Writes and safety",
    doc: 'How long a write over HTTP waits for its outcome before the answer says "queued" (the write goes on by itself).',
  }),
  readOnly: setting({
    env: "READ_ONLY",
    kind: booleanKind,
    default: false,
    group: "Writes and safety",
    doc: "Refuse every write (403): nothing but reads is ever sent to the bus.",
  }),
  allowPanelWrites: setting({
    env: "ALLOW_PANEL_WRITES",
    kind: booleanKind,
    default: false,
    group: "Writes and safety",
    doc: "Allow writes to panel parameters (index 10000+), which are unproven on real hardware.",
  }),
  expertWrites: setting({
    env: "EXPERT_WRITES",
    kind: booleanKind,
    default: false,
    group: "Writes and safety",
    doc: "Allow writes to service parameters that reset, flash, set the clock of or test the controller (docs/http-api.md#expert-gate-service-parameters). Off: refused with 403 expert-only on every path.",
  }),

  // HTTP API
  apiHost: setting({
    env: "API_HOST",
    aliases: ["ECONEXT_API_HOST"],
    kind: hostKind,
    default: "0.0.0.0",
    group: "HTTP API",
    doc: "Address the HTTP API listens on (0.0.0.0 = every interface, 127.0.0.1 = this machine only).",
  }),
  apiPort: setting({
    env: "API_PORT",
    aliases: ["ECONEXT_API_PORT"],
    kind: integerKind({ min: 0, max: 65535 }),
    default: 8000,
    group: "HTTP API",
    doc: "TCP port of the HTTP API (Home Assistant's default is 8000; 0 picks a free port).",
  }),
  apiWorkers: setting({
    env: "API_WORKERS",
    kind: integerKind({ min: 1, max: 64 }),
    default: 1,
    group: "HTTP API",
    doc: "Accepted for compatibility only: the gateway is one process (one owner of the bus); other values are ignored with a warning.",
  }),
  apiKey: setting({
    env: "API_KEY",
    emptyMeaning: "no key",
    kind: secretKind,
    default: "",
    secret: "value",
    group: "HTTP API",
    doc: "Key for reads and writes (Authorization: Bearer <key> or X-API-Key). Empty with API_READ_KEY empty: no authentication.",
  }),
  apiReadKey: setting({
    env: "API_READ_KEY",
    emptyMeaning: "no key",
    kind: secretKind,
    default: "",
    secret: "value",
    group: "HTTP API",
    doc: "Key that allows reads only.",
  }),
  ingressTrustedAddress: setting({
    env: "INGRESS_TRUSTED_ADDRESS",
    emptyMeaning: "no ingress proxy",
    kind: optionalIpKind,
    default: "",
    group: "HTTP API",
    doc: "IP address of Home Assistant's ingress proxy (the add-on sets 172.30.32.2): a request from it with X-Ingress-Path needs no API key, as Home Assistant has signed the person in (docs/install-ha-addon.md#ingress).",
  }),
  apiWriteRateLimitPerMinute: setting({
    env: "API_WRITE_RATE_LIMIT",
    kind: integerKind({ min: 0, max: 10_000 }),
    default: 60,
    group: "HTTP API",
    doc: "Writes per minute accepted from HTTP, MQTT, the dashboard and the CLI together (0 = no limit); more get 429 (MQTT: an error result).",
  }),
  apiBodyLimitBytes: setting({
    env: "API_BODY_LIMIT",
    kind: integerKind({ min: 256, max: 1_048_576 }),
    default: 16_384,
    group: "HTTP API",
    doc: "Largest request body in bytes; larger ones get 413.",
  }),
  corsOrigins: setting({
    env: "CORS_ORIGINS",
    emptyMeaning: "CORS off",
    kind: corsOriginsKind,
    default: [],
    group: "HTTP API",
    doc: "Browser origins allowed to call the API (CORS). Empty: CORS off, as Home Assistant needs none.",
  }),

  // Live updates, metrics, dashboard
  wsEnabled: setting({
    env: "WS_ENABLED",
    kind: booleanKind,
    default: true,
    group: "Live updates, metrics, dashboard",
    doc: "Serve live parameter changes over WebSocket.",
  }),
  wsMaxQueueMessages: setting({
    env: "WS_MAX_QUEUE",
    kind: integerKind({ min: 1, max: 1_000_000 }),
    default: 1000,
    group: "Live updates, metrics, dashboard",
    doc: "Messages queued for one slow WebSocket client before it is disconnected.",
  }),
  metricsEnabled: setting({
    env: "METRICS_ENABLED",
    kind: booleanKind,
    default: true,
    group: "Live updates, metrics, dashboard",
    doc: "Serve Prometheus metrics at /metrics.",
  }),
  dashboardEnabled: setting({
    env: "DASHBOARD_ENABLED",
    kind: booleanKind,
    default: true,
    group: "Live updates, metrics, dashboard",
    doc: "Serve the built-in web dashboard.",
  }),

  // MQTT
  mqttUrl: setting({
    env: "MQTT_URL",
    emptyMeaning: "MQTT off",
    kind: mqttUrlKind,
    default: "",
    secret: "url-password",
    group: "MQTT",
    doc: "MQTT broker, e.g. mqtt://user:password@homeassistant.local:1883 (mqtts:// for TLS). Empty: MQTT off.",
  }),
  mqttBaseTopic: setting({
    env: "MQTT_BASE_TOPIC",
    kind: topicKind({ allowUid: true }),
    default: "econet-gm3/{uid}",
    group: "MQTT",
    doc: "Topic prefix for states and commands; {uid} is the controller's UID.",
  }),
  mqttDiscovery: setting({
    env: "MQTT_DISCOVERY",
    kind: booleanKind,
    default: true,
    group: "MQTT",
    doc: "Publish Home Assistant MQTT discovery so entities appear without a custom integration.",
  }),
  mqttDiscoveryPrefix: setting({
    env: "MQTT_DISCOVERY_PREFIX",
    kind: topicKind({ allowUid: false }),
    default: "homeassistant",
    group: "MQTT",
    doc: "Home Assistant's discovery prefix.",
  }),
  mqttPublish: setting({
    env: "MQTT_PUBLISH",
    kind: mqttPublishKind,
    default: { mode: "default" },
    group: "MQTT",
    doc: "Parameters published on MQTT.",
  }),
  mqttClientId: setting({
    env: "MQTT_CLIENT_ID",
    emptyMeaning: "this gateway's own",
    kind: textKind({
      allowed:
        "empty (this gateway's own: from the controller's UID and an instance id kept in STATE_DIR) or up to 128 printable characters without spaces",
      check: (text) => (/^[\x21-\x7e]{0,128}$/.test(text) ? undefined : "has spaces or is too long"),
    }),
    default: "",
    group: "MQTT",
    doc: "MQTT client id; the default is unique per gateway and kept across restarts. Two clients with one id take turns on the broker (docs/mqtt.md).",
  }),

  // Room thermostat (issue 16, docs/room-temperature.md)
  thermostatEnabled: setting({
    env: "THERMOSTAT_ENABLED",
    aliases: ["ECONEXT_THERMOSTAT_ENABLED"],
    kind: booleanKind,
    default: false,
    group: "Room thermostat",
    doc: "Play a virtual ecoSTER_40 room thermostat on the bus, whose room temperature comes from Home Assistant (HTTP or MQTT); pair it on the panel (docs/room-temperature.md). Off: nothing of it appears on the bus.",
  }),
  thermostatMaxAgeMs: setting({
    env: "THERMOSTAT_MAX_AGE",
    aliases: ["ECONEXT_THERMOSTAT_MAX_AGE"],
    kind: durationKind({ unit: "s", min: 10, max: 7 * 86_400 }),
    default: 300_000,
    group: "Room thermostat",
    doc: "A room temperature older than this is stale: /health and the log say so, and a real ecoSTER on the bus (if any) is served instead. The last value keeps being sent otherwise.",
  }),
  thermostatStaleFallback: setting({
    env: "THERMOSTAT_STALE_FALLBACK",
    aliases: ["ECONEXT_THERMOSTAT_STALE_FALLBACK"],
    kind: decimalKind({ min: -30, max: 60, unit: "°C" }),
    default: 19.0,
    group: "Room thermostat",
    doc: "The room temperature sent while none was ever received (never 0.0).",
  }),

  // Logging
  logLevel: setting({
    env: "LOG_LEVEL",
    aliases: ["ECONEXT_LOG_LEVEL"],
    kind: enumKind(["trace", "debug", "info", "warn", "error", "fatal", "silent"], {
      warning: "warn",
      critical: "fatal",
    }),
    default: "info",
    group: "Logging",
    doc: "Least severe level logged (case-insensitive). debug adds poll cycles and protocol errors with raw bytes.",
  }),
  logFormat: setting({
    env: "LOG_FORMAT",
    kind: enumKind(["auto", "json", "pretty"]),
    default: "auto",
    group: "Logging",
    doc: "json: one JSON object per line (for journald, Docker, log collectors); pretty: readable text; auto: pretty on a terminal, json otherwise.",
  }),

  // State
  stateDir: setting({
    env: "STATE_DIR",
    aliases: ["ECONEXT_STATE_DIR", "STATE_DIRECTORY"],
    kind: pathKind,
    default: ".state",
    group: "State",
    doc: "Directory for the claimed bus address and the descriptor snapshot; relative to the working directory. systemd's StateDirectory= sets STATE_DIRECTORY.",
  }),

  // MQTT protocol and HTTPS
  mqttProtocol: setting({
    env: "MQTT_PROTOCOL",
    kind: enumKind(["5", "3.1.1"]),
    default: "5",
    group: "MQTT",
    doc: "MQTT protocol version: 5 (refuses retained commands on every delivery), or 3.1.1 for a broker without MQTT 5 (docs/mqtt.md).",
  }),
  thermostatMqttTopic: setting({
    env: "THERMOSTAT_MQTT_TOPIC",
    emptyMeaning: "none",
    kind: optionalTopicKind,
    default: "",
    group: "MQTT",
    doc: "Topic of a room temperature in °C (a number; e.g. a Home Assistant sensor's state) for the virtual thermostat (docs/mqtt.md).",
  }),
  tls: setting({
    env: "TLS",
    kind: enumKind(["off", "self-signed"]),
    default: "off",
    group: "HTTP API",
    doc: "self-signed: serve HTTPS (and WSS) with a certificate made on the first start and kept in STATE_DIR. For your own certificate leave this off and set TLS_CERT and TLS_KEY (docs/https.md).",
  }),
  tlsCert: setting({
    env: "TLS_CERT",
    emptyMeaning: "none",
    kind: optionalPathKind,
    default: "",
    group: "HTTP API",
    doc: "PEM certificate (with its chain) to serve HTTPS and WSS with; needs TLS_KEY.",
  }),
  tlsKey: setting({
    env: "TLS_KEY",
    emptyMeaning: "none",
    kind: optionalPathKind,
    default: "",
    group: "HTTP API",
    doc: "PEM private key of TLS_CERT (unencrypted).",
  }),
  tlsRedirectPort: setting({
    env: "TLS_REDIRECT_PORT",
    kind: integerKind({ min: 0, max: 65535 }),
    default: 0,
    group: "HTTP API",
    doc: "With HTTPS: a plain-HTTP port that redirects every request to HTTPS on API_PORT (0 = none).",
  }),

  // History (docs/history.md)
  historyEnabled: setting({
    env: "HISTORY_ENABLED",
    kind: booleanKind,
    default: true,
    group: "History",
    doc: "Record parameter history, rollups and insights in an SQLite file in STATE_DIR (history.sqlite). false: nothing is recorded and the history endpoints answer 404.",
  }),
  historyMaxMb: setting({
    env: "HISTORY_MAX_MB",
    kind: integerKind({ min: 1, max: 100_000 }),
    default: 200,
    group: "History",
    doc: "Disk budget of the history in MB, kept by pruning the oldest data, finest first (raw samples, then minute, then hourly rollups).",
  }),
  historyParameters: setting({
    env: "HISTORY_PARAMETERS",
    kind: mqttPublishKind,
    default: { mode: "default" },
    group: "History",
    doc: "Parameters recorded: default (the measured values the overview and Home Assistant use, plus every kW and kWh parameter), all (every numeric parameter), or a list of names and indices.",
  }),
  historyShortCycleMin: setting({
    env: "HISTORY_SHORT_CYCLE_MIN",
    kind: integerKind({ min: 1, max: 240 }),
    default: 10,
    group: "History",
    doc: "A compressor run shorter than this many minutes counts as a short cycle in the insights.",
  }),
} as const;

export type SettingsSchema = typeof settingsSchema;
export type SettingKey = keyof SettingsSchema;
type ValueOf<S> = S extends SettingSpec<infer T> ? T : never;

/** The effective configuration: camelCase, typed, durations in ms, frozen. */
export type GatewayConfig = { readonly [K in SettingKey]: ValueOf<SettingsSchema[K]> };

/** Environment names of all settings (`SERIAL_PORT`, …). */
export type EnvName = SettingsSchema[SettingKey]["env"];

export const settingKeys = Object.keys(settingsSchema) as SettingKey[];

/** The YAML key of a setting: its environment name in lower case. */
export function yamlKeyOf(key: SettingKey): string {
  return settingsSchema[key].env.toLowerCase();
}

/** A spec with its value type erased, for code that walks all settings. */
export function specOf(key: SettingKey): SettingSpec<unknown> {
  return settingsSchema[key] as unknown as SettingSpec<unknown>;
}
