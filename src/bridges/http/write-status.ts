/**
 * The HTTP status of each write failure: a concern of the HTTP bridge, not of the write service
 * (MQTT and WebSocket report the failure's name). Refusals of the request are 4xx, the bus or the
 * gateway not able to carry it out 5xx (502 when the controller refused it), a spent budget 429.
 */
import type { WriteError, WriteFailure } from "../../port/index.js";

export const WRITE_FAILURE_STATUS: Readonly<Record<WriteFailure, number>> = {
  "read-only-mode": 403,
  "not-found": 404,
  "read-only-parameter": 400,
  "panel-write-disabled": 400,
  "expert-only": 403,
  "wrong-type": 400,
  "not-a-whole-number": 400,
  "out-of-range": 400,
  "not-representable": 400,
  "too-long": 400,
  "link-down": 503,
  "not-ready": 503,
  "rate-limited": 429,
  "queue-full": 503,
  expired: 503,
  shutdown: 503,
  "not-confirmed": 503,
  rejected: 502,
};

/** The status an HTTP client gets for a failed or refused write. */
export function httpStatusOf(error: WriteError): number {
  return WRITE_FAILURE_STATUS[error.failure];
}
