/** Kinds for endpoints: the serial link, the MQTT broker URL, CORS origins. */
import { parseSerialPort, SERIAL_PORT_FORMS } from "../serial-port.js";
import { fail, ok, quote, type SettingKind, scalarText, yamlString } from "./kind.js";
import { textKind } from "./text.js";

export const serialPortKind = textKind({
  allowed: SERIAL_PORT_FORMS,
  check(text) {
    const parsed = parseSerialPort(text);
    return parsed.ok ? undefined : parsed.problem;
  },
});

const MQTT_SCHEMES = new Set(["mqtt:", "mqtts:"]);
const MAX_TCP_PORT = 65535;
export const PASSWORD_MASK = "********";

/** The URL with its password (if any) replaced by a mask; unparsable text is returned as is. */
export function maskUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/i, `$1${PASSWORD_MASK}@`);
}

/** Broker URL `mqtt://[user[:password]@]host[:port]` or `mqtts://…`; empty = MQTT off. */
export const mqttUrlKind = textKind({
  allowed: "empty (off), or mqtt://[user:password@]host[:port] or mqtts://…",
  check(text) {
    if (text === "") return undefined;
    const shown = quote(maskUrlPassword(text));
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return `${shown} is not a URL`;
    }
    if (!MQTT_SCHEMES.has(url.protocol)) return `${shown} must start with mqtt:// or mqtts://`;
    if (url.hostname === "") return `${shown} has no host`;
    if (url.port !== "" && (Number(url.port) < 1 || Number(url.port) > MAX_TCP_PORT))
      return `${shown} has an invalid port`;
    if ((url.pathname !== "" && url.pathname !== "/") || url.search || url.hash)
      return `${shown} has a path or query; topics are set with MQTT_BASE_TOPIC`;
    return undefined;
  },
});

/** `*` = any origin. */
export const ANY_ORIGIN = "*";

function normaliseOrigin(item: string): string | undefined {
  let url: URL;
  try {
    url = new URL(item);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username)
    return undefined;
  return url.origin;
}

/** Browser origins allowed to call the API: empty (CORS off), `*`, or a comma list of origins. */
export const corsOriginsKind: SettingKind<readonly string[]> = {
  allowed: "empty (off), * (any origin), or a comma list of origins like http://homeassistant.local:8123",
  parse(raw) {
    const items = Array.isArray(raw) ? raw : scalarText(raw)?.split(",");
    if (items === undefined || typeof raw === "boolean")
      return fail(`${quote(raw)} is not a list of origins`);
    const origins: string[] = [];
    for (const item of items) {
      const text = typeof item === "string" ? item.trim() : undefined;
      if (text === "") continue;
      if (text === ANY_ORIGIN) {
        if (items.length > 1) return fail("* cannot be combined with other origins");
        return ok([ANY_ORIGIN]);
      }
      const origin = text === undefined ? undefined : normaliseOrigin(text);
      if (origin === undefined)
        return fail(`${quote(item)} is not an origin (scheme://host[:port], no path)`);
      origins.push(origin);
    }
    return ok(origins);
  },
  format: (value) => (value.length === 0 ? '""' : value.join(",")),
  toYaml: (value) => yamlString(value.join(",")),
};
