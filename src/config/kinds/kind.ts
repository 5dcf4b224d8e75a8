/**
 * A setting's value kind: how a raw value (an environment string or a YAML scalar) becomes a typed
 * value, how it is described in errors and docs, and how it is shown back to the user.
 */

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface ParseContext {
  /** Directory relative paths are resolved against. */
  cwd: string;
}

export interface SettingKind<T> {
  /** What is allowed, for error messages and the docs table (e.g. `integer 1–10`). */
  readonly allowed: string;
  /** Turns a raw value into the typed value, or says what is wrong with it. */
  parse(raw: unknown, context: ParseContext): ParseOutcome<T>;
  /** The value as a user would write it (env/YAML form), e.g. `2 s` for 2000 ms. */
  format(value: T): string;
  /** The value as a YAML literal for the example file (e.g. `2.0`, `""`, `true`). */
  toYaml(value: T): string;
  /** Final step applied to every value, defaults included (e.g. making a path absolute). */
  resolve?(value: T, context: ParseContext): T;
}

export function ok<T>(value: T): ParseOutcome<T> {
  return { ok: true, value };
}

export function fail<T>(problem: string): ParseOutcome<T> {
  return { ok: false, problem };
}

/** How a raw value is quoted inside an error message. */
export function quote(raw: unknown): string {
  if (typeof raw === "string") return JSON.stringify(raw);
  if (Array.isArray(raw)) return "a list";
  if (raw !== null && typeof raw === "object") return "a mapping";
  return String(raw);
}

/** Raw scalars as text: env values are strings; YAML may give numbers or booleans. */
export function scalarText(raw: unknown): string | undefined {
  if (typeof raw === "string") return raw.trim();
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  return undefined;
}

export function yamlString(value: string): string {
  return JSON.stringify(value);
}
