/** What the API needs of the gateway core (a GatewayPort satisfies it; tests may pass a double). */
import type { GatewayPort, WriteJobs } from "../../port/index.js";

/** The write jobs: accepting one, waiting for its end, and reading them back. */
export type ApiWrites = Pick<
  WriteJobs,
  "submit" | "get" | "recent" | "waitForEnd" | "waitingFor" | "expectedSendInMs"
>;

export interface ApiCore
  extends Pick<
    GatewayPort,
    "store" | "status" | "alarms" | "dataReady" | "dataStatus" | "clock" | "thermostat"
  > {
  readonly writes: ApiWrites;
}
