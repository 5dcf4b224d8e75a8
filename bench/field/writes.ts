/**
 * The write phase of the field bench: HTTP writes at random moments, each followed to its end —
 * from the POST's answer when the job ended within WRITE_WAIT, else through GET /api/writes/{id}.
 */
import type { Random } from "../../src/sim/random.js";
import { getJson, post } from "./http.js";
import { sleep } from "./timing.js";

/** How long a queued job is followed: WRITE_DEADLINE (60 s) and its send, with a margin. */
const FOLLOW_TIMEOUT_MS = 90_000;
const FOLLOW_EVERY_MS = 250;
const FINAL = new Set(["confirmed", "failed", "superseded", "expired"]);

export interface WriteTarget {
  name: string;
  index: number;
  /** Written in turn: first the one the controller does not hold. */
  values: [number, number];
  written: number;
}

export interface WriteResult {
  name: string;
  value: number;
  httpStatus: number;
  /** `confirmation` of the POST's answer (`queued`, `ack+read-back`, …), or its error code. */
  answered: string;
  writeId: string | undefined;
  /** confirmed | failed | superseded | expired, `http-<status>` when refused, `lost` when never seen ending. */
  state: string;
  sent: boolean | undefined;
  error: string | undefined;
  /** From just before the POST to the job's end (undefined when it did not end). */
  endToEndMs: number | undefined;
}

interface Job {
  state: string;
  sent: boolean;
  error: string | null;
  confirmation: string | null;
  ended_at: string | null;
}

interface PostAnswer {
  state?: string;
  write_id?: string;
  confirmation?: string;
  error?: string;
  detail?: string;
}

async function follow(url: string, id: string): Promise<Job | undefined> {
  const deadline = Date.now() + FOLLOW_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const job = await getJson<Job>(`${url}/api/writes/${encodeURIComponent(id)}`);
    if (job && FINAL.has(job.state)) return job;
    await sleep(FOLLOW_EVERY_MS);
  }
  return undefined;
}

async function writeOnce(url: string, target: WriteTarget, value: number): Promise<WriteResult> {
  const postedAt = Date.now();
  const answer = await post(`${url}/api/parameters/${target.name}`, { value });
  const body = (answer.body ?? {}) as PostAnswer;
  const result: WriteResult = {
    name: target.name,
    value,
    httpStatus: answer.status,
    answered: body.confirmation ?? body.error ?? String(answer.status),
    writeId: body.write_id,
    state: `http-${answer.status}`,
    sent: undefined,
    error: body.error ?? body.detail,
    endToEndMs: undefined,
  };
  if (answer.status !== 200 || body.write_id === undefined) return result;
  if (body.state !== undefined && FINAL.has(body.state)) {
    result.state = body.state;
    result.endToEndMs = answer.at - postedAt;
  }
  // Queued (or ended at once): the job itself says whether a frame went out, and when it ended.
  const job = await follow(url, body.write_id);
  if (!job) {
    result.state = "lost";
    return result;
  }
  result.state = job.state;
  result.sent = job.sent;
  result.error = job.error ?? undefined;
  if (result.endToEndMs === undefined && job.ended_at)
    result.endToEndMs = Date.parse(job.ended_at) - postedAt;
  return result;
}

/** `count` writes, `minGapMs`..`maxGapMs` apart (uniform), the targets in turn; resolves when all ended. */
export async function runWrites(
  url: string,
  targets: WriteTarget[],
  count: number,
  random: Random,
  gap: { minMs: number; maxMs: number },
  progress: (done: number) => void,
): Promise<WriteResult[]> {
  const pending: Promise<WriteResult>[] = [];
  let done = 0;
  for (let i = 0; i < count; i++) {
    await sleep(random.int(gap.minMs, gap.maxMs));
    const target = targets[i % targets.length]!;
    const value = target.values[target.written++ % 2]!;
    pending.push(
      writeOnce(url, target, value).then((result) => {
        progress(++done);
        return result;
      }),
    );
  }
  return Promise.all(pending);
}

/** Two values inside the parameter's range: one the controller does not hold, then the one it does. */
export async function writeTarget(url: string, name: string): Promise<WriteTarget> {
  const p = await getJson<{ index: number; value: number; min: number | null; max: number | null }>(
    `${url}/api/parameters/${name}`,
  );
  if (!p || typeof p.value !== "number") throw new Error(`cannot read ${name}`);
  const other = p.value + 1 <= (p.max ?? p.value + 1) ? p.value + 1 : p.value - 1;
  return { name, index: p.index, values: [other, p.value], written: 0 };
}
