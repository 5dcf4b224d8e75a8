/**
 * Which failures to open the bus link are configuration errors, and which ones no retry cures.
 * At start-up, a serial port that another program holds (serialport locks the tty it opens, so a
 * second gateway is refused) or a path that is not a serial device is a mistake in SERIAL_PORT: the
 * command stops with exit code 2 before anything is sent. A missing device or a refused TCP
 * connection is not: an adapter gets plugged in, ser2net restarts — the service keeps retrying.
 */
import { ConfigError, describeSource, type LoadedConfig } from "../config/index.js";
import type { LinkError, LinkErrorCode } from "../transport/link.js";
import type { LinkSupervisor } from "../transport/link-supervisor.js";

/** Start-up link failures that mean SERIAL_PORT is wrong for this machine as it is. */
const CONFIGURATION_LINK_ERRORS: ReadonlySet<LinkErrorCode> = new Set(["busy", "not-a-tty"]);

/**
 * Failures a one-shot command (get, set, scan) stops at instead of waiting out its timeout: a
 * device that is not there or not permitted does not appear by waiting a minute. A refused or
 * timed-out TCP connection may (ser2net restarting), so those are waited for.
 */
export const PERMANENT_LINK_ERRORS: ReadonlySet<LinkErrorCode> = new Set([
  "not-found",
  "permission-denied",
  ...CONFIGURATION_LINK_ERRORS,
]);

/** The ConfigError for a link failure that is a configuration error, else undefined. */
export function linkConfigurationError(
  error: LinkError,
  loaded: Pick<LoadedConfig, "sources">,
): ConfigError | undefined {
  if (!CONFIGURATION_LINK_ERRORS.has(error.code)) return undefined;
  return new ConfigError([
    {
      setting: "SERIAL_PORT",
      origin: describeSource(loaded.sources.serialPort, { env: "SERIAL_PORT", yamlKey: "serial_port" }),
      problem: error.hint ? `${error.message}; ${error.hint}` : error.message,
    },
  ]);
}

/** The outcome of the supervisor's first attempt to open the link: undefined when it came up. */
export function firstOpenAttempt(supervisor: LinkSupervisor): Promise<LinkError | undefined> {
  return new Promise((resolve) => {
    const up = () => {
      supervisor.off("down", down);
      resolve(undefined);
    };
    const down = ({ error }: { error: LinkError }) => {
      supervisor.off("up", up);
      resolve(error);
    };
    supervisor.once("up", up);
    supervisor.once("down", down);
  });
}
