/**
 * The HTTP API on a field-cadence gateway (field-gateway.ts): the real API server over the real core,
 * driven with Fastify's `inject` while the virtual clock runs, so WRITE_WAIT and WRITE_DEADLINE pass
 * on the core's (simulated) time like everything else.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import pino from "pino";
import { createApiServer } from "../../src/bridges/http/index.js";
import { Command, decodeModifyRequest } from "../../src/protocol/index.js";
import { type FieldGateway, type FieldGatewayOptions, startFieldGateway } from "./field-gateway.js";

export interface FieldApi extends FieldGateway {
  app: FastifyInstance;
  /** POST /api/parameters/{name} with `{"value": value}`; the answer comes once the clock is driven. */
  post(
    name: string | number,
    value: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** GET a path (answered from memory: no need to drive the clock). */
  get(path: string): Promise<LightMyRequestResponse>;
  /** MODIFY_PARAM frames the gateway put on the simulated wire, with the index each one wrote. */
  modifyFrames(): { index: number; timeMs: number }[];
}

export async function startFieldApi(options: FieldGatewayOptions = {}): Promise<FieldApi> {
  const g = await startFieldGateway(options);
  let app: FastifyInstance;
  try {
    app = await createApiServer({
      core: g.core,
      config: g.config,
      logger: options.logger ?? pino({ level: "silent" }),
      version: "0.0.0-test",
    });
    await app.ready();
  } catch (error) {
    await g.stop();
    throw error;
  }
  return {
    ...g,
    app,
    post: (name, value, headers = {}) =>
      app.inject({
        method: "POST",
        url: `/api/parameters/${encodeURIComponent(String(name))}`,
        headers: { "content-type": "application/json", ...headers },
        payload: JSON.stringify({ value }),
      }),
    get: (path) => app.inject({ method: "GET", url: path }),
    modifyFrames: () =>
      g.gatewayFrames().flatMap((entry) => {
        if (entry.frame?.command !== Command.MODIFY_PARAM) return [];
        const decoded = decodeModifyRequest(entry.frame.payload);
        return decoded.ok ? [{ index: decoded.value.index, timeMs: entry.timeMs }] : [];
      }),
    stop: async () => {
      await g.stop();
      await app.close();
    },
  };
}
