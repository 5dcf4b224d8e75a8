/**
 * Safe writes against the simulator at the field cadence (grant every ~10 s, WRITE_DEADLINE 60 s) on
 * simulated time. Each write is made at a random moment of the panel's cycle (seeded), as an owner
 * makes them: the job waits for the next grant, however far off, and goes out before the polls.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpStatusOf } from "../../src/bridges/http/write-status.js";
import { WriteError } from "../../src/gateway/write-errors.js";
import type { WriteOutcome, WriteRequest } from "../../src/gateway/write-job.js";
import { Command } from "../../src/protocol/index.js";
import { Random } from "../../src/sim/random.js";
import { FIELD_GATEWAY_ADDRESS, type FieldGateway, startFieldGateway } from "../helpers/field-gateway.js";

/** Simulated time one write may take, waiting for the bus included: two grant intervals and then some. */
const WRITE_BUDGET_MS = 30_000;
/** Moments of the writes: anywhere within one and a half grant intervals. */
const moments = new Random(2026);

async function failure(promise: Promise<unknown>): Promise<WriteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WriteError) return error;
    throw error;
  }
  throw new Error("the write was expected to fail");
}

/** Writes at a random moment, driving the clock until the job has ended; its outcome once confirmed. */
async function writeAtRandom(g: FieldGateway, request: WriteRequest): Promise<WriteOutcome> {
  await g.runFor(moments.int(0, 15_000));
  const job = await g.settle(g.core.write(request), `write ${String(request.target)}`, WRITE_BUDGET_MS);
  expect(job.state, job.error?.message).toBe("confirmed");
  return job.outcome!;
}

describe("gateway core against the simulator: safe writes", () => {
  let g: FieldGateway;
  const modifyFrames = () => g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM);

  beforeAll(async () => {
    g = await startFieldGateway();
  });
  afterAll(async () => {
    await g?.stop();
  });

  it("writes an in-range value, reads it back and reports what the controller holds", async () => {
    const min = g.sim.controller.getValue(107) as number;
    const current = g.sim.controller.getValue(103) as number;
    const target = current === min ? min + 1 : min;
    const outcome = await writeAtRandom(g, { target: "HDWTSetPoint", value: target, origin: "test" });
    expect(outcome).toMatchObject({
      index: 103,
      name: "HDWTSetPoint",
      oldValue: current,
      newValue: target,
      confirmation: "ack+read-back",
    });
    expect(outcome.resultCode).toBe(0xe5);
    expect(g.sim.controller.getValue(103)).toBe(target);
    expect(g.core.store.get(103)!.value).toBe(target);
  });

  it("writes floats as binary32 and reads them back rounded", async () => {
    const outcome = await writeAtRandom(g, { target: "Circuit2ComfortTemp", value: 21.3, origin: "test" });
    expect(outcome.newValue).toBe(21.3);
    expect(g.sim.controller.getValue(288)).toBeCloseTo(21.3, 4);
  });

  it("rejects out-of-range, read-only, wrong-type, unknown and panel writes without sending a frame", async () => {
    const sentBefore = modifyFrames().length;
    const max = g.sim.controller.getValue(108) as number;
    const cases: [string | number, unknown, string][] = [
      ["HDWTSetPoint", max + 1, "out-of-range"],
      ["HDWTSetPoint", "50", "wrong-type"],
      ["HDWTSetPoint", null, "wrong-type"],
      ["TempCWU", 40, "read-only-parameter"],
      ["NoSuchParameter", 1, "not-found"],
      ["hdwtsetpoint", 50, "not-found"],
      ["Circuit1Settings", -1, "not-representable"],
      ["Circuit1Settings", 2 ** 32, "not-representable"],
      [10_010, "S1", "panel-write-disabled"],
    ];
    // Refused before anything is queued: no grant is needed to learn that.
    for (const [target, value, expected] of cases) {
      const error = await failure(g.core.write({ target, value, origin: "test" }));
      expect(error.failure, `${String(target)} = ${String(value)}`).toBe(expected);
      expect(error.sent).toBe(false);
    }
    // Two grants later still nothing went out for them.
    await g.nextGrant();
    await g.nextGrant();
    expect(modifyFrames().length).toBe(sentBefore);
  });

  it("checks a write queued behind a write to its limit against the new limit, just before sending it", async () => {
    await g.runFor(moments.int(0, 15_000));
    const max = g.sim.controller.getValue(108) as number;
    const min = g.sim.controller.getValue(107) as number;
    g.sim.controller.setValue(103, min);
    await g.nextGrant();
    const sentBefore = modifyFrames().length;
    // Accepted against today's minimum; by the time it goes, the minimum written first is above it.
    const [raise, setpoint] = await g.settle(
      Promise.all([
        g.core.write({ target: "HDWMinSetTemp", value: max - 1, origin: "a" }),
        g.core.write({ target: "HDWTSetPoint", value: max - 2, origin: "b" }),
      ]),
      "both writes",
      WRITE_BUDGET_MS,
    );
    try {
      expect(raise!.state).toBe("confirmed");
      expect(setpoint!.state).toBe("failed");
      expect(setpoint!.error?.failure).toBe("out-of-range");
      expect(setpoint!.sent).toBe(false);
      expect(modifyFrames().length).toBe(sentBefore + 1);
      expect(g.sim.controller.getValue(103)).toBe(min);
    } finally {
      await g.settle(
        g.core.write({ target: "HDWMinSetTemp", value: min, origin: "test" }),
        "restore",
        WRITE_BUDGET_MS,
      );
    }
  });

  it("resolves a repeated name to its lowest index", () => {
    const entry = g.core.writer.resolve("Circuit2BaseTemp");
    expect(entry.definition.index).toBe(311);
  });

  it("sends a write that arrives during a poll cycle before the remaining poll batches", async () => {
    // Run until the gateway sends the first batch of a poll, then write.
    const cycles = g.core.status().poll.cycles;
    await g.runUntil(() => g.core.status().poll.cycles > cycles, "a poll cycle to end", 60_000);
    g.sim.bus.log.clear();
    let firstBatchSent = false;
    const onFrame = (entry: { frame?: { source: number; command: number } }) => {
      if (entry.frame?.source === FIELD_GATEWAY_ADDRESS && entry.frame.command === Command.GET_PARAMS)
        firstBatchSent = true;
    };
    g.sim.bus.on("frame", onFrame);
    try {
      await g.runUntil(() => firstBatchSent, "the next poll's first batch", 60_000);
    } finally {
      g.sim.bus.off("frame", onFrame);
    }
    // A value the controller does not hold (one it holds is confirmed without a frame).
    const value = g.sim.controller.getValue(702) === 24 ? 23 : 24;
    const job = await g.settle(
      g.core.write({ target: "SummerOn", value, origin: "test" }),
      "write",
      WRITE_BUDGET_MS,
    );
    expect(job.state).toBe("confirmed");
    const ours = g.gatewayFrames().map((e) => e.frame!);
    const writeAt = ours.findIndex((f) => f.command === Command.MODIFY_PARAM);
    const pollsBefore = ours.slice(0, writeAt).filter((f) => f.command === Command.GET_PARAMS).length;
    // The regulator space alone takes 15 batches; the write went out after at most a couple.
    expect(writeAt).toBeGreaterThan(0);
    expect(pollsBefore).toBeLessThan(5);
  });

  it("runs concurrent writes to different parameters one after another and confirms each", async () => {
    await g.runFor(moments.int(0, 15_000));
    const sentBefore = modifyFrames().length;
    const results = await g.settle(
      Promise.all([
        g.core.write({ target: "SummerOff", value: 10, origin: "a" }),
        g.core.write({ target: "SummerOn", value: 25, origin: "b" }),
        g.core.write({ target: "Circuit2ComfortTemp", value: 21.5, origin: "c" }),
      ]),
      "three writes",
      WRITE_BUDGET_MS,
    );
    expect(results.map((r) => [r.state, r.outcome?.newValue])).toEqual([
      ["confirmed", 10],
      ["confirmed", 25],
      ["confirmed", 21.5],
    ]);
    expect(modifyFrames().length).toBe(sentBefore + 3);
    expect(g.sim.controller.getValue(703)).toBe(10);
    expect(g.sim.controller.getValue(702)).toBe(25);
  });
});

describe("read-only mode", () => {
  it("refuses every write with no frame on the bus", async () => {
    const g = await startFieldGateway({ env: { READ_ONLY: "true" } });
    try {
      await g.nextGrant();
      const error = await failure(g.core.write({ target: "HDWTSetPoint", value: 50, origin: "test" }));
      expect(error.failure).toBe("read-only-mode");
      expect(httpStatusOf(error)).toBe(403);
      await g.nextGrant();
      expect(g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM)).toHaveLength(0);
    } finally {
      await g.stop();
    }
  });
});
