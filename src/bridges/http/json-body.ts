/**
 * The JSON body parser: like Fastify's, but a malformed body gets a 400 that says where it broke
 * (JSON.parse's message, e.g. "Unexpected token 'N', "{"value": NaN}" is not valid JSON"), a body
 * nested deeper than any request needs is refused before it is parsed (JSON.parse recurses), and a
 * body the gateway would read differently from its sender — compressed, or in another charset than
 * UTF-8 — gets 415 instead of being taken as plain UTF-8.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../../http/errors.js";
import { nestsDeeperThan } from "../../util/json-depth.js";

const MAX_QUOTED_CHARS = 200;
/** The API's bodies are flat (`{"value": 46}`); this leaves room for any sane client. */
export const MAX_JSON_DEPTH = 32;

export function parseJsonBody(_request: FastifyRequest, body: string): unknown {
  if (body.trim() === "") {
    throw new ApiError(
      400,
      "malformed-json",
      'the body is empty but Content-Type says JSON; send a JSON object such as {"value": 46}',
    );
  }
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new ApiError(
      400,
      "too-deeply-nested",
      `the body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; send a JSON object such as {"value": 46}`,
    );
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const reason = (error as Error).message;
    throw new ApiError(
      400,
      "malformed-json",
      `the body is not valid JSON (${reason.length > MAX_QUOTED_CHARS ? `${reason.slice(0, MAX_QUOTED_CHARS)}…` : reason}); NaN and Infinity cannot be sent as JSON`,
    );
  }
}

/** A body the parser would read as something other than what was sent: 415 with the reason. */
function unreadableReason(request: FastifyRequest): string | undefined {
  const encoding = request.headers["content-encoding"]?.trim().toLowerCase();
  if (encoding && encoding !== "identity") {
    return `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not accepted: send the JSON body uncompressed`;
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers["content-type"] ?? "")?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    return `JSON is UTF-8 (RFC 8259); charset ${JSON.stringify(charset.slice(0, 40))} is not accepted: send Content-Type: application/json`;
  }
  return undefined;
}

/** Replaces the JSON parser of `app` (and the plugins registered on it afterwards). */
export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    try {
      const unreadable = unreadableReason(request);
      if (unreadable) throw new ApiError(415, "unsupported-media-type", unreadable);
      done(null, parseJsonBody(request, body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
