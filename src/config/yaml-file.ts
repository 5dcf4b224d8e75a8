/** Reading config.yaml: a flat mapping of lower-case setting names to values. */
import { readFileSync } from "node:fs";
import { loadOnDemand } from "../util/optional-module.js";
import { ConfigError } from "./errors.js";

export const CONFIG_FILE_SETTING = "CONFIG_FILE";

function unreadable(origin: string, error: NodeJS.ErrnoException): ConfigError {
  const reason =
    error.code === "ENOENT"
      ? "no such file"
      : error.code === "EISDIR"
        ? "it is a directory"
        : error.code === "EACCES"
          ? "permission denied"
          : error.message;
  return new ConfigError([
    {
      setting: CONFIG_FILE_SETTING,
      origin,
      problem: `cannot read the configuration file: ${reason}`,
      allowed: "the path of a readable YAML file (--config <path> or CONFIG_FILE)",
    },
  ]);
}

/** The file's settings as plain values keyed by YAML key; throws ConfigError when it cannot be used. */
/** `namedBy` says who named the file (--config, CONFIG_FILE, …), for messages. */
export function readConfigFile(path: string, namedBy: string): Record<string, unknown> {
  const origin = `${path}, named by ${namedBy}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw unreadable(origin, error as NodeJS.ErrnoException);
  }
  const { parseDocument } = loadOnDemand<typeof import("yaml")>("yaml");
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [firstError] = document.errors;
  if (firstError) {
    throw new ConfigError([
      {
        setting: CONFIG_FILE_SETTING,
        origin,
        problem: `not valid YAML: ${firstError.message.trim()}`,
      },
    ]);
  }
  const content: unknown = document.toJS();
  if (content === null || content === undefined) return {};
  if (typeof content !== "object" || Array.isArray(content)) {
    throw new ConfigError([
      {
        setting: CONFIG_FILE_SETTING,
        origin,
        problem:
          "the file must be a mapping of settings (e.g. 'serial_port: /dev/ttyUSB0'), not a list or a value",
      },
    ]);
  }
  return content as Record<string, unknown>;
}
