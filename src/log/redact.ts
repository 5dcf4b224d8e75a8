/**
 * Keeping secrets out of logs. Two layers: pino's path redaction for fields that are secret by name
 * (`apiKey`, `authorization`, …), and a value scrubber for secrets that end up inside text — the
 * configured API keys, the MQTT password, any `scheme://user:password@` URL, `Bearer <token>`, and
 * a `key=` query parameter (the WebSocket endpoint's way to send a key from a browser).
 */

export const REDACTED = "[redacted]";

/** Field paths pino censors wherever they appear (one level of nesting, plus request headers). */
export const REDACTED_PATHS: readonly string[] = [
  "apiKey",
  "apiReadKey",
  "password",
  "authorization",
  "*.apiKey",
  "*.apiReadKey",
  "*.password",
  "*.authorization",
  'headers["x-api-key"]',
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "request.headers.authorization",
  'request.headers["x-api-key"]',
];

/** Secrets shorter than this are not searched for inside text (they would mangle ordinary words). */
const MIN_SCRUBBED_SECRET_LENGTH = 4;
/** Deeper structures are logged as they are (events are flat; this only bounds the walk). */
const MAX_SCRUB_DEPTH = 6;

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]+@/gi;
const BEARER_TOKEN = /(\bBearer\s+)[^\s"',;]+/gi;
/** `?key=…` / `&key=…`: the WebSocket endpoint accepts the API key in the query (browsers cannot set headers). */
const QUERY_KEY = /([?&]key=)[^&#\s"']+/gi;

export type Scrubber = (text: string) => string;

/** The password of a URL, if it has one (to be scrubbed from text as a plain value too). */
export function urlPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password === "" ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

export function createScrubber(secrets: readonly (string | undefined)[]): Scrubber {
  const values = [
    ...new Set(secrets.filter((s): s is string => s !== undefined && s.length >= MIN_SCRUBBED_SECRET_LENGTH)),
  ].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text
      .replace(URL_PASSWORD, `$1${REDACTED}@`)
      .replace(BEARER_TOKEN, `$1${REDACTED}`)
      .replace(QUERY_KEY, `$1${REDACTED}`);
    for (const secret of values) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    return result;
  };
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every string scrubbed; plain objects and arrays are walked, anything else
 * (Errors, Buffers, class instances) is returned as is. Unchanged values keep their identity.
 */
export function scrubDeep(value: unknown, scrub: Scrubber, depth = 0): unknown {
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object" || depth >= MAX_SCRUB_DEPTH) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const copy = value.map((item) => {
      const scrubbed = scrubDeep(item, scrub, depth + 1);
      changed ||= scrubbed !== item;
      return scrubbed;
    });
    return changed ? copy : value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const scrubbed = scrubDeep(item, scrub, depth + 1);
    if (scrubbed !== item) {
      copy ??= { ...value };
      copy[key] = scrubbed;
    }
  }
  return copy ?? value;
}
