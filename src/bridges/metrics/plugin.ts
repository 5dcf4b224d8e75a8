/**
 * `/metrics` on the HTTP API's Fastify instance, and the request metrics of every route (by route
 * pattern, so path parameters do not multiply the series). API keys apply as to any read.
 */
import type { FastifyInstance } from "fastify";
import type { GatewayMetrics } from "./gateway-metrics.js";

export const METRICS_PATH = "/metrics";
/** Requests that matched no route share one label value. */
export const UNMATCHED_ROUTE = "unmatched";
const MS_PER_S = 1000;

export function registerMetrics(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    metrics.observeHttpRequest(request.method, route, reply.statusCode, reply.elapsedTime / MS_PER_S);
    done();
  });
  app.get(
    METRICS_PATH,
    {
      schema: {
        tags: ["gateway"],
        summary: "Prometheus metrics (text exposition format)",
        description:
          "Bus, polling, writes, live clients, HTTP and the numeric parameter values; see docs/metrics.md.",
      },
    },
    async (_request, reply) => {
      const text = await metrics.text();
      return reply.type(metrics.contentType).send(text);
    },
  );
}
