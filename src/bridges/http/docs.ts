/**
 * OpenAPI from the route schemas (@fastify/swagger) at /openapi.json, and Swagger UI at /docs —
 * its assets are served from the installed package, nothing from a CDN. Both are public.
 */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { sendJson } from "./context.js";
import { documentedSchema } from "./openapi-operations.js";

export const DOCS_PREFIX = "/docs";
export const OPENAPI_PATH = "/openapi.json";

/** Registers the OpenAPI generator; call before any route is added so all are collected. */
export async function registerOpenApi(
  app: FastifyInstance,
  version: string,
  keysEnabled = false,
): Promise<void> {
  await app.register(swagger, {
    transform: ({ schema, url, route }) => ({
      schema: documentedSchema(schema ?? {}, url, route, keysEnabled),
      url,
    }),
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "econet-gm3-gateway",
        version,
        description:
          "Local HTTP API of a GM3 (Plum ecoMAX360i) heat-pump gateway, drop-in for the Home Assistant `econext` integration. " +
          'Every response is JSON; errors are `{"error": code, "detail": message}`. ' +
          "With API_KEY / API_READ_KEY set, send `Authorization: Bearer <key>` or `X-API-Key: <key>`; every operation that needs one then says so (security, 401/403). " +
          "Any route may answer 503 `shutting-down` while the gateway stops, and 400 to an HTTP/1.1 request without Host.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
          // Only /ws/parameters takes the key in the query (browsers cannot set WebSocket headers).
          queryKey: { type: "apiKey", in: "query", name: "key" },
        },
      },
    },
  });
}

export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get(OPENAPI_PATH, { config: { access: "public" }, schema: { hide: true } }, (_request, reply) =>
    sendJson(reply, 200, app.swagger()),
  );
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
    uiConfig: { deepLinking: true, validatorUrl: null },
  });
}
