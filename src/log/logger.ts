/**
 * The gateway's logger: pino, JSON lines (for services and collectors), readable text with
 * LOG_FORMAT=pretty; the default, auto, picks text when a person is watching a terminal.
 * Pretty output is formatted in-process and written synchronously (no worker thread), so a line is
 * on its way before the call returns and nothing is lost when the process exits.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { GatewayConfig } from "../config/schema.js";
import { loadOnDemand } from "../util/optional-module.js";
import { createScrubber, REDACTED, REDACTED_PATHS, type Scrubber, scrubDeep, urlPassword } from "./redact.js";

type PinoPretty = typeof import("pino-pretty");

/** The settings the logger needs; a whole GatewayConfig will do. */
export type LoggerSettings = Pick<GatewayConfig, "logLevel" | "logFormat"> &
  Partial<Pick<GatewayConfig, "apiKey" | "apiReadKey" | "mqttUrl">>;

/** Where lines go: anything with `write(line)` (a pino destination, a file stream, a test buffer). */
export type LogDestination = DestinationStream | NodeJS.WritableStream;

const PRETTY_TIME_FORMAT = "SYS:yyyy-mm-dd HH:MM:ss.l";

function prettyStream(destination: LogDestination, colorize: boolean): DestinationStream {
  const format = loadOnDemand<PinoPretty>("pino-pretty").prettyFactory({
    colorize,
    translateTime: PRETTY_TIME_FORMAT,
    ignore: "pid,hostname",
    singleLine: true,
  });
  return { write: (line: string) => void destination.write(format(line)) };
}

/** pino's error serializer returns a non-plain object: copy it so its text can be scrubbed. */
function scrubError(error: Error, scrub: Scrubber): unknown {
  const serialized: unknown = pino.stdSerializers.err(error);
  return scrubDeep(
    serialized !== null && typeof serialized === "object" ? { ...serialized } : serialized,
    scrub,
  );
}

/** The error pino would take its message from: the argument itself, or its `err` field. */
function errorIn(argument: unknown): Error | undefined {
  if (argument instanceof Error) return argument;
  const field =
    argument !== null && typeof argument === "object" ? (argument as { err?: unknown }).err : undefined;
  return field instanceof Error ? field : undefined;
}

/**
 * Creates the logger. Without `destination`, lines go to stdout (synchronously); pretty output is
 * coloured only when stdout is a colour terminal.
 */
export function createLogger(settings: LoggerSettings, destination?: LogDestination): Logger {
  const scrub = createScrubber([
    settings.apiKey,
    settings.apiReadKey,
    settings.mqttUrl ? urlPassword(settings.mqttUrl) : undefined,
  ]);
  const pretty =
    settings.logFormat === "pretty" ||
    (settings.logFormat === "auto" && destination === undefined && process.stdout.isTTY === true);
  const options: LoggerOptions = {
    level: settings.logLevel,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
    serializers: { err: (error: Error) => scrubError(error, scrub) },
    formatters: {
      // JSON lines say "level":"warn" (readable, greppable); pino-pretty wants the numbers.
      ...(pretty ? {} : { level: (label: string) => ({ level: label }) }),
      log: (object) => scrubDeep(object, scrub) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === "string" ? scrub(arg) : arg)) as typeof args;
        // Without a message pino takes the error's own message, after this hook: supply it scrubbed.
        const error = args.length === 1 ? errorIn(args[0]) : undefined;
        if (error) scrubbed.push(scrub(error.message) as never);
        method.apply(this, scrubbed);
      },
    },
  };
  const target = destination ?? pino.destination({ dest: 1, sync: true });
  const colorize =
    pretty &&
    destination === undefined &&
    process.stdout.isTTY === true &&
    loadOnDemand<PinoPretty>("pino-pretty").isColorSupported;
  return pino(options, pretty ? prettyStream(target, colorize) : (target as DestinationStream));
}
