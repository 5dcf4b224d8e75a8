/** What the API needs of the gateway core (a GatewayCore satisfies it; tests may pass a double). */
import type { GatewayCore } from "../gateway/core.js";
import type { WriteQueue } from "../gateway/write-queue.js";

/** The write jobs: accepting one, waiting for its end, and reading them back. */
export type ApiWrites = Pick<
  WriteQueue,
  "submit" | "get" | "recent" | "waitForEnd" | "waitingFor" | "expectedSendInMs"
>;

export interface ApiCore
  extends Pick<GatewayCore, "store" | "status" | "alarms" | "dataReady" | "dataStatus" | "clock"> {
  readonly writes: ApiWrites;
}
