/** `gm3 config`: the effective configuration and where each value came from; `--config` for every command. */
import {
  configReport,
  formatConfigReport,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from "../config/index.js";
import { type CliCommand, type CliIo, ExitCode, type OptionSpec, UsageError } from "./command.js";

/** The `--config <path>` option; spread into a command's `options`. */
export const configOption: OptionSpec = { config: { type: "string", short: "c" } };

/** Help line for `--config`; spread into a command's `optionHelp`. */
export const configOptionHelp: Readonly<Record<string, string>> = {
  "-c, --config <path>": "configuration file (YAML); default: $CONFIG_FILE, else ./config.yaml if present",
};

/**
 * Loads the configuration for a command: `--config` from its parsed options, the environment and
 * working directory from `io`, and settings given by other flags (`flags`, named by their flag). Throws ConfigError, which the dispatcher reports with exit code 2.
 */
export function loadCliConfig(
  values: Record<string, unknown>,
  io: CliIo,
  flags: Pick<LoadConfigOptions, "overrides" | "overrideNames"> = {},
): LoadedConfig {
  const configFile = typeof values.config === "string" ? values.config : undefined;
  return loadConfig({ env: io.env ?? process.env, cwd: io.cwd ?? process.cwd(), configFile, ...flags });
}

export const configCommand: CliCommand = {
  name: "config",
  summary: "show the effective configuration and where each value came from",
  usage: "[--json] [--config <path>]",
  optionHelp: {
    "--json":
      "print as JSON: { configFile, settings: { ENV_NAME: { key, yamlKey, value, text, source, name } }, warnings }",
    ...configOptionHelp,
  },
  options: { json: { type: "boolean" }, ...configOption },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`config takes no arguments (got '${positionals[0]}')`);
    const loaded = loadCliConfig(values, io);
    io.stdout.write(
      values.json === true
        ? `${JSON.stringify(configReport(loaded), null, 2)}\n`
        : `${formatConfigReport(loaded)}\n`,
    );
    return ExitCode.OK;
  },
};
