/** Logging: pino logger factory, the typed event table, secret redaction. */
export type { Logger } from "pino";
export { logLoadedConfig } from "./config-events.js";
export {
  type LogEventFields,
  type LogEventName,
  logEvent,
  logEventNames,
  logEventSpecs,
  MAX_LOGGED_BYTES,
  rawHex,
  type WriteOutcome,
} from "./events.js";
export { createLogger, type LogDestination, type LoggerSettings } from "./logger.js";
export { createScrubber, REDACTED, REDACTED_PATHS, type Scrubber } from "./redact.js";
