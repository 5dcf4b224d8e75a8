/**
 * The forms SERIAL_PORT accepts, parsed once so config validation and the transport agree:
 * empty or `sim://` (built-in simulator), `tcp://host:port` (ser2net, Ethernet–RS-485 converters),
 * or a device path (`/dev/ttyUSB0`, `/dev/serial/by-id/…`, `COM3` on Windows).
 */

export type SerialEndpoint =
  | { kind: "simulator" }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "device"; path: string };

export type SerialEndpointParse = { ok: true; endpoint: SerialEndpoint } | { ok: false; problem: string };

export const SERIAL_PORT_FORMS = "empty or sim:// (built-in simulator), tcp://host:port, or a device path";

const WINDOWS_PORT = /^(\\\\\.\\)?COM\d+$/i;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const MAX_TCP_PORT = 65535;

function parseTcp(text: string): SerialEndpointParse {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: `"${text}" is not a valid tcp://host:port address` };
  }
  if (url.username || url.password)
    return { ok: false, problem: "tcp:// addresses take no user or password" };
  if ((url.pathname !== "" && url.pathname !== "/") || url.search || url.hash)
    return { ok: false, problem: `"${text}" has a path or query; use tcp://host:port` };
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") return { ok: false, problem: `"${text}" has no host; use tcp://host:port` };
  const port = Number(url.port);
  if (url.port === "" || !Number.isInteger(port) || port < 1 || port > MAX_TCP_PORT)
    return { ok: false, problem: `"${text}" needs a TCP port 1..${MAX_TCP_PORT}, e.g. tcp://${host}:4001` };
  return { ok: true, endpoint: { kind: "tcp", host, port } };
}

export function parseSerialPort(value: string): SerialEndpointParse {
  const text = value.trim();
  if (text === "" || text.toLowerCase() === "sim://") return { ok: true, endpoint: { kind: "simulator" } };
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === "tcp") return parseTcp(text);
  if (scheme === "sim")
    return { ok: false, problem: `"${text}": the simulator takes no options; use sim://` };
  if (scheme !== undefined)
    return { ok: false, problem: `"${text}" uses the unsupported scheme ${scheme}://` };
  if (text.startsWith("/") || WINDOWS_PORT.test(text))
    return { ok: true, endpoint: { kind: "device", path: text } };
  return { ok: false, problem: `"${text}" is not an absolute device path (did you mean /dev/${text}?)` };
}

/** One line for logs and `gm3 config`: what the gateway will talk to. */
export function describeSerialEndpoint(endpoint: SerialEndpoint): string {
  switch (endpoint.kind) {
    case "simulator":
      return "built-in simulator";
    case "tcp":
      return `TCP ${endpoint.host}:${endpoint.port}`;
    case "device":
      return `serial device ${endpoint.path}`;
  }
}
