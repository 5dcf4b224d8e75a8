/**
 * What every bridge is to the application: a plug with a name that starts on the port and stops.
 * `start` resolves once the bridge serves (an HTTP server listens, an MQTT client is under way) and
 * throws if it cannot; `stop` ends what it started. src/app/bridges.ts holds the list.
 */
import type { GatewayPort } from "./port.js";

export interface BridgePlug {
  readonly name: string;
  start(port: GatewayPort): Promise<void>;
  stop(): Promise<void>;
}
