/** Maps the user's configuration onto the core's options (and the few fixed protocol timings). */
import type { Duplex } from "node:stream";
import { ConfigError, type GatewayConfig, parseSerialPort } from "../config/index.js";
import type { GatewayCoreOptions } from "../gateway/core.js";
import type { Logger } from "../log/index.js";
import { createLink, linkTargetName } from "../transport/create-link.js";

/** Field-proven timings that are not user settings (PROTOCOL.md §13, §14). */
export const FIXED_TIMINGS = {
  /** Back-off before a retry, times the attempt number. */
  retryBackoffMs: 50,
  /** Hand the token back after this long even with work left; a full discovery needs ~7 s. */
  maxTokenHoldMs: 15_000,
  /** Up to 10 tries at one descriptor index before a discovery gives up on a space. */
  discoveryAttemptsPerIndex: 10,
  /** Poll cycles in a row without any answer before the link is reopened. */
  unresponsiveCycles: 3,
  /** Values are saved for a fast restart at most this often. */
  snapshotIntervalMs: 10 * 60_000,
  /** A claimed address not confirmed by a token grant is dropped after this. */
  tentativeAddressTimeoutMs: 20_000,
} as const;

/** For the first minute of an outage, reopening is tried every RECONNECT_DELAY_MIN (then it backs off). */
export const STEADY_RETRY_WINDOW_MS = 60_000;

export function coreOptionsFromConfig(
  config: GatewayConfig,
  extras: { logger: Logger; attachSimulator?: () => Duplex },
): GatewayCoreOptions {
  const parsed = parseSerialPort(config.serialPort);
  // loadConfig validated it already; this only guards a hand-built config.
  if (!parsed.ok) {
    throw new ConfigError([{ setting: "SERIAL_PORT", problem: parsed.problem, origin: "configuration" }]);
  }
  const endpoint = parsed.endpoint;
  return {
    link: {
      create: () =>
        createLink(endpoint, { baudRate: config.serialBaudRate, attachSimulator: extras.attachSimulator }),
      kind: endpoint.kind === "device" ? "serial" : endpoint.kind === "tcp" ? "tcp" : "sim",
      target: linkTargetName(endpoint),
      reconnectDelayMinMs: config.reconnectDelayMinMs,
      reconnectDelayMaxMs: config.reconnectDelayMaxMs,
      silenceTimeoutMs: config.busSilenceTimeoutMs,
      steadyRetryWindowMs: STEADY_RETRY_WINDOW_MS,
    },
    baudRate: config.serialBaudRate,
    sourceAddress: config.gatewayAddress,
    controllerAddress: config.controllerAddress,
    panelAddress: config.panelAddress,
    turnaroundMs: config.turnaroundMs,
    responseTimeoutMs: config.serialTimeoutMs,
    retryAttempts: config.retryAttempts,
    tokenRequired: config.tokenRequired,
    tokenWaitTimeoutMs: config.tokenWaitTimeoutMs,
    paramsPerRequest: config.paramsPerRequest,
    pollIntervalMs: config.pollIntervalMs,
    alarmPollCycles: config.alarmPollCycles,
    writeDeadlineMs: config.writeDeadlineMs,
    writeRateLimitPerMinute: config.apiWriteRateLimitPerMinute,
    readOnly: config.readOnly,
    allowPanelWrites: config.allowPanelWrites,
    expertWrites: config.expertWrites,
    cacheTtlMs: config.cacheTtlMs,
    cacheMaxSize: config.cacheMaxParameters,
    staleDataMaxAgeMs: config.staleDataMaxAgeMs,
    stateDir: config.stateDir,
    simulator: endpoint.kind === "simulator",
    thermostat: {
      enabled: config.thermostatEnabled,
      maxAgeMs: config.thermostatMaxAgeMs,
      staleFallback: config.thermostatStaleFallback,
    },
    logger: extras.logger,
    ...FIXED_TIMINGS,
  };
}
