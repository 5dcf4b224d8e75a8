/**
 * Writes are jobs, at the field cadence (a grant every ~10 s, the gateway's default settings: WRITE_WAIT
 * 8 s, WRITE_DEADLINE 60 s), over the real HTTP API driven with `inject` on the simulated clock.
 */

import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Random } from "../../src/sim/random.js";
import { type FieldApi, startFieldApi } from "../helpers/field-api.js";
import { valueOtherThanHeld } from "../helpers/field-gateway.js";

interface Job {
  write_id: string;
  state: string;
  index: number;
  value: unknown;
  error: string | null;
  sent: boolean;
  superseded_by: string | null;
  confirmation: string | null;
}

/** Simulated time for every outstanding write to end once the last one is made. */
const DRAIN_BUDGET_MS = 120_000;

describe("20 HTTP writes at random moments, at the field cadence", () => {
  let g: FieldApi;
  beforeAll(async () => {
    g = await startFieldApi();
  });
  afterAll(async () => {
    await g?.stop();
  });

  it("all end confirmed or superseded, one MODIFY_PARAM per job sent, the last value held", async () => {
    const random = new Random(1313);
    // Three writable parameters, each written with two alternating values inside its range.
    const targets = [
      { name: "HDWTSetPoint", index: 103 },
      { name: "SummerOn", index: 702 },
      { name: "SummerOff", index: 703 },
    ].map((t) => {
      const current = g.sim.controller.getValue(t.index) as number;
      const { min, max } = g.core.store.limitsOf(g.core.store.get(t.index)!);
      const other = current + 1 <= (max ?? current + 1) ? current + 1 : current - 1;
      // A third value, used only by the first write of a back-to-back pair (which a newer one replaces).
      const interim = [current + 2, current - 2, other + 1].find(
        (v) => v !== current && v !== other && v >= (min ?? v) && v <= (max ?? v),
      )!;
      return { ...t, values: [other, current], interim, written: 0 };
    });
    const startedAt = g.clock.now();
    const answers: Promise<LightMyRequestResponse>[] = [];
    const lastValue = new Map<number, number>();
    /** Writes whose successor follows in the same instant: they must end superseded. */
    const pairFirsts: number[] = [];
    // Two of the 20 writes come as back-to-back pairs to one parameter: 18 moments, 20 writes.
    const pairAt = new Set([5, 12]);
    for (let moment = 0; answers.length < 20; moment++) {
      await g.runFor(random.int(1_000, 15_000));
      const target = targets[moment % targets.length]!;
      if (pairAt.has(moment)) {
        pairFirsts.push(answers.length);
        answers.push(g.post(target.name, target.interim));
      }
      const value = target.values[target.written++ % 2]!;
      answers.push(g.post(target.name, value));
      lastValue.set(target.index, value);
    }
    const lastAskedAt = g.clock.now();
    const responses = await g.settle(Promise.all(answers), "the 20 answers", DRAIN_BUDGET_MS);
    // Every answer is a 200 (HA-COMPAT.md §6: anything else shows an error): confirmed, queued or superseded.
    for (const res of responses) expect(res.statusCode, res.body).toBe(200);
    const answered = responses.map((res) => res.json() as { write_id: string; confirmation: string });
    const ids = answered.map((a) => a.write_id);
    expect(new Set(ids).size).toBe(20);
    const jobs = (): Job[] => ids.map((id) => g.core.writes.get(id)!).map((job) => jobView(job));
    await g.runUntil(
      () => ids.every((id) => g.core.writes.get(id)?.final === true),
      "every job ended",
      DRAIN_BUDGET_MS,
    );
    const ended = jobs();
    const byState = countBy(ended.map((j) => j.state));
    expect(ended.filter((j) => j.state !== "confirmed" && j.state !== "superseded")).toEqual([]);
    for (const at of pairFirsts) expect(ended[at]!.state).toBe("superseded");
    // Each value differs from the one before it, so every confirmed job was sent (none "unchanged").
    expect(ended.filter((j) => j.state === "confirmed").every((j) => j.sent)).toBe(true);
    // Exactly one MODIFY_PARAM per job that was sent, none for a superseded one, none twice.
    const frames = g.modifyFrames();
    const sent = ended.filter((j) => j.sent);
    expect(sent.every((j) => j.state === "confirmed")).toBe(true);
    expect(ended.filter((j) => j.state === "superseded").every((j) => !j.sent)).toBe(true);
    expect(frames.length).toBe(sent.length);
    for (const t of targets) {
      expect(frames.filter((f) => f.index === t.index).length).toBe(
        sent.filter((j) => j.index === t.index).length,
      );
      expect(g.sim.controller.getValue(t.index)).toBe(lastValue.get(t.index));
    }
    const queuedAnswers = answered.filter((a) => a.confirmation === "queued").length;
    if (process.env.GM3_FIELD_TIME) {
      console.log(
        `20 writes over ${((lastAskedAt - startedAt) / 1000).toFixed(1)} s of simulated time: ` +
          `${JSON.stringify(byState)}, ${frames.length} MODIFY_PARAM frames, ` +
          `${queuedAnswers} answered "queued" within WRITE_WAIT`,
      );
    }
  });
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function jobView(job: NonNullable<ReturnType<FieldApi["core"]["writes"]["get"]>>): Job {
  return {
    write_id: job.id,
    state: job.state,
    index: job.index,
    value: job.accepted.value,
    error: job.error?.failure ?? null,
    sent: job.sent,
    superseded_by: job.supersededBy ?? null,
    confirmation: job.outcome?.confirmation ?? null,
  };
}

describe("write job states", () => {
  let g: FieldApi;
  beforeAll(async () => {
    g = await startFieldApi();
  });
  afterAll(async () => {
    await g?.stop();
  });

  const otherValue = (index: number) => valueOtherThanHeld(g, index);

  it("answers Prefer: respond-async with 202, the job and its Location; the job then goes out and is confirmed", async () => {
    await g.nextGrant();
    const value = otherValue(703);
    const before = g.modifyFrames().length;
    const res = await g.settle(g.post("SummerOff", value, { prefer: "respond-async" }), "the 202", 1_000);
    expect(res.statusCode).toBe(202);
    expect(res.headers["preference-applied"]).toBe("respond-async");
    const job = res.json() as Job & { expected_send_in_ms: number | null; waiting_for: string | null };
    expect(job).toMatchObject({ state: "queued", index: 703, value, sent: false, waiting_for: "token" });
    expect(res.headers.location).toBe(`/api/writes/${job.write_id}`);
    // Just after a grant: the next one is due in about one grant interval.
    expect(job.expected_send_in_ms).toBeGreaterThan(5_000);
    expect(job.expected_send_in_ms).toBeLessThanOrEqual(12_000);
    await g.runUntil(() => g.core.writes.get(job.write_id)?.final === true, "the job's end", 30_000);
    const followed = await g.get(res.headers.location as string);
    expect(followed.statusCode).toBe(200);
    expect(followed.json()).toMatchObject({
      write_id: job.write_id,
      state: "confirmed",
      new_value: value,
      confirmation: "ack+read-back",
      sent: true,
      waiting_for: null,
    });
    expect(g.modifyFrames().length).toBe(before + 1);
    const list = (await g.get("/api/writes")).json() as { writes: Job[] };
    expect(list.writes[0]!.write_id).toBe(job.write_id);
    expect((await g.get("/api/writes/no-such-job")).statusCode).toBe(404);
  });

  it("sends only the newest of back-to-back writes to one parameter: the others end superseded", async () => {
    await g.nextGrant();
    const base = g.sim.controller.getValue(702) as number;
    const { min, max } = g.core.store.limitsOf(g.core.store.get(702)!);
    const values = [base - 1, base + 1, base - 2].filter((v) => v >= (min ?? v) && v <= (max ?? v));
    expect(values.length).toBeGreaterThanOrEqual(2);
    const before = g.modifyFrames().filter((f) => f.index === 702).length;
    const responses = await g.settle(
      Promise.all(values.map((v) => g.post("SummerOn", v))),
      "the answers",
      30_000,
    );
    const bodies = responses.map(
      (r) => r.json() as { state: string; write_id: string; superseded_by?: string },
    );
    const last = bodies.at(-1)!;
    for (const body of bodies.slice(0, -1)) {
      expect(body.state).toBe("superseded");
      expect(body.superseded_by).toBeDefined();
    }
    await g.runUntil(
      () => g.core.writes.get(last.write_id)?.final === true,
      "the newest write's end",
      30_000,
    );
    expect(g.core.writes.get(last.write_id)!.state).toBe("confirmed");
    expect(g.modifyFrames().filter((f) => f.index === 702).length).toBe(before + 1);
    expect(g.sim.controller.getValue(702)).toBe(values.at(-1));
  });

  it("confirms the value the controller already holds, read by a poll, without a frame", async () => {
    await g.runUntil(() => !g.core.bus.holdingToken, "the token given back", 20_000);
    const held = g.core.store.get(703)!.value as number;
    expect(g.sim.controller.getValue(703)).toBe(held);
    const before = g.modifyFrames().length;
    const res = await g.settle(g.post("SummerOff", held), "the answer", 1_000);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: "confirmed", confirmation: "unchanged", new_value: held });
    await g.nextGrant();
    expect(g.modifyFrames().length).toBe(before);
  });

  it("fails a write the controller rejects (its limit changed behind the gateway's back): one frame, 502", async () => {
    // The gateway's limits come from its last poll; the controller's maximum drops before the next.
    await g.runUntil(() => !g.core.bus.holdingToken, "the token given back", 20_000);
    const maxIndex = 108;
    const max = g.sim.controller.getValue(maxIndex) as number;
    const min = g.sim.controller.getValue(107) as number;
    const value = max;
    if (g.sim.controller.getValue(103) === value) g.sim.controller.setValue(103, min);
    const before = g.modifyFrames().length;
    const answer = g.post("HDWTSetPoint", value);
    g.sim.controller.setValue(maxIndex, value - 1);
    try {
      const res = await g.settle(answer, "the answer", 30_000);
      const id = g.core.writes.recent()[0]!.id;
      await g.runUntil(() => g.core.writes.get(id)?.final === true, "the job's end", 30_000);
      const job = g.core.writes.get(id)!;
      expect(job.state).toBe("failed");
      expect(job.error?.failure).toBe("rejected");
      expect(job.sent).toBe(true);
      if (res.statusCode !== 200) expect(res.statusCode).toBe(502);
      expect(g.modifyFrames().length).toBe(before + 1);
      expect(g.sim.controller.getValue(103)).not.toBe(value);
    } finally {
      g.sim.controller.setValue(maxIndex, max);
    }
  });
});
