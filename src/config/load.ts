/**
 * Building the effective configuration. Sources, later winning: defaults < config.yaml <
 * environment (primary name, else an alias) < overrides (e.g. command-line flags).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { crossChecks } from "./checks.js";
import { ConfigError, type ConfigIssue } from "./errors.js";
import type { ParseContext } from "./kinds/kind.js";
import {
  type EnvName,
  type GatewayConfig,
  type SettingKey,
  settingKeys,
  settingsSchema,
  specOf,
  yamlKeyOf,
} from "./schema.js";
import { describeSource, type SettingSource } from "./sources.js";
import { closestName, editDistance } from "./suggest.js";
import { CONFIG_FILE_SETTING, readConfigFile } from "./yaml-file.js";

/** Read from the working directory when neither --config nor CONFIG_FILE names a file. */
export const DEFAULT_CONFIG_FILE = "config.yaml";
/** The Python gateway's default port: its users may rely on it without ever setting it. */
const PYTHON_GATEWAY_DEFAULT_PORT = "/dev/econext";
/** Python gateway features this gateway does not have (yet): ignored with a specific warning. */
const UNSUPPORTED_PYTHON_PREFIXES = ["ECONEXT_CLOCK_SYNC_"];
/** Python gateway settings with no counterpart here, and why none is needed: ignored with the reason. */
const PYTHON_SETTINGS_NOT_NEEDED: Readonly<Record<string, string>> = {
  ECONEXT_COEXISTENCE_MODE:
    "the Python gateway's coexistence mode (sharing the bus with an ecoNET300) is not needed here, because this gateway always shares it: " +
    "with GM3_SOURCE_ADDRESS=auto it claims a free address in 105–130, never the ecoNET300's 131, and (with TOKEN_REQUIRED, the default) transmits only while the panel grants it the token",
};

export type Environment = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** Environment variables (default: process.env). */
  env?: Environment;
  /** Config file path (from --config); wins over CONFIG_FILE. Relative to `cwd`. */
  configFile?: string;
  /** Values that win over every other source, as strings in environment form. */
  overrides?: Partial<Record<EnvName, string>>;
  /**
   * How messages name where an override came from, e.g. `--port` for SERIAL_PORT set by a
   * command-line flag (default: "override of SERIAL_PORT").
   */
  overrideNames?: Partial<Record<EnvName, string>>;
  /** Directory for relative paths and the default config.yaml (default: process.cwd()). */
  cwd?: string;
  /** Whether a path exists (default: fs.existsSync); used for the /dev/econext hint. */
  pathExists?: (path: string) => boolean;
}

export interface LoadedConfig {
  readonly config: GatewayConfig;
  readonly sources: Readonly<Record<SettingKey, SettingSource>>;
  /** Things worth telling the operator that do not stop start-up. */
  readonly warnings: readonly string[];
  /** Absolute path of the config file that was read, if any. */
  readonly configFile: string | undefined;
}

interface FileChoice {
  path: string;
  /** What named the file: --config, CONFIG_FILE, or the working directory. */
  namedBy: string;
}

function chooseConfigFile(options: LoadConfigOptions, env: Environment, cwd: string): FileChoice | undefined {
  if (options.configFile !== undefined)
    return { path: resolve(cwd, options.configFile), namedBy: "--config" };
  const fromEnv = env[CONFIG_FILE_SETTING];
  if (fromEnv !== undefined && fromEnv !== "")
    return { path: resolve(cwd, fromEnv), namedBy: `environment variable ${CONFIG_FILE_SETTING}` };
  const implicit = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(implicit) ? { path: implicit, namedBy: "the working directory" } : undefined;
}

const formerNames = settingKeys.flatMap((key) => {
  const former = specOf(key).formerName;
  return former === undefined ? [] : [former];
});
const allYamlKeys = [...settingKeys.map(yamlKeyOf), ...formerNames.map((name) => name.toLowerCase())];
const knownEnvNames = new Set([
  CONFIG_FILE_SETTING,
  ...settingKeys.flatMap((key) => [specOf(key).env, ...(specOf(key).aliases ?? [])]),
  ...formerNames,
]);
/**
 * The first words of every setting's name and alias (`SERIAL_`, `GM3_`, `MQTT_`, `ECONEXT_`, …): a
 * variable that starts with one of them and is not a setting is a typo, not someone else's variable.
 */
const OWN_ENV_PREFIXES = new Set(
  [...knownEnvNames].map((name) => name.slice(0, name.indexOf("_") + 1)).filter((prefix) => prefix !== ""),
);
/** Set by the system with one of our prefixes: systemd's CacheDirectory= sets CACHE_DIRECTORY. */
const FOREIGN_ENV_NAMES = new Set(["CACHE_DIRECTORY"]);

function unknownFileKeys(values: Record<string, unknown>, path: string): ConfigIssue[] {
  return Object.keys(values)
    .filter((key) => !allYamlKeys.includes(key))
    .map((key) => {
      const suggestion = closestName(key, allYamlKeys) ?? aliasTarget(key);
      return {
        setting: key,
        origin: path,
        problem: `unknown setting${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
        allowed: "the lower-case setting names listed by 'gm3 config' and in docs/configuration.md",
      };
    });
}

/** `econext_serial_port` in YAML → `serial_port`. */
function aliasTarget(yamlKey: string): string | undefined {
  const key = settingKeys.find((k) =>
    specOf(k).aliases?.some((a) => a.toLowerCase() === yamlKey.toLowerCase()),
  );
  return key === undefined ? undefined : yamlKeyOf(key);
}

/** Ours by its prefix, or one edit away from a setting's name (`SERAL_PORT`, `READONLY`). */
function looksLikeOurs(name: string, candidates: readonly string[]): boolean {
  if (knownEnvNames.has(name) || FOREIGN_ENV_NAMES.has(name)) return false;
  const prefix = name.slice(0, name.indexOf("_") + 1);
  if (prefix !== "" && OWN_ENV_PREFIXES.has(prefix)) return true;
  const upper = name.toUpperCase();
  return candidates.some((known) => editDistance(upper, known) <= 1);
}

function unknownEnvWarnings(env: Environment): string[] {
  const candidates = [...knownEnvNames];
  return Object.keys(env)
    .filter((name) => looksLikeOurs(name, candidates))
    .map((name) => {
      const notNeeded = PYTHON_SETTINGS_NOT_NEEDED[name];
      if (notNeeded !== undefined) return `${name} is ignored: ${notNeeded}`;
      if (UNSUPPORTED_PYTHON_PREFIXES.some((p) => name.startsWith(p)))
        return `${name} is ignored: this gateway has no such feature yet`;
      const suggestion = closestName(name, candidates);
      return `Unknown environment variable ${name} is ignored${suggestion ? `; did you mean ${suggestion}?` : ""}`;
    });
}

interface Candidate {
  raw: unknown;
  origin: SettingSource;
}

/**
 * Every value given for `key`, the winning one first: override, environment name, aliases (in their
 * order), file. All are validated, so a bad value in the file is reported even while the
 * environment overrides it (otherwise `gm3 config` and `serve` would disagree about the same file).
 */
function candidatesOf(
  key: SettingKey,
  env: Environment,
  fileValues: Record<string, unknown>,
  filePath: string | undefined,
  overrides: Partial<Record<string, string>>,
  overrideNames: Partial<Record<string, string>>,
  warnings: string[],
): Candidate[] {
  const spec = specOf(key);
  const candidates: Candidate[] = [];
  const override = overrides[spec.env];
  if (override !== undefined)
    candidates.push({
      raw: override,
      origin: { source: "override", name: overrideNames[spec.env] ?? spec.env },
    });
  const primary = env[spec.env];
  if (primary !== undefined) candidates.push({ raw: primary, origin: { source: "env", name: spec.env } });
  const aliasesSet = (spec.aliases ?? []).filter((alias) => env[alias] !== undefined);
  for (const alias of aliasesSet)
    candidates.push({ raw: env[alias], origin: { source: "alias", name: alias } });
  if (primary !== undefined) {
    for (const alias of aliasesSet) warnings.push(`${alias} is ignored: ${spec.env} is also set and wins`);
  } else {
    const [first, ...ignored] = aliasesSet;
    for (const other of ignored)
      warnings.push(`${other} is ignored: ${first} (also an alias of ${spec.env}) wins`);
  }
  const former = spec.formerName;
  const renamed = (name: string) =>
    `${name} is the former name of ${spec.env} (${yamlKeyOf(key)}); it is still read, but rename it`;
  if (former !== undefined && env[former] !== undefined) {
    warnings.push(renamed(former));
    candidates.push({ raw: env[former], origin: { source: "alias", name: former } });
  }
  // `key:` with nothing after it is YAML null: treated as not set.
  const present = (value: unknown) => filePath !== undefined && value !== undefined && value !== null;
  const fromFile = fileValues[yamlKeyOf(key)];
  if (present(fromFile)) candidates.push({ raw: fromFile, origin: { source: "file", name: filePath! } });
  const fromFormer = former === undefined ? undefined : fileValues[former.toLowerCase()];
  if (former !== undefined && present(fromFormer)) {
    warnings.push(renamed(former.toLowerCase()));
    candidates.push({ raw: fromFormer, origin: { source: "file", name: filePath! } });
  }
  return candidates;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The effective configuration, where each value came from, and warnings.
 * Throws ConfigError (naming every bad setting, its value, what is allowed and its origin).
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const context: ParseContext = { cwd };
  const file = chooseConfigFile(options, env, cwd);
  const fileValues = file ? readConfigFile(file.path, file.namedBy) : {};
  const issues: ConfigIssue[] = file ? unknownFileKeys(fileValues, file.path) : [];
  const warnings: string[] = [];

  const values: Record<string, unknown> = {};
  const sources = {} as Record<SettingKey, SettingSource>;
  for (const key of settingKeys) {
    const spec = specOf(key);
    const candidates = candidatesOf(
      key,
      env,
      fileValues,
      file?.path,
      options.overrides ?? {},
      options.overrideNames ?? {},
      warnings,
    );
    sources[key] = candidates[0]?.origin ?? { source: "default", name: "default" };
    let value = spec.default;
    let valid = true;
    for (const [rank, candidate] of candidates.entries()) {
      const parsed = spec.kind.parse(candidate.raw, context);
      if (parsed.ok) {
        if (rank === 0) value = parsed.value;
        continue;
      }
      valid = false;
      issues.push({
        setting: spec.env,
        problem: parsed.problem,
        allowed: spec.kind.allowed,
        origin: describeSource(candidate.origin, { env: spec.env, yamlKey: yamlKeyOf(key) }),
      });
    }
    if (!valid) continue;
    values[key] = spec.kind.resolve ? spec.kind.resolve(value, context) : value;
  }
  if (issues.length) throw new ConfigError(issues);

  const config = deepFreeze(values as GatewayConfig);
  for (const rule of crossChecks) {
    const problem = rule.check(config, sources);
    if (problem === undefined) continue;
    if (rule.severity === "warning") {
      warnings.push(problem);
      continue;
    }
    issues.push({
      setting: rule.settings.map((key) => settingsSchema[key].env).join(" and "),
      problem,
      origin: rule.settings
        .map((key) => {
          const env = settingsSchema[key].env;
          return `${env}: ${describeSource(sources[key], { env, yamlKey: yamlKeyOf(key) })}`;
        })
        .join("; "),
    });
  }
  if (issues.length) throw new ConfigError(issues);

  warnings.push(...unknownEnvWarnings(env));
  const pathExists = options.pathExists ?? existsSync;
  if (sources.serialPort.source === "default" && pathExists(PYTHON_GATEWAY_DEFAULT_PORT)) {
    warnings.push(
      `SERIAL_PORT is not set, so the built-in simulator runs, but ${PYTHON_GATEWAY_DEFAULT_PORT} exists (the Python gateway's default); set SERIAL_PORT=${PYTHON_GATEWAY_DEFAULT_PORT} to use it`,
    );
  }
  return {
    config,
    sources: Object.freeze(sources),
    warnings: Object.freeze(warnings),
    configFile: file?.path,
  };
}
