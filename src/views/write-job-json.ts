/**
 * A write job as clients see it (`GET /api/writes/{id}`, `GET /api/writes`, the 202 answer, the
 * WebSocket `write` message): its state, the value asked for, what the controller holds after it,
 * why it failed or expired, and — while it waits — what for and when it should go out.
 * Values use the API's encoding; times are UTC ISO 8601.
 */

import type { WaitingFor, WriteJob } from "../port/index.js";
import { utcIso } from "./timestamps.js";
import { valueJson } from "./values.js";

/** What the queue knows of a job that is still waiting. */
export interface WriteJobWait {
  waitingFor: WaitingFor | undefined;
  expectedSendInMs: number | undefined;
}

/** "http 192.168.1.20" → "http": which path a write came by (client addresses stay in the log). */
export function originKind(origin: string): string {
  const space = origin.indexOf(" ");
  return space === -1 ? origin : origin.slice(0, space);
}

const iso = (ms: number | undefined) => JSON.stringify(utcIso(ms));
const text = (value: string | undefined) => (value === undefined ? "null" : JSON.stringify(value));

/** The job's fields as JSON members (no braces), so answers can add their own around them. */
export function writeJobFields(job: WriteJob, wait: WriteJobWait): string {
  const { accepted, outcome, error } = job;
  const type = accepted.type;
  return (
    `"write_id":${JSON.stringify(job.id)},"state":"${job.state}",` +
    `"name":${JSON.stringify(accepted.name)},"index":${accepted.index},` +
    `"value":${valueJson(type, accepted.value)},` +
    `"old_value":${valueJson(type, outcome ? outcome.oldValue : accepted.oldValue)},` +
    `"new_value":${outcome ? valueJson(type, outcome.newValue) : "null"},` +
    `"confirmation":${text(outcome?.confirmation)},` +
    `"error":${text(error?.failure)},"detail":${text(error?.message)},` +
    `"sent":${job.sent},"superseded_by":${text(job.supersededBy)},` +
    `"origin":${JSON.stringify(originKind(job.request.origin))},` +
    `"accepted_at":${iso(job.acceptedAt)},"deadline":${iso(job.deadline)},` +
    `"sent_at":${iso(job.sentAt)},"ended_at":${iso(job.endedAt)},` +
    `"duration_ms":${job.endedAt === undefined ? "null" : Math.round(job.endedAt - job.acceptedAt)},` +
    `"waiting_for":${text(wait.waitingFor)},` +
    `"expected_send_in_ms":${wait.expectedSendInMs === undefined ? "null" : Math.round(wait.expectedSendInMs)}`
  );
}

export function writeJobJson(job: WriteJob, wait: WriteJobWait): string {
  return `{${writeJobFields(job, wait)}}`;
}
