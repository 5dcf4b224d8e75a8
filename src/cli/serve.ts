/** `gm3 serve` (the default): runs the gateway until SIGINT/SIGTERM, then stops gracefully. */

import { startBridges } from "../app/bridges.js";
import { startGatewayApp } from "../app/gateway-app.js";
import { describeSerialEndpoint, parseSerialPort } from "../config/index.js";
import { createLogger, logEvent } from "../log/index.js";
import { packageVersion } from "../version.js";
import { type CliCommand, ExitCode, UsageError } from "./command.js";
import { configOption, configOptionHelp, loadCliConfig } from "./config.js";

/** A stop that hangs (a stuck device) must not keep the service from exiting. */
const STOP_DEADLINE_MS = 10_000;

export const serveCommand: CliCommand = {
  name: "serve",
  summary: "run the gateway (the built-in simulator when no serial port is configured)",
  usage: "[--config <path>]",
  optionHelp: { ...configOptionHelp },
  options: { ...configOption },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got '${positionals[0]}')`);
    const loaded = loadCliConfig(values, io);
    const logger = createLogger(loaded.config);
    // Listen for the stop signals before starting anything: a signal that arrives while the
    // gateway starts (or just after it says so) must stop it gracefully, not kill it mid-write.
    const signal = new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    const app = await startGatewayApp({ loaded, logger, startBridges });
    const endpoint = parseSerialPort(loaded.config.serialPort);
    logEvent(logger, "gateway.started", {
      version: packageVersion,
      endpoint: endpoint.ok ? describeSerialEndpoint(endpoint.endpoint) : loaded.config.serialPort,
      apiUrl: app.apiUrl ?? "(disabled)",
    });
    logEvent(logger, "gateway.stopping", { signal: await signal });
    const stopStarted = Date.now();
    const deadline = new Promise<"timeout">((resolve) =>
      setTimeout(() => resolve("timeout"), STOP_DEADLINE_MS).unref(),
    );
    const result = await Promise.race([app.stop().then(() => "stopped" as const), deadline]);
    if (result === "timeout") {
      logger.error({}, `did not stop within ${STOP_DEADLINE_MS / 1000} s; exiting anyway`);
      return ExitCode.BUS_FAILURE;
    }
    logEvent(logger, "gateway.stopped", { durationMs: Date.now() - stopStarted });
    return ExitCode.OK;
  },
};
