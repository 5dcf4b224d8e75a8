/** The HTTP API: server factory plus the pieces other bridges reuse (auth, error shape). */
export { type ApiAccess, ApiKeyCheck, type ApiKeys, accessOf, createAuthHook, presentedKey } from "./auth.js";
export { type ApiContext, sendJson, sendNotReady } from "./context.js";
export type { ApiCore } from "./core.js";
export { DOCS_PREFIX, OPENAPI_PATH } from "./docs.js";
export { acceptsGzip } from "./encoding.js";
export {
  ApiError,
  type ApiErrorBody,
  ErrorBodySchema,
  errorBody,
  handleError,
  JSON_CONTENT_TYPE,
  sendApiError,
  toApiError,
} from "./errors.js";
export { assessHealth, type HealthAssessment, type HealthState, STALE_POLL_FACTOR } from "./health.js";
export { ParametersView, parameterFieldsJson } from "./parameters-view.js";
export { createWriteRateLimitHook, WriteRateLimiter } from "./rate-limit.js";
export { NOT_CONNECTED, type NotReady, notReadyReason } from "./readiness.js";
export { createRequestLogHook } from "./request-log.js";
export { GATEWAY_NAME } from "./routes/service.js";
export * as schemas from "./schemas.js";
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
export { naiveLocalIso, naiveLocalIsoSeconds, utcIso } from "./timestamps.js";
export { type ApiValue, apiValue, floatJson, limitJson, valueJson } from "./values.js";
