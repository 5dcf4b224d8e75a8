/**
 * The HTTP API: the server factory and its parts. Keys, the error shape (`../http/`) and the JSON
 * views of the data (`../views/`) are re-exported here for the API's users; other bridges import
 * them from there, never from here.
 */
export {
  type ApiAccess,
  ApiKeyCheck,
  type ApiKeys,
  accessOf,
  createAuthHook,
  presentedKey,
} from "../http/auth.js";
export {
  ApiError,
  type ApiErrorBody,
  errorBody,
  handleError,
  JSON_CONTENT_TYPE,
  sendApiError,
  toApiError,
} from "../http/errors.js";
export { assessHealth, type HealthAssessment, type HealthState, STALE_POLL_FACTOR } from "../views/health.js";
export { ParametersView, parameterFieldsJson } from "../views/parameters-view.js";
export { NOT_CONNECTED, type NotReady, notReadyReason } from "../views/readiness.js";
export { naiveLocalIso, naiveLocalIsoSeconds, utcIso } from "../views/timestamps.js";
export { type ApiValue, apiValue, floatJson, limitJson, valueJson } from "../views/values.js";
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
  type PairingAnswer,
  type PairingState,
  type TemperatureReceipt,
  THERMOSTAT_MAX_AGE_SECONDS,
  THERMOSTAT_STALE_FALLBACK_CELSIUS,
  type ThermostatApi,
  type ThermostatStatus,
} from "./thermostat.js";
