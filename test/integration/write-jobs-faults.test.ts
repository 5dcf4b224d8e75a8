/**
 * Write jobs when the bus does not cooperate, at the field cadence on simulated time: no grants
 * (the job expires, never sent), a lost link (before and after the frame went out), a stop with
 * jobs queued, a restart from a snapshot, a silent controller, and the bound on remembered jobs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WriteError } from "../../src/gateway/write-errors.js";
import { MAX_REMEMBERED_JOBS } from "../../src/gateway/write-queue.js";
import { createLogger } from "../../src/log/index.js";
import { Command } from "../../src/protocol/index.js";
import { startFieldApi } from "../helpers/field-api.js";
import { startFieldGateway, valueOtherThanHeld } from "../helpers/field-gateway.js";
import { captureLines } from "../logging/capture.js";

const otherValue = valueOtherThanHeld;

describe("a write whose deadline passes without a grant", () => {
  it("ends expired, is logged at warn and counted, and is never sent, even once grants resume", async () => {
    const out = captureLines();
    const logger = createLogger({ logLevel: "info", logFormat: "json" }, out.destination);
    const g = await startFieldApi({ logger });
    try {
      await g.runUntil(() => !g.core.bus.holdingToken, "the token given back", 20_000);
      g.sim.faults.stopTokenGrants();
      const value = otherValue(g, 702);
      const res = await g.settle(g.post("SummerOn", value, { prefer: "respond-async" }), "the 202", 1_000);
      expect(res.statusCode).toBe(202);
      const id = (res.json() as { write_id: string }).write_id;
      const acceptedAt = g.clock.now();
      await g.runUntil(() => g.core.writes.get(id)?.final === true, "the job's end", 120_000);
      const job = g.core.writes.get(id)!;
      expect(job.state).toBe("expired");
      expect(job.error?.failure).toBe("expired");
      expect(job.sent).toBe(false);
      // It ended at its deadline (WRITE_DEADLINE, 60 s by default), not before.
      expect(g.clock.now() - acceptedAt).toBeGreaterThanOrEqual(g.config.writeDeadlineMs);
      expect((await g.get(`/api/writes/${id}`)).json()).toMatchObject({
        state: "expired",
        error: "expired",
        sent: false,
      });
      g.sim.faults.resumeTokenGrants();
      const cycles = g.core.status().poll.cycles;
      await g.runUntil(() => g.core.status().poll.cycles > cycles + 2, "polling resumed", 120_000);
      expect(g.modifyFrames()).toEqual([]);
      expect(g.sim.controller.getValue(702)).not.toBe(value);
      const line = out.json().find((l) => l.event === "write.done" && l.job === id);
      expect(line).toMatchObject({ level: "warn", outcome: "expired" });
      expect(String(line!.reason)).toMatch(
        /^expired: .*WRITE_DEADLINE \(60 s\) passed while waiting for a token grant; nothing was sent/,
      );
      expect(g.core.writes.counts.expired).toBe(1);
    } finally {
      await g.stop();
    }
  });
});

describe("a lost link", () => {
  it("refuses a new write while the link is down (503 link-down), nothing queued", async () => {
    const g = await startFieldApi();
    try {
      g.sim.faults.unplug(30_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "the link down", 60_000);
      // The API answers 503 while the link is down; the core refuses too (MQTT, the CLI).
      const res = await g.settle(g.post("SummerOn", otherValue(g, 702)), "the answer", 1_000);
      expect(res.statusCode).toBe(503);
      const refused = await g.core
        .write({ target: "SummerOn", value: otherValue(g, 702), origin: "test" })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WriteError);
      expect((refused as WriteError).failure).toBe("link-down");
      expect(g.core.writes.active).toBe(0);
    } finally {
      await g.stop();
    }
  });

  it("keeps a queued job through a link loss: it goes out once the link is back and polled, once", async () => {
    // A longer deadline, as a user may set it, so the job outlives the reconnection and rediscovery.
    const g = await startFieldGateway({ env: { WRITE_DEADLINE: "300" } });
    try {
      await g.runUntil(() => !g.core.bus.holdingToken, "the token given back", 20_000);
      const value = otherValue(g, 703);
      const ended = g.core.write({ target: "SummerOff", value, origin: "test" });
      const job = g.core.writes.recent()[0]!;
      expect(job.state).toBe("queued");
      g.sim.faults.unplug(5_000);
      await g.runUntil(() => g.core.status().link.state !== "up", "the link down", 10_000);
      expect(g.core.writes.waitingFor(job)).toBe("link");
      await g.runUntil(() => g.core.status().link.state === "up", "the link back", 60_000);
      const done = await g.settle(ended, "the job's end", 280_000);
      expect(done.state).toBe("confirmed");
      expect(done.outcome?.confirmation).toBe("ack+read-back");
      expect(g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM)).toHaveLength(1);
      expect(g.sim.controller.getValue(703)).toBe(value);
    } finally {
      await g.stop();
    }
  });

  it("settles a job whose frame went out just before the link was lost by a read-back, never by sending it again", async () => {
    const g = await startFieldGateway({ env: { WRITE_DEADLINE: "300" } });
    try {
      const value = otherValue(g, 703);
      // The link is pulled the moment the MODIFY_PARAM is on the wire: its answer never arrives.
      const onFrame = (entry: { frame?: { source: number; command: number } }) => {
        if (entry.frame?.source === g.core.address.address && entry.frame?.command === Command.MODIFY_PARAM) {
          g.sim.bus.off("frame", onFrame);
          g.sim.faults.unplug(5_000);
        }
      };
      g.sim.bus.on("frame", onFrame);
      const done = await g.settle(
        g.core.write({ target: "SummerOff", value, origin: "test" }),
        "the job's end",
        280_000,
      );
      expect(g.sim.faults.counts.unplugs).toBe(1);
      expect(done.state).toBe("confirmed");
      expect(done.outcome?.confirmation).toBe("read-back");
      expect(g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM)).toHaveLength(1);
      expect(g.sim.controller.getValue(703)).toBe(value);
    } finally {
      await g.stop();
    }
  });
});

describe("a silent controller", () => {
  it("fails a write it neither acknowledges nor applies (read back), sent exactly once", async () => {
    // The controller gives no answer to a write it refuses (writeRejection: silent); the value
    // asked is above the maximum the controller has now but the gateway does not know yet.
    const g = await startFieldGateway({ sim: { writeRejection: "silent" } });
    try {
      await g.runUntil(() => !g.core.bus.holdingToken, "the token given back", 20_000);
      const max = g.sim.controller.getValue(108) as number;
      g.sim.controller.setValue(103, max - 2);
      g.sim.controller.setValue(108, max - 1);
      const done = await g.settle(
        g.core.write({ target: "HDWTSetPoint", value: max, origin: "test" }),
        "the job's end",
        60_000,
      );
      expect(done.state).toBe("failed");
      expect(done.error?.failure).toBe("not-confirmed");
      expect(done.error?.message).toMatch(/did not acknowledge .*; it still holds/);
      expect(done.sent).toBe(true);
      expect(g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM)).toHaveLength(1);
    } finally {
      await g.stop();
    }
  });
});

describe("stopping with jobs queued", () => {
  it("ends them failed (shutdown) with a log line each, sends nothing for them", async () => {
    const out = captureLines();
    const logger = createLogger({ logLevel: "info", logFormat: "json" }, out.destination);
    const g = await startFieldGateway({ logger });
    await g.runUntil(() => !g.core.bus.holdingToken, "the token given back", 20_000);
    const jobs = [
      g.core.write({ target: "SummerOn", value: otherValue(g, 702), origin: "test" }),
      g.core.write({ target: "SummerOff", value: otherValue(g, 703), origin: "test" }),
    ];
    await g.stop();
    const ended = await Promise.all(jobs);
    for (const job of ended) {
      expect(job.state).toBe("failed");
      expect(job.error?.failure).toBe("shutdown");
      expect(job.sent).toBe(false);
    }
    expect(g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM)).toHaveLength(0);
    const lines = out.json().filter((l) => l.event === "write.done" && l.outcome === "failed");
    expect(lines.map((l) => l.job)).toEqual(ended.map((job) => job.id));
    for (const line of lines) {
      expect(line.level).toBe("warn");
      expect(String(line.reason)).toMatch(/^shutdown: .*stopped before the job was sent; nothing was sent/);
    }
  });
});

describe("a write accepted while the values come from a snapshot", () => {
  it("is checked against polled values before it is sent: a snapshot value is never taken as the controller's", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "gm3-write-snapshot-"));
    try {
      const first = await startFieldGateway({ useStateDir: stateDir });
      const value = otherValue(first, 702);
      const written = await first.settle(
        first.core.write({ target: "SummerOn", value, origin: "test" }),
        "the first run's write",
        60_000,
      );
      expect(written.state).toBe("confirmed");
      await first.stop(); // saves the snapshot, holding `value`
      // A new controller run: it holds its default, not what the snapshot says.
      const again = await startFieldGateway({
        useStateDir: stateDir,
        waitForData: false,
        startDate: new Date(first.clock.date().getTime() + 30_000),
      });
      try {
        await again.runUntil(() => again.core.status().link.state === "up", "the link up", 10_000);
        expect(again.core.status().parameters.servingSnapshot).toBe(true);
        expect(again.core.store.get(702)!.value).toBe(value);
        expect(again.sim.controller.getValue(702)).not.toBe(value);
        const ended = again.core.write({ target: "SummerOn", value, origin: "test" });
        const job = again.core.writes.recent()[0]!;
        // Not "unchanged" on the snapshot's word: it waits for the first poll.
        expect(job.state).toBe("queued");
        expect(again.core.writes.waitingFor(job)).toBe("first-poll");
        const done = await again.settle(ended, "the job's end", 60_000);
        expect(done.state).toBe("confirmed");
        expect(done.outcome?.confirmation).toBe("ack+read-back");
        expect(again.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM)).toHaveLength(
          1,
        );
        expect(again.sim.controller.getValue(702)).toBe(value);
      } finally {
        await again.stop();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

describe("the jobs remembered", () => {
  it(`keeps the last ${MAX_REMEMBERED_JOBS} ended jobs, newest first`, async () => {
    const g = await startFieldGateway({ env: { API_WRITE_RATE_LIMIT: "0" } });
    try {
      // Writes of the value held end at once (nothing to send), so many can be made in no time.
      const held = g.core.store.get(703)!.value as number;
      const ids: string[] = [];
      for (let i = 0; i < MAX_REMEMBERED_JOBS + 25; i++) {
        ids.push((await g.core.write({ target: "SummerOff", value: held, origin: "test" })).id);
      }
      const recent = g.core.writes.recent();
      expect(recent).toHaveLength(MAX_REMEMBERED_JOBS);
      expect(recent.map((job) => job.id)).toEqual(ids.slice(-MAX_REMEMBERED_JOBS).reverse());
      expect(g.core.writes.get(ids[0]!)).toBeUndefined();
    } finally {
      await g.stop();
    }
  });
});
