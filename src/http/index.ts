/**
 * What every endpoint on the gateway's HTTP server shares, whichever bridge mounts it: API keys
 * (header or `?key=`) and the one error shape. The HTTP API and the WebSocket stream both use it,
 * so neither bridge imports the other.
 */
export { type ApiAccess, ApiKeyCheck, type ApiKeys, accessOf, createAuthHook, presentedKey } from "./auth.js";
export {
  ApiError,
  type ApiErrorBody,
  errorBody,
  handleError,
  JSON_CONTENT_TYPE,
  sendApiError,
  toApiError,
} from "./errors.js";
export { INGRESS_PATH_HEADER, ingressPrefix, isIngressRequest, peerAddress } from "./ingress.js";
