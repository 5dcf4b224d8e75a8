/**
 * A stand-in for the gateway core in API unit tests: a real ParameterStore filled directly, a
 * status the test sets, and writes answered by a function the test supplies. Contract tests use
 * the real core on the simulator (sim-gateway.ts).
 */
import type { ApiCore } from "../../../src/api/index.js";
import type { Alarm } from "../../../src/gateway/alarms.js";
import type { GatewayStatus } from "../../../src/gateway/status.js";
import type { WriteOutcome, WriteRequest } from "../../../src/gateway/writer.js";
import { makeDescriptor } from "../../../src/protocol/index.js";
import { definitionFromDescriptor, type ParameterDefinition } from "../../../src/store/definition.js";
import { ParameterStore } from "../../../src/store/parameter-store.js";
import { systemClock } from "../../../src/util/clock.js";

export function definition(
  space: "regulator" | "panel",
  wireIndex: number,
  name: string,
  typeByte: number,
  extra: Partial<ParameterDefinition> = {},
  unit = "",
): ParameterDefinition {
  return {
    ...definitionFromDescriptor(space, wireIndex, makeDescriptor({ name, unit, typeByte })),
    ...extra,
  };
}

export function baseStatus(overrides: Partial<GatewayStatus> = {}): GatewayStatus {
  const now = Date.now();
  return {
    startedAt: now - 5000,
    simulator: false,
    readOnly: false,
    link: {
      kind: "sim",
      target: "sim://",
      state: "up",
      since: now - 4000,
      lastError: undefined,
      reconnects: 0,
    },
    bus: {
      address: 131,
      addressState: "fixed",
      tokenRequired: true,
      holdingToken: false,
      lastTokenGrantAt: now - 100,
      waitingForTokenSince: undefined,
      queueLength: 0,
      stats: {
        framesIn: 1,
        framesOut: 1,
        bytesIn: 10,
        bytesOut: 10,
        crcErrors: 0,
        discardedBytes: 0,
        requests: 1,
        responses: 1,
        lateReplies: 0,
        timeouts: 0,
        retries: { timeout: 0, garbled: 0 },
        failures: { timeout: 0, garbled: 0, rejected: 0, "link-down": 0, "no-token": 0 },
        identifyAnswers: 0,
        tokenGrants: 1,
        tokenReturns: 1,
        tokenWaitMsTotal: 5,
        lastTokenWaitMs: 5,
        tokenHoldMsTotal: 5,
        lastTokenHoldMs: 5,
        lastFrameAt: now - 50,
      },
    },
    discovery: {
      state: "complete",
      source: "bus",
      lastCompletedAt: now - 3000,
      lastDurationMs: 1000,
      regulatorCount: 1,
      panelCount: 0,
      batches: 1,
      progress: undefined,
      lastError: undefined,
    },
    poll: {
      cycles: 1,
      lastCompletedAt: now - 1000,
      lastDurationMs: 500,
      lastCpuMs: 10,
      consecutiveFailures: 0,
      lastError: undefined,
      firstPollComplete: true,
    },
    alarms: { lastReadAt: now - 900, count: 0, active: 0 },
    parameters: { count: 0, exposed: 0, servingSnapshot: false },
    dataReady: true,
    ...overrides,
  };
}

export class FakeCore implements ApiCore {
  readonly clock = systemClock;
  readonly store = new ParameterStore({ ttlMs: 60_000, maxSize: 5000 });
  ready = true;
  statusOverrides: Partial<GatewayStatus> = {};
  alarmList: Alarm[] = [];
  readonly writes: WriteRequest[] = [];
  writeHandler: (request: WriteRequest) => Promise<WriteOutcome> = () =>
    Promise.reject(new Error("no write handler set"));

  get alarms(): readonly Alarm[] {
    return this.alarmList;
  }

  dataReady(): boolean {
    return this.ready;
  }

  status(): GatewayStatus {
    let exposed = 0;
    for (const entry of this.store.all()) if (entry.definition.exposed) exposed++;
    return baseStatus({
      dataReady: this.ready,
      parameters: { count: this.store.size, exposed, servingSnapshot: false },
      ...this.statusOverrides,
    });
  }

  write(request: WriteRequest): Promise<WriteOutcome> {
    this.writes.push(request);
    return this.writeHandler(request);
  }
}
