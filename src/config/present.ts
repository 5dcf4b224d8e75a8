/** Showing a configuration to people: masked secrets, values in the form users write them. */
import { maskUrlPassword, PASSWORD_MASK } from "./kinds/network.js";
import type { LoadedConfig } from "./load.js";
import {
  type EnvName,
  type GatewayConfig,
  SETTING_GROUPS,
  type SettingKey,
  settingKeys,
  specOf,
  yamlKeyOf,
} from "./schema.js";
import type { ConfigSource } from "./sources.js";

export const SECRET_MASK = PASSWORD_MASK;

/** The value with secrets masked (set secrets become the mask; unset ones stay empty). */
export function maskedValue<K extends SettingKey>(key: K, value: GatewayConfig[K]): GatewayConfig[K] {
  const secret = specOf(key).secret;
  if (secret === "value" && typeof value === "string" && value !== "") return SECRET_MASK as GatewayConfig[K];
  if (secret === "url-password" && typeof value === "string")
    return maskUrlPassword(value) as GatewayConfig[K];
  return value;
}

/** The whole configuration with secrets masked: safe to log or print. */
export function maskedConfig(config: GatewayConfig): Record<SettingKey, unknown> {
  return Object.fromEntries(settingKeys.map((key) => [key, maskedValue(key, config[key])])) as Record<
    SettingKey,
    unknown
  >;
}

function isEmpty(value: unknown): boolean {
  return value === "" || (Array.isArray(value) && value.length === 0);
}

/** The value as a user would write it (`2 s`, `true`, `""`), masked, with the meaning of empty. */
export function displayValue<K extends SettingKey>(key: K, value: GatewayConfig[K]): string {
  const spec = specOf(key);
  const text = spec.kind.format(maskedValue(key, value));
  return isEmpty(value) && spec.emptyMeaning ? `${text} (${spec.emptyMeaning})` : text;
}

export interface ConfigReportEntry {
  key: SettingKey;
  yamlKey: string;
  /** The typed value (durations in ms), secrets masked. */
  value: unknown;
  /** The value as written in env/YAML form, secrets masked. */
  text: string;
  source: ConfigSource;
  /** `default`, the file path, or the environment variable (or alias) name. */
  name: string;
}

export interface ConfigReport {
  configFile: string | null;
  settings: Record<EnvName, ConfigReportEntry>;
  warnings: string[];
}

/** What `gm3 config --json` prints. */
export function configReport(loaded: LoadedConfig): ConfigReport {
  const settings = {} as Record<EnvName, ConfigReportEntry>;
  for (const key of settingKeys) {
    const value = loaded.config[key];
    settings[specOf(key).env as EnvName] = {
      key,
      yamlKey: yamlKeyOf(key),
      value: maskedValue(key, value),
      text: displayValue(key, value),
      source: loaded.sources[key].source,
      name: loaded.sources[key].name,
    };
  }
  return { configFile: loaded.configFile ?? null, settings, warnings: [...loaded.warnings] };
}

function sourceText(key: SettingKey, loaded: LoadedConfig): string {
  const { source, name } = loaded.sources[key];
  switch (source) {
    case "default":
      return "default";
    case "file":
      return `file ${name}`;
    case "env":
      return `env ${name}`;
    case "alias":
      return `env ${name} (alias of ${specOf(key).env})`;
    case "override":
      return `override ${name}`;
  }
}

const NAME_WIDTH = Math.max(...settingKeys.map((key) => specOf(key).env.length)) + 2;
const VALUE_WIDTH = 34;

/** What `gm3 config` prints: settings by group, value and origin, then warnings. */
export function formatConfigReport(loaded: LoadedConfig): string {
  const lines = [
    `Configuration file: ${loaded.configFile ?? "none (use --config <path> or CONFIG_FILE, or create ./config.yaml)"}`,
  ];
  for (const group of SETTING_GROUPS) {
    lines.push("", group);
    for (const key of settingKeys.filter((k) => specOf(k).group === group)) {
      const value = displayValue(key, loaded.config[key]);
      const padded = value.length < VALUE_WIDTH ? value.padEnd(VALUE_WIDTH) : `${value}  `;
      lines.push(`  ${specOf(key).env.padEnd(NAME_WIDTH)}${padded}${sourceText(key, loaded)}`);
    }
  }
  if (loaded.warnings.length) {
    lines.push("", "Warnings:", ...loaded.warnings.map((w) => `  ! ${w}`));
  }
  return lines.join("\n");
}
