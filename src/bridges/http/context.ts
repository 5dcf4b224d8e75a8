/** What every route module of the API gets. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { GatewayConfig } from "../../config/index.js";
import { JSON_CONTENT_TYPE, sendApiError } from "../../http/errors.js";
import type { Logger } from "../../log/index.js";
import type { ThermostatPort } from "../../port/index.js";
import type { ParametersView } from "../../views/parameters-view.js";
import { notReadyReason } from "../../views/readiness.js";
import type { ApiCore } from "./core.js";

export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ApiContext {
  core: ApiCore;
  config: GatewayConfig;
  logger: Logger;
  version: string;
  thermostat: ThermostatPort;
  view: ParametersView;
}

/**
 * Sends already-serialised JSON (or a value serialised here with JSON.stringify): the route schemas
 * document the shapes, the tests check the bodies against them.
 */
export function sendJson(reply: FastifyReply, statusCode: number, body: unknown): void {
  const payload = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  reply.code(statusCode).type(JSON_CONTENT_TYPE).send(payload);
}

/** 503 with why the data cannot be served yet. */
export function sendNotReady(reply: FastifyReply, core: ApiCore): void {
  const reason = notReadyReason(core.status());
  sendApiError(reply, 503, reason.code, reason.detail);
}
