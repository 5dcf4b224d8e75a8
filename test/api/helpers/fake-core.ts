/**
 * A stand-in for the gateway core in API unit tests: a real ParameterStore filled directly, a
 * status the test sets, and a real write queue whose jobs are answered by a function the test supplies. Contract tests use
 * the real core on the simulator (sim-gateway.ts).
 */

import pino from "pino";
import type { ApiCore } from "../../../src/bridges/http/index.js";
import type { Alarm } from "../../../src/gateway/alarms.js";
import type { GatewayStatus } from "../../../src/gateway/status.js";
import { WriteBudget } from "../../../src/gateway/write-budget.js";
import { WriteError } from "../../../src/gateway/write-errors.js";
import type { AcceptedWrite, WriteJob, WriteOutcome, WriteRequest } from "../../../src/gateway/write-job.js";
import { WriteQueue } from "../../../src/gateway/write-queue.js";
import type { Execution, JobControl } from "../../../src/gateway/writer.js";
import { makeDescriptor, type ParameterValue } from "../../../src/protocol/index.js";
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
    expertWrites: false,
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
      grantIntervals: {
        grants: 1,
        lastMs: undefined,
        averageMs: undefined,
        minMs: undefined,
        maxMs: undefined,
      },
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
        failures: { timeout: 0, garbled: 0, rejected: 0, "link-down": 0, "no-token": 0, unsendable: 0 },
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
    state: undefined,
    check: { state: "passed", lastAt: now - 1100, lastBusTime: undefined, lastResult: "same controller" },
    discovery: {
      state: "complete",
      source: "bus",
      lastCompletedAt: now - 3000,
      lastDurationMs: 1000,
      lastBusTime: undefined,
      regulatorCount: 1,
      panelCount: 0,
      batches: 1,
      fingerprint: undefined,
      progress: undefined,
      lastError: undefined,
    },
    poll: {
      cycles: 1,
      lastCompletedAt: now - 1000,
      lastDurationMs: 500,
      lastBusTime: undefined,
      lastCpuMs: 10,
      consecutiveFailures: 0,
      lastError: undefined,
      firstPollComplete: true,
    },
    alarms: { lastReadAt: now - 900, count: 0, active: 0 },
    parameters: { count: 0, exposed: 0, servingSnapshot: false },
    data: {
      state: "fresh",
      source: "bus",
      asOf: now - 1000,
      staleMaxAgeMs: 600_000,
      servedUntil: undefined,
      withheld: undefined,
      verification: "verified",
      writesHeldBy: undefined,
    },
    dataReady: true,
    ...overrides,
  };
}

/**
 * Carries out write jobs by asking the test's handler: the job is confirmed with what it resolves,
 * or fails with the WriteError it rejects with. The queue around it is the real one.
 */
class HandlerWriter {
  constructor(private readonly core: FakeCore) {}

  accept(request: WriteRequest): AcceptedWrite {
    this.core.requests.push(request);
    const { store } = this.core;
    const entry =
      typeof request.target === "number" ? store.get(request.target) : store.resolve(request.target);
    return {
      index: entry?.definition.index ?? -1,
      name: entry?.definition.name ?? String(request.target),
      type: entry?.definition.type ?? 0,
      value: request.value as ParameterValue,
      oldValue: entry?.value,
    };
  }

  checkMode(): void {}

  alreadyHeld(): undefined {
    return undefined;
  }

  withdraw(): boolean {
    return false;
  }

  describeTarget(): undefined {
    return undefined;
  }

  async execute(job: WriteJob, control: JobControl): Promise<Execution> {
    control.sending(job, job.accepted.oldValue);
    try {
      return { kind: "confirmed", outcome: await this.core.writeHandler(job.request) };
    } catch (error) {
      if (error instanceof WriteError) return { kind: "failed", error };
      throw error;
    }
  }
}

export class FakeCore implements ApiCore {
  readonly clock = systemClock;
  readonly store = new ParameterStore({ ttlMs: 60_000, maxSize: 5000 });
  ready = true;
  statusOverrides: Partial<GatewayStatus> = {};
  alarmList: Alarm[] = [];
  /** Every write the API handed to the core, in order. */
  readonly requests: WriteRequest[] = [];
  writeHandler: (request: WriteRequest) => Promise<WriteOutcome> = () =>
    Promise.reject(new Error("no write handler set"));
  readonly writes: WriteQueue;

  constructor(options: { writeRateLimitPerMinute?: number } = {}) {
    this.writes = new WriteQueue({
      writer: new HandlerWriter(this),
      clock: this.clock,
      deadlineMs: 60_000,
      budget: new WriteBudget(options.writeRateLimitPerMinute ?? 0, this.clock),
      acceptBlocked: () => undefined,
      sendBlocked: () => undefined,
      nextGrantInMs: () => undefined,
      logger: pino({ level: "silent" }),
    });
  }

  get alarms(): readonly Alarm[] {
    return this.alarmList;
  }

  dataReady(): boolean {
    return this.ready;
  }

  dataStatus(): GatewayStatus["data"] {
    return this.status().data;
  }

  status(): GatewayStatus {
    let exposed = 0;
    for (const entry of this.store.all()) if (entry.definition.exposed) exposed++;
    const base = baseStatus();
    return baseStatus({
      dataReady: this.ready,
      data: this.ready
        ? base.data
        : { ...base.data, state: "unavailable", source: undefined, asOf: undefined },
      parameters: { count: this.store.size, exposed, servingSnapshot: false },
      ...this.statusOverrides,
    });
  }
}
