/**
 * The JSON body parser: like Fastify's, but a malformed body gets a 400 that says where it broke
 * (JSON.parse's message, e.g. "Unexpected token 'N', "{"value": NaN}" is not valid JSON").
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../http/errors.js";

const MAX_QUOTED_CHARS = 200;

export function parseJsonBody(_request: FastifyRequest, body: string): unknown {
  if (body.trim() === "") {
    throw new ApiError(
      400,
      "malformed-json",
      'the body is empty but Content-Type says JSON; send a JSON object such as {"value": 46}',
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

/** Replaces the JSON parser of `app` (and the plugins registered on it afterwards). */
export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request, body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
