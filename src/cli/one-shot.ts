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

/** Link errors that retrying will not cure: the command stops at once instead of waiting out --timeout. */
const PERMANENT_LINK_ERRORS: ReadonlySet<string> = new Set(["not-found", "permission-denied", "not-a-tty"]);

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
  const linkFailure = permanentLinkFailure(app);
  try {
    try {
      await Promise.race([app.core.waitForData(timeoutS * 1000, { polled: true }), linkFailure.failed]);
    } catch (error) {
      if (error instanceof BusCommandError) throw error;
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
      linkFailure.cancel();
    }
    return await work(app);
  } finally {
    await app.stop();
  }
}
