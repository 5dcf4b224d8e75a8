/**
 * How the gateway's state is shown to clients, whatever the transport: parameter values and fields
 * as JSON, timestamps, readiness and health. The HTTP API and the WebSocket stream both use it, so
 * neither bridge imports the other.
 */
export { assessHealth, type HealthAssessment, type HealthState, STALE_POLL_FACTOR } from "./health.js";
export { ParametersView, parameterFieldsJson } from "./parameters-view.js";
export { dataHeaders, NOT_CONNECTED, type NotReady, notReadyReason } from "./readiness.js";
export { naiveLocalIso, naiveLocalIsoSeconds, utcIso } from "./timestamps.js";
export { type ApiValue, apiValue, floatJson, limitJson, valueJson } from "./values.js";
