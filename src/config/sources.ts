/** Where a setting's value came from. */

export type ConfigSource = "default" | "file" | "env" | "alias" | "override";

export interface SettingSource {
  readonly source: ConfigSource;
  /**
   * `default`, the file path, the environment variable (or alias) name, or for an override the
   * overridden name or what set it (`--port`).
   */
  readonly name: string;
}

/** For messages: "environment variable API_PORT", "/etc/gm3/config.yaml (api_port)", … */
export function describeSource(origin: SettingSource, setting: { env: string; yamlKey: string }): string {
  switch (origin.source) {
    case "default":
      return "the default";
    case "file":
      return `${origin.name} (${setting.yamlKey})`;
    case "env":
      return `environment variable ${origin.name}`;
    case "alias":
      return `environment variable ${origin.name} (alias of ${setting.env})`;
    case "override":
      return origin.name === setting.env ? `override of ${origin.name}` : origin.name;
  }
}
