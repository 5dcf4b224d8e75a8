/**
 * The events the gateway logs, one typed table: name → fields, level, message. Every such line
 * carries `event: "<name>"` plus its fields, so operators can filter (`jq 'select(.event=="write.done")'`)
 * and every module logs the same thing the same way. Use `logEvent(logger, name, fields)`.
 * Add an event here (and to the table in docs/logs.md) rather than logging free-form text.
 */
import type { Level, Logger } from "pino";

/**
 * How a write ended: refused before it became a job, or the job's end — confirmed by the
 * controller, failed (the reason says whether anything was sent), superseded by a newer write to
 * the same parameter, or expired (WRITE_DEADLINE passed before a grant; nothing sent).
 */
export type WriteOutcome = "confirmed" | "refused" | "failed" | "superseded" | "expired";

export interface LogEventFields {
  /** The gateway is up; `endpoint` as in `describeSerialEndpoint`. */
  "gateway.started": { version: string; endpoint: string; apiUrl: string };
  /** No serial port configured: said loudly, at warn, so nobody mistakes simulated data for real. */
  "simulator.active": { reason: string };
  "gateway.stopping": { signal: string };
  "gateway.stopped": { durationMs: number };
  /** Which file was read, and the settings that differ from their defaults (secrets masked). */
  "config.loaded": { configFile: string | null; changed: Record<string, unknown> };
  "config.warning": { warning: string };
  "link.up": { endpoint: string };
  "link.down": { endpoint: string; reason: string; reconnectInMs?: number };
  /** `how`: claimed from a panel probe, taken from GM3_SOURCE_ADDRESS, or read from STATE_DIR. */
  "address.claimed": { address: number; how: "auto-claim" | "configured" | "persisted" };
  "address.released": { address: number; reason: string };
  /** The claimed address could not be saved in STATE_DIR: it is used, but claimed again after a restart. */
  "address.save.failed": { address: number; reason: string };
  /** `seconds` on the bus; `tokenWaitSeconds` waiting for the panel's grants before and between. */
  "discovery.done": {
    count: number;
    seconds: number;
    tokenWaitSeconds?: number;
    regulatorCount?: number;
    panelCount?: number;
  };
  /** `durationMs` from the first request queued to the last reply, `busMs` of it holding the token, `tokenWaitMs` waiting for it. */
  "poll.cycle": {
    cycle: number;
    parameters: number;
    changed: number;
    durationMs: number;
    busMs?: number;
    tokenWaitMs?: number;
    failedBatches: number;
  };
  "discovery.failed": { reason: string };
  /** Some batches of a poll cycle failed after all retries; their values stay as they were. */
  "poll.incomplete": { cycle: number; failedBatches: number; reasons: string[]; detail: string };
  "alarms.read": { count: number; active: number };
  "alarms.failed": { reason: string; detail: string };
  /** Definitions and last values restored from STATE_DIR at start-up; `ageSeconds` of the values. */
  "snapshot.restored": { count: number; savedAt: string; ageSeconds?: number; served?: boolean };
  "snapshot.failed": { operation: "save" | "restore"; reason: string };
  /** A snapshot was thrown away: the live controller is another one, or the file belongs to another bus. */
  "snapshot.discarded": { reason: string };
  /** STATE_DIR cannot be used (not a directory, not writable): nothing is kept across restarts. */
  "state.failed": { reason: string };
  /** Which folder of STATE_DIR holds this bus's address and snapshot (`basis`: how the bus was recognised). */
  "state.target": { folder: string; target: string; basis: string };
  /** Files of an old, flat STATE_DIR attributed to a bus (`adopted`) or left for a real bus (`left`). */
  "state.legacy": { files: string[]; to: string; action: string; reason: string };
  /** Files of an old, flat STATE_DIR that could not be attributed to a bus: moved aside, not used. */
  "state.unattributed": { files: string[]; to: string; action: string; reason: string };
  /** The virtual room thermostat is on the bus (THERMOSTAT_ENABLED): where, and what it reports. */
  "thermostat.ready": { address: number | null; pairingState: string; temperature: number; source: string };
  /** The panel paired the virtual thermostat (`how`: the pairing beacon or the tentative claim). */
  "thermostat.paired": { address: number };
  /** Home Assistant's room temperature went stale (once per episode); `reason` as in /health. */
  "thermostat.stale": { reason: string; ageSeconds: number | null; temperature: number; source: string };
  /** A reading arrived again after a stale episode of `staleSeconds`. */
  "thermostat.fresh": { temperature: number; staleSeconds: number };
  /** The thermostat's state (address, written values, last temperature) could not be saved. */
  "thermostat.save.failed": { reason: string };
  /** After a (re)connect: the controller is the one the definitions belong to (UID, versions, catalogue). */
  "controller.verified": { uid: string; requests: number; busMs: number; after: string };
  /** The controller's UID or firmware changed, or the saved definitions do not fit it: rediscovering. */
  "controller.changed": { reason: string };
  /** Poll cycles in a row without any answer: the link is reopened. */
  "controller.unresponsive": { cycles: number };
  /** A write became a job (debug: its end is logged by write.done). */
  "write.accepted": { job: string; who: string; parameter: string; index: number; value: unknown };
  /** Every write: who asked (client address, `mqtt`, `cli`), what, old → new, how it ended, how long. */
  "write.done": {
    /** The job, when the write was accepted as one. */
    job?: string;
    who: string;
    parameter: string;
    index: number;
    oldValue: unknown;
    newValue: unknown;
    outcome: WriteOutcome;
    durationMs: number;
    reason?: string;
  };
  "api.request": { method: string; url: string; statusCode: number; durationMs: number; client: string };
  /** Connected to the MQTT broker (password masked); everything is published right after. */
  "mqtt.connected": { broker: string; clientId: string; baseTopic: string };
  /**
   * Lost or could not reach the broker; logged on a loss, the first failure and every 10th.
   * `connected`: the connection had been up (closed, or kicked off), rather than never made.
   */
  "mqtt.disconnected": {
    broker: string;
    reason: string;
    reconnectInMs: number;
    attempt: number;
    connected: boolean;
  };
  /** A full publication: after connecting, on Home Assistant's birth message, after a rediscovery. */
  "mqtt.published": {
    trigger: "connect" | "birth" | "definitions" | "values";
    states: number;
    configs: number;
    cleared: number;
    baseTopic: string;
  };
  /** HTTPS is on: which certificate is served (compare the fingerprint with what a browser shows). */
  "https.certificate": {
    origin: "files" | "self-signed";
    fingerprint: string;
    validTo: string;
    created: boolean;
    path: string;
  };
  /** A `set` message that was not acted on (retained, no such parameter, …); answered on `…/result`. */
  "mqtt.command.refused": { topic: string; reason: string };
  /** A message on a command topic that is no command (an empty payload: a retained one cleared). */
  "mqtt.command.ignored": { topic: string; reason: string };
  /** A WebSocket client fell more than WS_MAX_QUEUE messages behind and was closed (4008). */
  "ws.client.dropped": { client: string; queued: number; reason: string };
  /** A move of the bus's token or wire state machine (src/bus/bus-state.ts). */
  "bus.state": { machine: "token" | "wire"; from: string; to: string; why: string };
  /** Bytes the framer discarded, CRC errors, unexpected or late responses; `rawHex` via `rawHex()`. */
  "protocol.error": {
    reason: string;
    rawHex: string;
    source?: number;
    destination?: number;
    command?: string;
  };
}

export type LogEventName = keyof LogEventFields;

interface EventSpec<F> {
  level: Level | ((fields: F) => Level);
  message(fields: F): string;
}

const HTTP_SERVER_ERROR = 500;
const HTTP_CLIENT_ERROR = 400;

/** Reads that succeed are routine (Home Assistant polls every 10 s): debug. Others are worth a line. */
function apiRequestLevel(fields: LogEventFields["api.request"]): Level {
  if (fields.statusCode === HTTP_SERVER_ERROR) return "error";
  if (fields.statusCode >= HTTP_CLIENT_ERROR) return "info";
  return fields.method === "GET" || fields.method === "HEAD" ? "debug" : "info";
}

const show = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : String(value));

export const logEventSpecs: { readonly [E in LogEventName]: EventSpec<LogEventFields[E]> } = {
  "gateway.started": {
    level: "info",
    message: (f) => `gateway ${f.version} started: bus on ${f.endpoint}, API at ${f.apiUrl}`,
  },
  "simulator.active": {
    level: "warn",
    message: (f) => `SIMULATED HEAT PUMP: ${f.reason}; the data served is not from a real controller`,
  },
  "gateway.stopping": { level: "info", message: (f) => `stopping (${f.signal})` },
  "gateway.stopped": { level: "info", message: (f) => `stopped in ${f.durationMs} ms` },
  "config.loaded": {
    level: "info",
    message: (f) => `configuration loaded from ${f.configFile ?? "defaults and environment"}`,
  },
  "config.warning": { level: "warn", message: (f) => `configuration: ${f.warning}` },
  "link.up": { level: "info", message: (f) => `link up: ${f.endpoint}` },
  "link.down": {
    level: "warn",
    message: (f) =>
      `link down: ${f.endpoint} (${f.reason})` +
      (f.reconnectInMs === undefined ? "" : `; reconnecting in ${f.reconnectInMs / 1000} s`),
  },
  "address.claimed": { level: "info", message: (f) => `using bus address ${f.address} (${f.how})` },
  "address.released": { level: "warn", message: (f) => `gave up bus address ${f.address}: ${f.reason}` },
  "address.save.failed": {
    level: "warn",
    message: (f) =>
      `could not save the bus address ${f.address}: ${f.reason}; it is claimed again after a restart`,
  },
  "discovery.done": {
    level: "info",
    message: (f) =>
      `discovered ${f.count} parameters in ${f.seconds} s` +
      (f.tokenWaitSeconds ? ` (plus ${f.tokenWaitSeconds} s waiting for the token)` : ""),
  },
  "poll.cycle": {
    level: "debug",
    message: (f) =>
      `poll ${f.cycle}: ${f.parameters} parameters, ${f.changed} changed, ${f.failedBatches} failed batches, ${f.durationMs} ms`,
  },
  "discovery.failed": { level: "warn", message: (f) => `discovery failed: ${f.reason}; retrying` },
  "poll.incomplete": {
    level: "warn",
    message: (f) => `poll ${f.cycle} incomplete: ${f.failedBatches} failed batch(es): ${f.detail}`,
  },
  "alarms.read": { level: "debug", message: (f) => `alarm log read: ${f.count} alarms, ${f.active} active` },
  "alarms.failed": {
    level: "warn",
    message: (f) => `alarm log not read (${f.reason}): ${f.detail}; keeping the last list`,
  },
  "snapshot.restored": {
    level: "info",
    message: (f) =>
      `restored ${f.count} parameters saved at ${f.savedAt}${
        f.ageSeconds === undefined
          ? ""
          : ` (values ${f.ageSeconds} s old${f.served === false ? ", too old to serve" : ", served as stale"})`
      }; the first poll refreshes them`,
  },
  "snapshot.failed": {
    level: "warn",
    message: (f) => `parameter snapshot ${f.operation} failed: ${f.reason}`,
  },
  "snapshot.discarded": { level: "warn", message: (f) => `snapshot discarded: ${f.reason}` },
  "state.failed": {
    level: "warn",
    message: (f) => `STATE_DIR cannot be used: ${f.reason}; the bus address and the snapshot are not kept`,
  },
  "state.target": {
    level: "info",
    message: (f) => `state of ${f.target} kept in ${f.folder} (${f.basis})`,
  },
  "state.legacy": {
    level: "info",
    message: (f) =>
      f.action === "left"
        ? `old state files ${f.files.join(", ")} left in place: ${f.reason}`
        : `old state files ${f.files.join(", ")} moved to ${f.to}: ${f.reason}`,
  },
  "state.unattributed": {
    level: "warn",
    message: (f) => `old state files ${f.files.join(", ")} moved aside to ${f.to}, not used: ${f.reason}`,
  },
  "thermostat.ready": {
    level: "info",
    message: (f) =>
      `virtual room thermostat on the bus: ${
        f.address === null
          ? `not paired yet (${f.pairingState}; POST /api/thermostat/pair, then pair it on the panel)`
          : `paired at address ${f.address}`
      }, reporting ${f.temperature} °C (${f.source})`,
  },
  "thermostat.paired": {
    level: "info",
    message: (f) => `the panel paired the virtual room thermostat at address ${f.address}`,
  },
  "thermostat.stale": { level: "warn", message: (f) => f.reason },
  "thermostat.fresh": {
    level: "info",
    message: (f) =>
      `room temperature received again (${f.temperature} °C) after ${f.staleSeconds} s stale; the controller is told it`,
  },
  "thermostat.save.failed": {
    level: "warn",
    message: (f) => `could not save the virtual thermostat's state: ${f.reason}; it is kept in memory`,
  },
  "controller.verified": {
    level: "info",
    message: (f) =>
      `controller ${f.uid} verified after ${f.after} (${f.requests} requests, ${f.busMs} ms on the bus); polling with the known parameters`,
  },
  "controller.changed": { level: "info", message: (f) => `${f.reason}; rediscovering the parameters` },
  "controller.unresponsive": {
    level: "warn",
    message: (f) => `the controller did not answer ${f.cycles} poll cycles in a row; reopening the link`,
  },
  "write.accepted": {
    level: "debug",
    message: (f) =>
      `write ${f.parameter} (${f.index}) → ${show(f.value)} queued as job ${f.job}, by ${f.who}`,
  },
  "write.done": {
    level: (f) => (f.outcome === "failed" || f.outcome === "expired" ? "warn" : "info"),
    message: (f) =>
      `write ${f.parameter} (${f.index}) ${show(f.oldValue)} → ${show(f.newValue)}: ${f.outcome}` +
      `${f.reason ? ` (${f.reason})` : ""} in ${f.durationMs} ms, by ${f.who}${f.job ? ` (job ${f.job})` : ""}`,
  },
  "api.request": {
    level: apiRequestLevel,
    message: (f) => `${f.method} ${f.url} → ${f.statusCode} in ${f.durationMs} ms`,
  },
  "mqtt.connected": {
    level: "info",
    message: (f) => `MQTT connected to ${f.broker} as ${f.clientId}; topics under ${f.baseTopic}`,
  },
  "mqtt.disconnected": {
    level: "warn",
    message: (f) =>
      `${f.connected ? `MQTT connection to ${f.broker} lost` : `MQTT broker ${f.broker} not reachable`} (${f.reason}); reconnecting in ${f.reconnectInMs / 1000} s (attempt ${f.attempt})`,
  },
  "mqtt.published": {
    level: (f) => (f.trigger === "connect" || f.trigger === "birth" ? "info" : "debug"),
    message: (f) =>
      `MQTT (${f.trigger}): ${f.states} states, ${f.configs} discovery configs, ${f.cleared} cleared under ${f.baseTopic}`,
  },
  "https.certificate": {
    level: "info",
    message: (f) =>
      `HTTPS with ${f.origin === "files" ? "the certificate in" : f.created ? "a new self-signed certificate in" : "the self-signed certificate in"} ${f.path} (SHA-256 ${f.fingerprint}, valid until ${f.validTo})`,
  },
  "mqtt.command.refused": {
    level: "warn",
    message: (f) => `MQTT command on ${f.topic} refused: ${f.reason}`,
  },
  "mqtt.command.ignored": {
    level: "info",
    message: (f) => `MQTT message on ${f.topic} ignored: ${f.reason}`,
  },
  "ws.client.dropped": {
    level: "warn",
    message: (f) => `WebSocket client ${f.client} closed: ${f.reason} (${f.queued} messages waiting)`,
  },
  "protocol.error": { level: "debug", message: (f) => `protocol error: ${f.reason}` },
  "bus.state": {
    // The token changes a few times per grant; the wire several times per exchange.
    level: (f) => (f.machine === "token" ? "debug" : "trace"),
    message: (f) => `bus ${f.machine}: ${f.from} → ${f.to} (${f.why})`,
  },
};

export const logEventNames = Object.keys(logEventSpecs) as LogEventName[];

/** Logs one event at its level with its fields and message; nothing is built when the level is off. */
export function logEvent<E extends LogEventName>(logger: Logger, event: E, fields: LogEventFields[E]): void {
  const spec = logEventSpecs[event] as EventSpec<LogEventFields[E]>;
  const level = typeof spec.level === "function" ? spec.level(fields) : spec.level;
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = { event, ...fields };
  logger[level](line, spec.message(fields));
}

/** Logged raw bytes are capped: a garbage burst should not become a megabyte log line. */
export const MAX_LOGGED_BYTES = 256;

/** Bytes as hex for `rawHex` fields, truncated with a note past `maxBytes`. */
export function rawHex(bytes: Uint8Array, maxBytes = MAX_LOGGED_BYTES): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, maxBytes)).toString("hex");
  return bytes.length > maxBytes ? `${shown}…(+${bytes.length - maxBytes} bytes)` : shown;
}
