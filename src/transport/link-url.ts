/** Parses `SERIAL_PORT`: a device path, `tcp://host:port`, or `sim://` (the built-in simulator). */

export type LinkTarget =
  | { kind: "serial"; path: string }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "sim"; name: string };

export class LinkUrlError extends Error {
  override readonly name = "LinkUrlError";
}

export function parseLinkTarget(value: string): LinkTarget {
  const text = value.trim();
  if (text === "" || text === "sim://" || text.startsWith("sim://")) {
    return { kind: "sim", name: text.slice("sim://".length) || "default" };
  }
  if (text.startsWith("tcp://")) {
    const rest = text.slice("tcp://".length).replace(/\/$/, "");
    const match = /^(\[[^\]]+\]|[^:/]+):(\d{1,5})$/.exec(rest);
    if (!match) throw new LinkUrlError(`'${value}' is not tcp://host:port (e.g. tcp://192.168.1.50:4000)`);
    const port = Number(match[2]);
    if (port < 1 || port > 65535) throw new LinkUrlError(`port ${port} in '${value}' is outside 1..65535`);
    return { kind: "tcp", host: match[1]!.replace(/^\[|\]$/g, ""), port };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new LinkUrlError(`'${value}': unsupported scheme; use a device path, tcp://host:port or sim://`);
  }
  return { kind: "serial", path: text };
}

export function describeLinkTarget(target: LinkTarget): string {
  switch (target.kind) {
    case "serial":
      return target.path;
    case "tcp":
      return `tcp://${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`;
    case "sim":
      return "sim://";
  }
}
