/**
 * The core as the bridges see it: `GatewayCore` offers the port itself (its parts — bus, writer,
 * supervisor, store as a writable store — stay out of the bridges' type), so this is where the
 * compiler checks that it does.
 */
import type { GatewayCore } from "../gateway/core.js";
import type { GatewayPort } from "./port.js";

export function corePort(core: GatewayCore): GatewayPort {
  return core;
}
