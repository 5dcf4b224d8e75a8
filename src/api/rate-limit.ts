/**
 * Per-client write rate limit (API_WRITE_RATE_LIMIT writes per minute; 0 = off): a sliding window
 * of the last minute's write times per client address. Memory stays bounded: a client keeps at
 * most `limit` times, and clients idle for a window are forgotten.
 */
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import { sendApiError } from "../http/errors.js";

const WINDOW_MS = 60_000;
/** Above this many tracked clients, idle ones are swept on the next check. */
const SWEEP_THRESHOLD = 1000;
const MS_PER_SECOND = 1000;

export interface RateDecision {
  allowed: boolean;
  /** Seconds until one more write is allowed (when refused). */
  retryAfterSeconds: number;
}

export class WriteRateLimiter {
  private readonly clients = new Map<string, number[]>();

  constructor(
    readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  get trackedClients(): number {
    return this.clients.size;
  }

  /** Counts one write by `client` if it is within the limit. */
  take(client: string): RateDecision {
    if (this.limitPerMinute <= 0) return { allowed: true, retryAfterSeconds: 0 };
    const now = this.now();
    if (this.clients.size > SWEEP_THRESHOLD) this.sweep(now);
    const since = now - WINDOW_MS;
    const times = (this.clients.get(client) ?? []).filter((t) => t > since);
    if (times.length >= this.limitPerMinute) {
      this.clients.set(client, times);
      const oldest = times[0] ?? now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / MS_PER_SECOND)),
      };
    }
    times.push(now);
    this.clients.set(client, times);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  private sweep(now: number): void {
    const since = now - WINDOW_MS;
    for (const [client, times] of this.clients) {
      if ((times.at(-1) ?? 0) <= since) this.clients.delete(client);
    }
  }
}

/** A route-level onRequest hook: 429 with Retry-After past the limit. Runs after authentication. */
export function createWriteRateLimitHook(limiter: WriteRateLimiter): onRequestHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const decision = limiter.take(request.ip);
    if (decision.allowed) return done();
    sendApiError(
      reply,
      429,
      "rate-limited",
      `more than ${limiter.limitPerMinute} writes in a minute from ${request.ip} (API_WRITE_RATE_LIMIT); retry in ${decision.retryAfterSeconds} s`,
      { "Retry-After": String(decision.retryAfterSeconds) },
    );
  };
}
