/** One `api.request` log line per request, with its timing (Fastify's own logger is off). */
import type { onResponseHookHandler } from "fastify";
import { type Logger, logEvent } from "../../log/index.js";

const MAX_LOGGED_URL = 200;

export function createRequestLogHook(logger: Logger): onResponseHookHandler {
  return (request, reply, done) => {
    // Successful reads log at debug (see log/events.ts): skip building the line when it is off.
    const routine = reply.statusCode < 400 && (request.method === "GET" || request.method === "HEAD");
    if (!routine || logger.isLevelEnabled("debug")) {
      logEvent(logger, "api.request", {
        method: request.method,
        url: request.url.slice(0, MAX_LOGGED_URL),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        client: request.ip,
      });
    }
    done();
  };
}
