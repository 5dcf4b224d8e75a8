/** Builds the link for a parsed SERIAL_PORT (see `parseSerialPort` in the configuration). */
import type { Duplex } from "node:stream";
import type { SerialEndpoint } from "../config/index.js";
import type { Link } from "./link.js";
import { SerialLink } from "./serial-link.js";
import { StreamLink } from "./stream-link.js";
import { TcpLink } from "./tcp-link.js";

export interface LinkFactoryOptions {
  baudRate: number;
  /** Attaches a transceiver to the in-process simulator (needed for the simulator endpoint). */
  attachSimulator?: () => Duplex;
}

/** What a link is called in logs and status: the device path, tcp://host:port, or sim://. */
export function linkTargetName(endpoint: SerialEndpoint): string {
  switch (endpoint.kind) {
    case "device":
      return endpoint.path;
    case "tcp":
      return `tcp://${endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
    case "simulator":
      return "sim://";
  }
}

export function createLink(endpoint: SerialEndpoint, options: LinkFactoryOptions): Link {
  const name = linkTargetName(endpoint);
  switch (endpoint.kind) {
    case "device":
      return new SerialLink(endpoint.path, options.baudRate);
    case "tcp":
      return new TcpLink(name, endpoint.host, endpoint.port);
    case "simulator": {
      const attach = options.attachSimulator;
      if (!attach) throw new Error("the simulator endpoint needs a running simulator");
      return new StreamLink("sim", name, attach);
    }
  }
}
