/** Boolean, enumeration, free-text, secret, path and host kinds. */
import { isIP } from "node:net";
import { resolve } from "node:path";
import { fail, ok, type ParseOutcome, quote, type SettingKind, scalarText, yamlString } from "./kind.js";

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

export const booleanKind: SettingKind<boolean> = {
  allowed: "true/false (also 1/0, yes/no, on/off)",
  parse(raw) {
    if (typeof raw === "boolean") return ok(raw);
    const text = scalarText(raw)?.toLowerCase();
    if (text !== undefined && TRUE_WORDS.has(text)) return ok(true);
    if (text !== undefined && FALSE_WORDS.has(text)) return ok(false);
    return fail(`${quote(raw)} is not a boolean`);
  },
  format: String,
  toYaml: String,
};

/**
 * One word of a fixed list, case-insensitive. `aliases` maps extra spellings (lower case) to a
 * choice, e.g. Python's `warning` → `warn`.
 */
export function enumKind<const T extends string>(
  choices: readonly T[],
  aliases: Readonly<Record<string, T>> = {},
): SettingKind<T> {
  const aliasNote = Object.keys(aliases).length
    ? ` (also ${Object.entries(aliases)
        .map(([from, to]) => `${from}=${to}`)
        .join(", ")})`
    : "";
  return {
    allowed: `one of ${choices.join(", ")}${aliasNote}`,
    parse(raw) {
      const text = typeof raw === "string" ? raw.trim().toLowerCase() : undefined;
      const choice =
        text === undefined
          ? undefined
          : (choices.find((c) => c === text) ?? (Object.hasOwn(aliases, text) ? aliases[text] : undefined));
      return choice === undefined ? fail(`${quote(raw)} is not one of the choices`) : ok(choice);
    },
    format: String,
    toYaml: yamlString,
  };
}

export interface TextRules {
  allowed: string;
  /** Returns a problem, or undefined when the (trimmed) text is fine. */
  check(text: string): string | undefined;
}

/** A string checked by `rules`. YAML numbers are taken as their text. */
export function textKind(rules: TextRules): SettingKind<string> {
  return {
    allowed: rules.allowed,
    parse(raw) {
      const text = scalarText(raw);
      if (text === undefined || typeof raw === "boolean") return fail(`${quote(raw)} is not text`);
      const problem = rules.check(text);
      return problem === undefined ? ok(text) : fail(problem);
    },
    format: (value) => (value === "" ? '""' : value),
    toYaml: yamlString,
  };
}

/** An IP address or empty (off): the one peer trusted as Home Assistant's ingress proxy. */
export const optionalIpKind = textKind({
  allowed: "empty (off) or an IP address",
  check(text) {
    if (text === "" || isIP(text) !== 0) return undefined;
    return `${quote(text)} is not an IP address`;
  },
});

const PRINTABLE_NO_SPACE = /^[\x21-\x7e]+$/;

/**
 * A secret token (API keys). Empty = not set. Its value never appears in a message; it must fit in
 * an HTTP header, so printable ASCII without spaces.
 */
export const secretKind: SettingKind<string> = {
  allowed: "empty (off) or printable ASCII without spaces",
  parse(raw): ParseOutcome<string> {
    if (typeof raw !== "string" && typeof raw !== "number") return fail("is not text");
    const text = String(raw);
    if (text === "") return ok("");
    return PRINTABLE_NO_SPACE.test(text)
      ? ok(text)
      : fail("contains spaces or characters that cannot travel in an HTTP header (value not shown)");
  },
  format: (value) => (value === "" ? '""' : value),
  toYaml: yamlString,
};

/** A directory or file path; relative paths are resolved against the working directory. */
export const pathKind: SettingKind<string> = {
  allowed: "a path (relative to the working directory)",
  parse(raw) {
    const text = scalarText(raw);
    if (text === undefined || typeof raw !== "string") return fail(`${quote(raw)} is not a path`);
    if (text === "") return fail("is empty");
    return ok(text);
  },
  resolve: (value, context) => resolve(context.cwd, value),
  format: String,
  toYaml: yamlString,
};

/** A file path or empty (not set); relative paths are resolved against the working directory. */
export const optionalPathKind: SettingKind<string> = {
  allowed: "empty (not set) or a file path (relative to the working directory)",
  parse(raw) {
    const text = scalarText(raw);
    if (text === undefined || typeof raw !== "string") return fail(`${quote(raw)} is not a path`);
    return ok(text);
  },
  resolve: (value, context) => (value === "" ? "" : resolve(context.cwd, value)),
  format: (value) => (value === "" ? '""' : value),
  toYaml: yamlString,
};

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const HOST_MAX_LENGTH = 253;

export function isHostName(text: string): boolean {
  return text.length <= HOST_MAX_LENGTH && text.split(".").every((label) => HOST_LABEL.test(label));
}

/** A listen address: an IPv4/IPv6 literal or a host name. */
export const hostKind = textKind({
  allowed: "an IP address (0.0.0.0 = all interfaces, 127.0.0.1 = this machine only) or a host name",
  check(text) {
    if (isIP(text) !== 0 || isHostName(text)) return undefined;
    return `${quote(text)} is not an IP address or host name`;
  },
});
