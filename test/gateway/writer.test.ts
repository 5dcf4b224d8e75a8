/**
 * SafeWriter, carrying out the write queue's jobs, against a scripted controller on a fake link, on
 * fake timers: the single MODIFY_PARAM, the read-back that settles a lost answer, the job's deadline
 * while no grant comes, and the fail-closed range check.
 */

import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { httpStatusOf } from "../../src/bridges/http/write-status.js";
import { AddressManager } from "../../src/bus/address.js";
import { type BusOptions, Gm3Bus } from "../../src/bus/bus.js";
import { WriteBudget } from "../../src/gateway/write-budget.js";
import { WriteError } from "../../src/gateway/write-errors.js";
import type { WriteJob } from "../../src/gateway/write-job.js";
import { WriteQueue } from "../../src/gateway/write-queue.js";
import { SafeWriter } from "../../src/gateway/writer.js";
import {
  Command,
  decodeModifyRequest,
  decodeRangeRequest,
  encodeGetParamsResponse,
  encodeModifyResponse,
  encodeTokenGrant,
  type Frame,
  type Limit,
  parseUnit,
  TypeCode,
} from "../../src/protocol/index.js";
import type { ParameterDefinition } from "../../src/store/definition.js";
import { ParameterStore } from "../../src/store/parameter-store.js";
import { systemClock } from "../../src/util/clock.js";
import { FakeLink } from "../helpers/fake-link.js";

const GATEWAY = 114;
const PANEL = 100;
const CONTROLLER = 1;
const WRITE_DEADLINE_MS = 60_000;

const busOptions: BusOptions = {
  panelAddress: PANEL,
  turnaroundMs: 20,
  responseTimeoutMs: 2_000,
  retryAttempts: 3,
  retryBackoffMs: 50,
  tokenRequired: true,
  tokenWaitTimeoutMs: 5_000,
  maxTokenHoldMs: 15_000,
};

function definition(index: number, name: string, min: Limit, max: Limit): ParameterDefinition {
  return {
    index,
    space: "regulator",
    wireIndex: index,
    name,
    rawName: name,
    type: TypeCode.UINT8,
    typeByte: TypeCode.UINT8,
    unit: parseUnit("°C"),
    writable: true,
    min,
    max,
    exposed: true,
  };
}

interface ControllerScript {
  /** Answer nothing at all. */
  silent?: boolean;
  /** Apply MODIFY_PARAM but lose its answer. */
  dropModifyReply?: boolean;
  /** Answer no GET_PARAMS. */
  silentReadBack?: boolean;
}

/** A bus with a token-granting panel and a controller holding `values`, scripted by `script`. */
function setup(values: Map<number, number>, script: ControllerScript = {}, maxQueued?: number) {
  const link = new FakeLink();
  const address = new AddressManager({
    fixedAddress: GATEWAY,
    tentativeTimeoutMs: 20_000,
    persist: async () => {},
  });
  const bus = new Gm3Bus(link as never, address, busOptions);
  const store = new ParameterStore({ ttlMs: 60_000, maxSize: 100 });
  store.setDefinitions([
    definition(103, "HDWTSetPoint", { kind: "reference", index: 107 }, { kind: "reference", index: 108 }),
    definition(107, "HDWTSetPointMin", { kind: "literal", value: 20 }, { kind: "literal", value: 60 }),
    definition(108, "HDWTSetPointMax", { kind: "literal", value: 30 }, { kind: "literal", value: 70 }),
  ]);
  const linkUpAt = Date.now();
  for (const [index, value] of values) store.setValue(index, value, 0, Date.now());
  const writer = new SafeWriter(bus, store, {
    controllerAddress: CONTROLLER,
    panelAddress: PANEL,
    readOnly: false,
    allowPanelWrites: false,
    expertWrites: false,
    liveSince: () => (link.state === "up" ? linkUpAt : undefined),
    whenLinkUp: async () => link.state === "up",
  });
  const queue = new WriteQueue({
    writer,
    clock: systemClock,
    deadlineMs: WRITE_DEADLINE_MS,
    budget: new WriteBudget(0, systemClock),
    acceptBlocked: () => undefined,
    sendBlocked: () => undefined,
    nextGrantInMs: () => undefined,
    logger: pino({ level: "silent" }),
    maxQueued,
  });
  const reply = (frame: Omit<Frame, "destination" | "source">) =>
    setTimeout(() => link.deliver({ destination: GATEWAY, source: CONTROLLER, ...frame }), 5);
  link.on("written", (frame: Frame) => {
    if (frame.destination !== CONTROLLER || script.silent) return;
    if (frame.command === Command.MODIFY_PARAM) {
      const request = decodeModifyRequest(frame.payload);
      if (!request.ok) throw request.error;
      values.set(request.value.index, request.value.valueBytes[0]!);
      if (!script.dropModifyReply)
        reply({ command: Command.MODIFY_PARAM_RESPONSE, payload: encodeModifyResponse(0xe5) });
    } else if (frame.command === Command.GET_PARAMS && !script.silentReadBack) {
      const range = decodeRangeRequest(frame.payload);
      if (!range.ok) throw range.error;
      const value = values.get(range.value.firstIndex) ?? 0;
      reply({
        command: Command.GET_PARAMS_RESPONSE,
        payload: encodeGetParamsResponse(range.value.firstIndex, [
          { flag: 0x01, type: TypeCode.UINT8, value },
        ]),
      });
    }
  });
  const grant = () =>
    link.deliver({
      destination: GATEWAY,
      source: PANEL,
      command: Command.SERVICE,
      payload: encodeTokenGrant(),
    });
  const sent = (command: number) => link.written.filter((f) => f.command === command);
  const tokenReturns = () =>
    link.written.filter((f) => f.command === Command.SERVICE && f.payload.readUInt16LE(0) === 0x0800);
  return { link, bus, store, writer, queue, grant, sent, tokenReturns };
}

interface Tracked {
  job: WriteJob;
  startedAt: number;
}

function track(queue: WriteQueue, target: string, value: unknown): Tracked {
  return { job: queue.submit({ target, value, origin: "test" }), startedAt: Date.now() };
}

/** Advances fake time until the job ends; how long it took (fake ms since it was accepted). */
async function settle(tracked: Tracked): Promise<{ ms: number; job: WriteJob }> {
  for (let i = 0; i < 2_000 && !tracked.job.final; i++) await vi.advanceTimersByTimeAsync(50);
  if (!tracked.job.final) throw new Error("the job did not end within 100 s of fake time");
  return { ms: Date.now() - tracked.startedAt, job: tracked.job };
}

const limits = () =>
  new Map([
    [103, 45],
    [107, 35],
    [108, 65],
  ]);

describe("SafeWriter carrying out write jobs", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fails a write to a silent controller after one MODIFY_PARAM, saying it may or may not be applied", async () => {
    const { queue, grant, sent } = setup(limits(), { silent: true });
    const write = track(queue, "HDWTSetPoint", 50);
    grant();
    const { job } = await settle(write);
    expect(job.state).toBe("failed");
    expect(job.error).toBeInstanceOf(WriteError);
    expect(job.error!.failure).toBe("not-confirmed");
    expect(job.sent).toBe(true);
    expect(job.error!.message).toMatch(/may or may not have been applied/);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
  });

  it("waits for a late grant: the job goes out at it, however late within WRITE_DEADLINE", async () => {
    const { queue, grant, sent } = setup(limits());
    const write = track(queue, "HDWTSetPoint", 50);
    await vi.advanceTimersByTimeAsync(45_000);
    expect(write.job.state).toBe("queued");
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
    grant();
    const { job, ms } = await settle(write);
    expect(job.state).toBe("confirmed");
    expect(job.outcome).toMatchObject({ newValue: 50, confirmation: "ack+read-back" });
    expect(ms).toBeLessThan(WRITE_DEADLINE_MS);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
  });

  it("expires a job no grant lets out before WRITE_DEADLINE, and never sends it, even at a grant after", async () => {
    const { queue, grant, sent } = setup(limits());
    const write = track(queue, "HDWTSetPoint", 50);
    const { job, ms } = await settle(write);
    expect(job.state).toBe("expired");
    expect(job.error!.failure).toBe("expired");
    expect(ms).toBeGreaterThanOrEqual(WRITE_DEADLINE_MS);
    grant();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
  });

  it("trusts the acknowledgement when the read-back gets no answer", async () => {
    const values = limits();
    const { queue, grant, sent } = setup(values, { silentReadBack: true });
    const write = track(queue, "HDWTSetPoint", 50);
    grant();
    const { job } = await settle(write);
    expect(job.outcome).toMatchObject({ newValue: 50, confirmation: "ack" });
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
    expect(values.get(103)).toBe(50);
  });

  it("sends exactly one MODIFY_PARAM when its answer is lost, confirms by read-back and returns the token", async () => {
    const values = limits();
    const { queue, grant, sent, tokenReturns, store } = setup(values, { dropModifyReply: true });
    const write = track(queue, "HDWTSetPoint", 50);
    grant();
    const { job } = await settle(write);
    expect(job.error).toBeUndefined();
    expect(job.outcome).toMatchObject({ index: 103, newValue: 50, confirmation: "read-back" });
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
    expect(sent(Command.GET_PARAMS).length).toBeGreaterThanOrEqual(1);
    expect(store.get(103)!.value).toBe(50);
    await vi.advanceTimersByTimeAsync(100);
    expect(tokenReturns()).toHaveLength(1);
  });

  it("settles a lost answer by a read-back whenever the grant comes within the deadline", async () => {
    // Late grants once left no time for a read-back; a job's read-back now has time of its own.
    for (let grantAtMs = 0; grantAtMs <= 55_000; grantAtMs += 5_000) {
      const { queue, grant, sent } = setup(limits(), { dropModifyReply: true });
      const write = track(queue, "HDWTSetPoint", 50);
      await vi.advanceTimersByTimeAsync(grantAtMs);
      grant();
      const { job } = await settle(write);
      expect(job.state, `granted at ${grantAtMs} ms`).toBe("confirmed");
      expect(job.outcome, `granted at ${grantAtMs} ms`).toMatchObject({ confirmation: "read-back" });
      expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
    }
  });

  it("refuses a write whose referenced limit has not been read, naming it, with nothing queued", () => {
    const { queue, sent } = setup(
      new Map([
        [103, 45],
        [108, 65],
      ]),
    );
    let error: unknown;
    try {
      queue.submit({ target: "HDWTSetPoint", value: 5, origin: "test" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).failure).toBe("out-of-range");
    expect(httpStatusOf(error as WriteError)).toBe(400);
    expect((error as WriteError).message).toMatch(
      /minimum is the value of parameter 107 \(HDWTSetPointMin\), which has not been read yet/,
    );
    expect(queue.active).toBe(0);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
  });

  it("refuses a write when the referenced range is inconsistent (max below min)", () => {
    const { queue, store, sent } = setup(
      new Map([
        [103, 45],
        [107, 50],
        [108, 40],
      ]),
    );
    expect(() => queue.submit({ target: "HDWTSetPoint", value: 45, origin: "test" })).toThrow(
      /inconsistent \(maximum 40 is below minimum 50\)/,
    );
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
    // The display keeps showing no limits in that case.
    expect(store.limitsOf(store.get(103)!)).toEqual({ min: null, max: null });
  });

  it("checks a job queued behind a write to its limit against the new limit", async () => {
    const values = limits();
    const { queue, grant, sent } = setup(values);
    const raiseMin = track(queue, "HDWTSetPointMin", 55);
    const setpoint = track(queue, "HDWTSetPoint", 50);
    grant();
    const first = await settle(raiseMin);
    expect(first.job.outcome).toMatchObject({ newValue: 55 });
    const second = await settle(setpoint);
    expect(second.job.state).toBe("failed");
    expect(second.job.error!.failure).toBe("out-of-range");
    expect(second.job.error!.message).toMatch(/55\.\.65/);
    expect(second.job.sent).toBe(false);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
    expect(values.get(103)).toBe(45);
  });

  it("bounds the jobs waiting for the bus; a newer write to a queued parameter replaces, it does not add", () => {
    const { queue, sent } = setup(limits(), {}, 2);
    const first = queue.submit({ target: "HDWTSetPoint", value: 50, origin: "a" });
    queue.submit({ target: "HDWTSetPointMin", value: 36, origin: "b" });
    let error: unknown;
    try {
      queue.submit({ target: "HDWTSetPointMax", value: 64, origin: "c" });
    } catch (e) {
      error = e;
    }
    expect((error as WriteError).failure).toBe("queue-full");
    expect(httpStatusOf(error as WriteError)).toBe(503);
    const newer = queue.submit({ target: "HDWTSetPoint", value: 51, origin: "d" });
    expect(first.state).toBe("superseded");
    expect(first.supersededBy).toBe(newer.id);
    expect(queue.active).toBe(2);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
  });

  it("checks a job once more when the token comes: a limit that changed while it waited stops it", async () => {
    const values = limits();
    const { queue, store, grant, sent } = setup(values);
    // Accepted and handed to the bus, where it waits for the token.
    const write = track(queue, "HDWTSetPoint", 40);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(write.job.state).toBe("queued");
    // Meanwhile a reading raises the minimum above the value (as a poll batch would).
    store.setValue(107, 42, 0, Date.now());
    grant();
    const { job } = await settle(write);
    expect(job.state).toBe("failed");
    expect(job.error!.failure).toBe("out-of-range");
    expect(job.sent).toBe(false);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
  });

  it("confirms without a frame a job whose value the controller turns out to hold when the token comes", async () => {
    const values = limits();
    const { queue, store, grant, sent } = setup(values);
    const write = track(queue, "HDWTSetPoint", 50);
    await vi.advanceTimersByTimeAsync(1_000);
    // Someone set it on the panel; a poll read it while the job waited for the token.
    values.set(103, 50);
    store.setValue(103, 50, 0, Date.now());
    grant();
    const { job } = await settle(write);
    expect(job.state).toBe("confirmed");
    expect(job.outcome!.confirmation).toBe("unchanged");
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
  });
});
