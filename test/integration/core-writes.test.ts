/**
 * Safe writes against the simulator at the field cadence (grant every ~10 s, WRITE_TIMEOUT 8 s) on
 * simulated time. Each write is made when the panel has just granted the gateway the token: with
 * today's WRITE_TIMEOUT a write made at a random moment may wait for a grant past its send window
 * (core-token.test.ts shows that one fails without a frame).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WriteError } from "../../src/gateway/write-errors.js";
import type { WriteOutcome, WriteRequest } from "../../src/gateway/writer.js";
import { Command } from "../../src/protocol/index.js";
import { FIELD_GATEWAY_ADDRESS, type FieldGateway, startFieldGateway } from "../helpers/field-gateway.js";

/** Simulated time one write may take, waiting for the bus included: WRITE_TIMEOUT and then some. */
const WRITE_BUDGET_MS = 30_000;

async function failure(promise: Promise<unknown>): Promise<WriteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WriteError) return error;
    throw error;
  }
  throw new Error("the write was expected to fail");
}

/** Writes once the panel has granted the gateway the token, driving the clock until it is settled. */
async function writeAtGrant(g: FieldGateway, request: WriteRequest): Promise<WriteOutcome> {
  await g.nextGrant();
  return g.settle(g.core.write(request), `write ${String(request.target)}`, WRITE_BUDGET_MS);
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
    const outcome = await writeAtGrant(g, { target: "HDWTSetPoint", value: target, origin: "test" });
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
    const outcome = await writeAtGrant(g, { target: "Circuit2ComfortTemp", value: 21.3, origin: "test" });
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
    await g.settle(g.core.write({ target: "SummerOn", value: 24, origin: "test" }), "write", WRITE_BUDGET_MS);
    const ours = g.gatewayFrames().map((e) => e.frame!);
    const writeAt = ours.findIndex((f) => f.command === Command.MODIFY_PARAM);
    const pollsBefore = ours.slice(0, writeAt).filter((f) => f.command === Command.GET_PARAMS).length;
    // The regulator space alone takes 15 batches; the write went out after at most a couple.
    expect(writeAt).toBeGreaterThan(0);
    expect(pollsBefore).toBeLessThan(5);
  });

  it("serialises concurrent writes to the same parameter and confirms each", async () => {
    await g.nextGrant();
    const results = await g.settle(
      Promise.all([
        g.core.write({ target: "SummerOff", value: 10, origin: "a" }),
        g.core.write({ target: "SummerOff", value: 11, origin: "b" }),
        g.core.write({ target: "SummerOff", value: 12, origin: "c" }),
      ]),
      "three writes",
      WRITE_BUDGET_MS,
    );
    expect(results.map((r) => r.newValue)).toEqual([10, 11, 12]);
    expect(g.sim.controller.getValue(703)).toBe(12);
  });
});

describe("read-only mode", () => {
  it("refuses every write with no frame on the bus", async () => {
    const g = await startFieldGateway({ env: { READ_ONLY: "true" } });
    try {
      await g.nextGrant();
      const error = await failure(g.core.write({ target: "HDWTSetPoint", value: 50, origin: "test" }));
      expect(error.failure).toBe("read-only-mode");
      expect(error.httpStatus).toBe(403);
      await g.nextGrant();
      expect(g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM)).toHaveLength(0);
    } finally {
      await g.stop();
    }
  });
});
