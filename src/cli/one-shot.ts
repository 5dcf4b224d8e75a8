/**
 * A gateway for one command (`get`, `set`): joins the bus with the configured (or persisted)
 * address, discovers and polls once, does its work, gives the token back and leaves.
 */
import { type GatewayApp, startGatewayApp } from "../app/gateway-app.js";
import { createLogger } from "../log/index.js";
import { BusCommandError, type CliIo, UsageError } from "./command.js";
import { loadCliConfig } from "./config.js";
import { showDiscoveryProgress } from "./progress.js";

export const oneShotOptions = {
  timeout: { type: "string" },
  verbose: { type: "boolean" },
} as const;

export const oneShotOptionHelp: Readonly<Record<string, string>> = {
  "--timeout <seconds>": "how long to wait for the token, discovery and the first poll (default 120)",
  "--verbose": "log what the gateway does (to stderr)",
};

const DEFAULT_TIMEOUT_S = 120;

export async function withGateway<T>(
  values: Record<string, unknown>,
  io: CliIo,
  work: (app: GatewayApp) => Promise<T>,
): Promise<T> {
  const loaded = loadCliConfig(values, io);
  const timeoutS = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, got "${String(values.timeout)}"`);
  }
  const logger = createLogger(
    { ...loaded.config, logLevel: values.verbose === true ? "info" : "error", logFormat: "pretty" },
    io.stderr,
  );
  const app = await startGatewayApp({ loaded, logger });
  const stopProgress = showDiscoveryProgress(app.core, io.stderr);
  try {
    try {
      await app.core.waitForData(timeoutS * 1000, { polled: true });
    } catch {
      const status = app.core.status();
      const why =
        status.link.state !== "up"
          ? `the bus link is ${status.link.state}${status.link.lastError ? `: ${status.link.lastError.message}${status.link.lastError.hint ? ` (${status.link.lastError.hint})` : ""}` : ""}`
          : status.bus.address === undefined
            ? "the gateway has no bus address yet: set GM3_SOURCE_ADDRESS to the address the panel knows, or wait for the panel to offer one"
            : status.bus.lastTokenGrantAt === undefined
              ? `the panel never granted the token to address ${status.bus.address}; check that it has registered this gateway (see README: Troubleshooting)`
              : `discovery/poll did not complete: ${status.discovery.lastError ?? status.poll.lastError ?? "no reason recorded"}`;
      throw new BusCommandError(`no parameters after ${timeoutS} s: ${why}`);
    } finally {
      stopProgress();
    }
    return await work(app);
  } finally {
    await app.stop();
  }
}
