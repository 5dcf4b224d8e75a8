/** What the API needs of the gateway core (a GatewayCore satisfies it; tests may pass a double). */
import type { GatewayCore } from "../gateway/core.js";

export type ApiCore = Pick<GatewayCore, "store" | "status" | "alarms" | "write" | "dataReady" | "clock">;
