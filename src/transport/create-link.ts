/** Builds the link for a SERIAL_PORT value. */
import type { Duplex } from "node:stream";
import type { Link } from "./link.js";
import { describeLinkTarget, type LinkTarget } from "./link-url.js";
import { SerialLink } from "./serial-link.js";
import { StreamLink } from "./stream-link.js";
import { TcpLink } from "./tcp-link.js";

export interface LinkFactoryOptions {
  baudRate: number;
  /** Attaches a transceiver to the in-process simulator (needed for sim://). */
  attachSimulator?: () => Duplex;
}

export function createLink(target: LinkTarget, options: LinkFactoryOptions): Link {
  const name = describeLinkTarget(target);
  switch (target.kind) {
    case "serial":
      return new SerialLink(target.path, options.baudRate);
    case "tcp":
      return new TcpLink(name, target.host, target.port);
    case "sim": {
      const attach = options.attachSimulator;
      if (!attach) throw new Error("sim:// needs a running simulator");
      return new StreamLink("sim", name, attach);
    }
  }
}
