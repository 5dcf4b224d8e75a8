/** Configuration: one schema for every setting; loading, validation, presentation, docs. */
export { ConfigError, type ConfigIssue } from "./errors.js";
export type { AutoAddress } from "./kinds/address.js";
export { type MqttPublishSelection, UID_PLACEHOLDER } from "./kinds/mqtt.js";
export { ANY_ORIGIN, maskUrlPassword } from "./kinds/network.js";
export {
  DEFAULT_CONFIG_FILE,
  type Environment,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from "./load.js";
export {
  type ConfigReport,
  type ConfigReportEntry,
  configReport,
  displayValue,
  formatConfigReport,
  maskedConfig,
  maskedValue,
  SECRET_MASK,
} from "./present.js";
export {
  type EnvName,
  type GatewayConfig,
  SETTING_GROUPS,
  type SettingGroup,
  type SettingKey,
  type SettingSpec,
  settingKeys,
  settingsSchema,
  yamlKeyOf,
} from "./schema.js";
export {
  describeSerialEndpoint,
  parseSerialPort,
  type SerialEndpoint,
  type SerialEndpointParse,
} from "./serial-port.js";
export { type ConfigSource, describeSource, type SettingSource } from "./sources.js";
