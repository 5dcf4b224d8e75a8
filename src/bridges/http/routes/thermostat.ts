/**
 * The virtual-thermostat calls (HA-COMPAT.md §8). Answered from memory at once: Home Assistant gives
 * them 5 s, and a timeout of the temperature call fails its whole update cycle. The thermostat is
 * the gateway's VirtualThermostat when THERMOSTAT_ENABLED, else the DisabledThermostat.
 */

import { sendApiError } from "../../../http/errors.js";
import { isValidTemperature, type StartPairingResult } from "../../../port/index.js";
import { naiveLocalIso } from "../../../views/timestamps.js";
import { type ApiContext, sendJson, type TypedApp } from "../context.js";
import {
  errorResponses,
  PairResultSchema,
  TemperatureBodySchema,
  TemperatureResultSchema,
  ThermostatStatusSchema,
} from "../schemas.js";
import { THERMOSTAT_TEMPERATURE_RANGE } from "../thermostat.js";

const TAG = "thermostat";
/** The reference gateway's words (HA-COMPAT.md §8.3). */
const PAIRING_REQUESTED = "Pairing requested, put panel in pairing mode within 60s";
const PAIRING_UNAVAILABLE = "Thermostat already paired or pairing not available";

const isValidHumidity = (value: number) => Number.isFinite(value) && value >= 0 && value <= 100;

/** The answer to a second POST /pair while the window is open: where pairing is now. */
function inProgressMessage(
  result: Extract<StartPairingResult, { reason: "window-open" }>,
  now: number,
): string {
  const { state, windowEndsAt } = result.snapshot;
  const left = windowEndsAt === undefined ? 0 : Math.max(0, Math.ceil((windowEndsAt - now) / 1000));
  const doing =
    state === "beacon_responded"
      ? "the panel's beacon was answered, waiting for it to assign the address"
      : "waiting for the panel's pairing beacon: put the panel in pairing mode";
  return `Pairing already in progress (${state}, ${left} s left): ${doing}`;
}

export function registerThermostatRoutes(app: TypedApp, ctx: ApiContext): void {
  const { thermostat, core } = ctx;

  app.get(
    "/api/thermostat/status",
    {
      schema: {
        tags: [TAG],
        summary: "Virtual thermostat state",
        description:
          "Always 200. `enabled: false` while THERMOSTAT_ENABLED is off. `effective_source` says where the " +
          "reported temperature comes from; `is_stale` after THERMOSTAT_MAX_AGE without a reading.",
        response: { 200: ThermostatStatusSchema, ...errorResponses(401) },
      },
    },
    (_request, reply) => sendJson(reply, 200, thermostat.status()),
  );

  app.post(
    "/api/thermostat/temperature",
    {
      schema: {
        tags: [TAG],
        summary: "Room temperature from Home Assistant",
        description:
          "Stored in memory and answered at once; never waits for the bus: the panel's next poll of the virtual " +
          "thermostat (~10 s) carries it. While the virtual thermostat is disabled nothing is sent on the bus " +
          "(`forwarded_to_bus: false`). 422 when `temperature` is missing, not a number, or outside " +
          `${THERMOSTAT_TEMPERATURE_RANGE.min}…${THERMOSTAT_TEMPERATURE_RANGE.max} °C, or \`humidity\` is outside 0…100 % ` +
          "(nothing is stored then).",
        body: TemperatureBodySchema,
        response: { 200: TemperatureResultSchema, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    (request, reply) => {
      const { temperature, humidity } = request.body;
      const { min, max } = THERMOSTAT_TEMPERATURE_RANGE;
      // JSON has no NaN or Infinity, but 1e308 parses and rounds to Infinity: checked here.
      if (!isValidTemperature(temperature)) {
        return sendApiError(
          reply,
          422,
          "out-of-range",
          `temperature must be a room temperature between ${min} and ${max} °C, got ${String(temperature).slice(0, 40)}; nothing was stored`,
        );
      }
      if (humidity !== undefined && !isValidHumidity(humidity)) {
        return sendApiError(
          reply,
          422,
          "out-of-range",
          `humidity must be a relative humidity between 0 and 100 %, got ${String(humidity).slice(0, 40)}; nothing was stored`,
        );
      }
      const accepted = thermostat.acceptTemperature(temperature, humidity);
      const stored = thermostat.status().humidity;
      return sendJson(reply, 200, {
        success: true,
        temperature: accepted.temperature,
        previous_age_seconds: accepted.previousAgeSeconds,
        timestamp: naiveLocalIso(accepted.receivedAt),
        ...(humidity !== undefined && stored !== null ? { humidity: stored } : {}),
        forwarded_to_bus: thermostat.enabled,
      });
    },
  );

  // Pairing takes no body, and Home Assistant's client (aiohttp) posts none with
  // `Content-Type: application/octet-stream`: whatever comes is ignored here (as the reference
  // does), never a 415 — so the route has its own parsers.
  app.register(async (scoped: TypedApp) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, undefined));
    scoped.post(
      "/api/thermostat/pair",
      {
        schema: {
          tags: [TAG],
          summary: "Start pairing the virtual thermostat with the panel",
          description:
            "200: the 60 s pairing window is open — put the panel in pairing mode now (a paired thermostat pairs " +
            "again). A call while the window is open answers 200 with the state it is in and the seconds left. " +
            "409 when the virtual thermostat is disabled (a normal 'no' for Home Assistant).",
          response: { 200: PairResultSchema, ...errorResponses(401, 403, 409) },
        },
      },
      (_request, reply) => {
        const result = thermostat.startPairing();
        if (!result.ok && result.reason === "disabled") {
          return sendApiError(
            reply,
            409,
            "pairing-unavailable",
            `${PAIRING_UNAVAILABLE}: the virtual thermostat is disabled (set THERMOSTAT_ENABLED=true)`,
          );
        }
        const status = thermostat.status();
        return sendJson(reply, 200, {
          success: true,
          message: result.ok ? PAIRING_REQUESTED : inProgressMessage(result, core.clock.now()),
          pairing_state: result.snapshot.state,
          ...(status.pairing_window_seconds !== null
            ? { pairing_window_seconds: status.pairing_window_seconds }
            : {}),
        });
      },
    );
  });
}
