/**
 * A gateway for one command (`get`, `set`): joins the bus with the configured (or persisted)
 * address, discovers and polls once, does its work, gives the token back and leaves. It stops at
 * once on a link failure that waiting cannot cure, and leaves no timer behind, so the process ends
 * as soon as the answer is printed.
 */
import { type GatewayApp, startGatewayApp } from "../app/gateway-app.js";
import { PERMANENT_LINK_ERRORS } from "../app/link-errors.js";
import { parseSerialPort } from "../config/index.js";
import { createLogger } from "../log/index.js";
import {
  busFlagOverrides,
  busOptionHelp,
  busOptions,
  printConfigWarnings,
  printSimulatorNotice,
} from "./bus-options.js";
import { BusCommandError, type CliIo, UsageError } from "./command.js";
import { loadCliConfig } from "./config.js";
import { showDiscoveryProgress } from "./progress.js";

export const oneShotOptions = {
  timeout: { type: "string" },
  verbose: { type: "boolean" },
  ...busOptions,
} as const;

export const oneShotOptionHelp: Readonly<Record<string, string>> = {
  "--timeout <seconds>": "how long to wait for the token, discovery and the first poll (default 120)",
  "--verbose": "log what the gateway does (to stderr)",
  ...busOptionHelp,
};

const DEFAULT_TIMEOUT_S = 120;

/** Rejects with a BusCommandError (message and hint) as soon as the link fails for good. */
function permanentLinkFailure(app: GatewayApp): { failed: Promise<never>; cancel(): void } {
  let check = () => {};
  const failed = new Promise<never>((_resolve, reject) => {
    check = () => {
      const error = app.core.status().link.lastError;
      if (error === undefined || !PERMANENT_LINK_ERRORS.has(error.code)) return;
      app.core.off("status", check);
      reject(
        new BusCommandError(
          `cannot open the bus link: ${error.message}${error.hint ? ` — ${error.hint}` : ""}`,
        ),
      );
    };
  });
  // A rejection nobody awaits any more (the data came first) must not crash the process.
  failed.catch(() => {});
  app.core.on("status", check);
  check();
  return { failed, cancel: () => app.core.off("status", check) };
}

/** The command run: its name (for messages) and what it does to the heat pump ("reading"). */
export interface OneShotCommand {
  name: string;
  doing: string;
}

export async function withGateway<T>(
  values: Record<string, unknown>,
  io: CliIo,
  command: OneShotCommand,
  work: (app: GatewayApp) => Promise<T>,
): Promise<T> {
  const loaded = loadCliConfig(values, io, busFlagOverrides(values));
  const timeoutS = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, got "${String(values.timeout)}"`);
  }
  const endpoint = parseSerialPort(loaded.config.serialPort);
  if (endpoint.ok && endpoint.endpoint.kind === "simulator")
    printSimulatorNotice(command.name, command.doing, io);
  // With --verbose the log shows them (config.warning); otherwise nothing else would.
  if (values.verbose !== true) printConfigWarnings(command.name, loaded.warnings, io);
  const logger = createLogger(
    { ...loaded.config, logLevel: values.verbose === true ? "info" : "error", logFormat: "pretty" },
    io.stderr,
  );
  // A one-shot command never plays the virtual thermostat: `gm3 serve` may be playing it on the
  // same bus (two answers to every panel poll), and its state in STATE_DIR is serve's.
  const app = await startGatewayApp({
    loaded: { ...loaded, config: { ...loaded.config, thermostatEnabled: false } },
    logger,
  });
  const stopProgress = showDiscoveryProgress(app.core, io.stderr);
  const linkFailure = permanentLinkFailure(app);
  const waiting = new AbortController();
  try {
    try {
      await Promise.race([
        app.core.waitForData(timeoutS * 1000, { polled: true, signal: waiting.signal }),
        linkFailure.failed,
      ]);
    } catch (error) {
      if (error instanceof BusCommandError) throw error;
      const status = app.core.status();
      const why =
        status.link.state !== "up"
          ? `the bus link is ${status.link.state}${status.link.lastError ? `: ${status.link.lastError.message}${status.link.lastError.hint ? ` (${status.link.lastError.hint})` : ""}` : ""}`
          : status.bus.address === undefined
            ? "the gateway has no bus address yet: set GM3_SOURCE_ADDRESS to the address the panel knows, or wait for the panel to offer one"
            : status.bus.lastTokenGrantAt === undefined
              ? `the panel never granted the token to address ${status.bus.address}; check that it has registered this gateway (see docs/troubleshooting.md)`
              : `discovery/poll did not complete: ${status.discovery.lastError ?? status.poll.lastError ?? "no reason recorded"}`;
      throw new BusCommandError(`no parameters after ${timeoutS} s: ${why}`);
    } finally {
      waiting.abort();
      stopProgress();
      linkFailure.cancel();
    }
    return await work(app);
  } finally {
    await app.stop();
  }
}
