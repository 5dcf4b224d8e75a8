/**
 * One error shape for every failure the API (and every plugin on the same server) answers:
 * `{"error": "<short machine code>", "detail": "<what was wrong and what to do>"}`. `detail` is the
 * field the reference gateway sends; `error` lets scripts branch without parsing prose.
 */
import { maxHeaderSize, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
export interface ApiErrorBody {
  error: string;
  detail: string;
}

/** Thrown (or sent) by handlers and hooks: becomes `status` with the error shape. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

export function errorBody(code: string, detail: string): ApiErrorBody {
  return { error: code, detail };
}

/** Sends the error shape; usable from any hook or handler of any plugin. */
export function sendApiError(
  reply: FastifyReply,
  statusCode: number,
  code: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply
    .code(statusCode)
    .type(JSON_CONTENT_TYPE)
    .send(JSON.stringify(errorBody(code, detail)));
}

/** Fastify's own error codes → status and machine code. */
const FRAMEWORK_ERRORS: Readonly<Record<string, { status: number; code: string; detail?: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "malformed-json" },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: "malformed-json",
    detail: 'the body is empty but Content-Type says JSON; send a JSON object such as {"value": 46}',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "body-too-large" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "bad-request" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "unsupported-media-type",
    detail: "send the body as JSON with Content-Type: application/json",
  },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: "bad-request" },
  FST_ERR_BAD_URL: { status: 400, code: "bad-url" },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: "bad-request" },
};

/** Maps any error thrown while handling a request to the error shape. */
export function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    // Schema validation failed: HA-COMPAT.md §6/§8.2 say 422 (FastAPI's status for it).
    const where = fastifyError.validationContext ?? "request";
    return new ApiError(422, "invalid-request", `${where}: ${validationMessage(fastifyError)}`);
  }
  const known = fastifyError.code ? FRAMEWORK_ERRORS[fastifyError.code] : undefined;
  if (known) {
    return new ApiError(known.status, known.code, known.detail ?? fastifyError.message);
  }
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new ApiError(status, "bad-request", fastifyError.message);
  }
  return new ApiError(500, "internal", "internal error; the gateway's log has the details");
}

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const path = first.instancePath ? first.instancePath.replace(/^\//, "").replaceAll("/", ".") : "";
  return path ? `${path} ${first.message ?? "is invalid"}` : (first.message ?? error.message);
}

/** Fastify error handler: logs unexpected errors, answers every error with the shape. */
export function handleError(
  onUnexpected: (error: Error, request: FastifyRequest) => void,
): (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.statusCode >= 500 && !(error instanceof ApiError)) onUnexpected(error, request);
    sendApiError(reply, apiError.statusCode, apiError.code, apiError.detail, apiError.headers);
  };
}

/** Node's parser refused the request before any route saw it: status, code and what to do. */
function clientErrorAnswer(code: string | undefined): { status: number; error: string; detail: string } {
  if (code === "HPE_HEADER_OVERFLOW") {
    return {
      status: 431,
      error: "headers-too-large",
      detail: `the request's headers (with the URL) are larger than the ${Math.round(maxHeaderSize / 1024)} KB the gateway reads; send fewer or shorter headers`,
    };
  }
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return {
      status: 408,
      error: "request-timeout",
      detail: "the request did not arrive in time; send it again",
    };
  }
  return {
    status: 400,
    error: "bad-request",
    detail: `the request is not valid HTTP/1.1${code ? ` (${code})` : ""}: check the request line, headers, Content-Length and Transfer-Encoding`,
  };
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser rejects (431 headers too large, 400
 * malformed request, 408) is answered in the error shape too, then the connection is closed (the
 * stream cannot be trusted after a parse error).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const { status, error: code, detail } = clientErrorAnswer(error.code);
  const body = JSON.stringify(errorBody(code, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
