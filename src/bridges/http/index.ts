/**
 * The HTTP bridge: the API server factory and its parts. Keys and the error shape live in
 * `src/http/`, the JSON views of the data in `src/views/`, and are imported from there (one way in).
 */
export { type ApiContext, sendJson, sendNotReady } from "./context.js";
export type { ApiCore, ApiWrites } from "./core.js";
export { DOCS_PREFIX, OPENAPI_PATH } from "./docs.js";
export { acceptsGzip } from "./encoding.js";
export { createRequestLogHook } from "./request-log.js";
export { GATEWAY_NAME } from "./routes/service.js";
export * as schemas from "./schemas.js";
export { ErrorBodySchema } from "./schemas.js";
export { type ApiServerDeps, createApiServer } from "./server.js";
export {
  DisabledThermostat,
  THERMOSTAT_MAX_AGE_SECONDS,
  THERMOSTAT_STALE_FALLBACK_CELSIUS,
} from "./thermostat.js";
