/**
 * Whether the values may be served, and how they are to be marked — one rule for the HTTP API,
 * WebSocket, MQTT availability and /health:
 *
 * - `fresh`: the link is up and a complete poll of the verified controller was stored since it came
 *   up (HA-COMPAT.md: data only after discovery and one complete poll).
 * - `stale`: the last complete picture is served, marked with its age, while it cannot be refreshed —
 *   the link is down or reconnecting, or the gateway has just started from its snapshot and not
 *   polled yet — for at most `maxStaleMs` (STALE_DATA_MAX_AGE) from when it was read. A short
 *   outage (an adapter re-plugged, ser2net restarted, the gateway restarted) then does not turn
 *   every Home Assistant entity unavailable; a long one does.
 * - `unavailable`: nothing complete to serve, values older than that, or values known to be wrong —
 *   another controller, or a changed catalogue being read again (503, as the reference gateway
 *   answers whenever it is not connected).
 */

export type DataState = "fresh" | "stale" | "unavailable";

export interface DataStateInputs {
  now: number;
  /** STALE_DATA_MAX_AGE; 0 = never serve stale values (the reference gateway's behaviour). */
  maxStaleMs: number;
  linkUp: boolean;
  /** The store holds a complete set of values that may belong to the controller (none known wrong). */
  haveValues: boolean;
  /** A complete poll of the verified controller since the link came up. */
  polledSinceConnect: boolean;
  /** When the values were last read completely (the last complete poll, or the snapshot's). */
  asOf: number | undefined;
}

export function dataStateOf(inputs: DataStateInputs): DataState {
  if (!inputs.haveValues) return "unavailable";
  if (inputs.linkUp && inputs.polledSinceConnect) return "fresh";
  if (inputs.asOf === undefined || inputs.maxStaleMs <= 0) return "unavailable";
  const ageMs = inputs.now - inputs.asOf;
  // A time in the future (a clock set back since) is not trusted either.
  return ageMs >= 0 && ageMs <= inputs.maxStaleMs ? "stale" : "unavailable";
}
