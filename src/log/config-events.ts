/** Logging what the configuration is at start-up: the file, the changed settings, the warnings. */
import type { Logger } from "pino";
import type { LoadedConfig } from "../config/load.js";
import { displayValue } from "../config/present.js";
import { settingKeys, settingsSchema } from "../config/schema.js";
import { logEvent } from "./events.js";

export function logLoadedConfig(logger: Logger, loaded: LoadedConfig): void {
  const changed: Record<string, unknown> = {};
  for (const key of settingKeys) {
    if (loaded.sources[key].source !== "default")
      changed[settingsSchema[key].env] = displayValue(key, loaded.config[key] as never);
  }
  logEvent(logger, "config.loaded", { configFile: loaded.configFile ?? null, changed });
  for (const warning of loaded.warnings) logEvent(logger, "config.warning", { warning });
}
