/**
 * The virtual-thermostat calls (HA-COMPAT.md §8). Answered from memory at once: Home Assistant gives
 * them 5 s, and a timeout of the temperature call fails its whole update cycle.
 */

import { sendApiError } from "../../../http/errors.js";
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

export function registerThermostatRoutes(app: TypedApp, ctx: ApiContext): void {
  const { thermostat, core } = ctx;

  app.get(
    "/api/thermostat/status",
    {
      schema: {
        tags: [TAG],
        summary: "Virtual thermostat state",
        description: "Always 200. `enabled: false` until the gateway's virtual thermostat is enabled.",
        response: { 200: ThermostatStatusSchema, ...errorResponses(401) },
      },
    },
    (_request, reply) => {
      const s = thermostat.status(core.clock.now());
      return sendJson(reply, 200, {
        enabled: s.enabled,
        temperature: s.temperature,
        effective_temperature: s.effectiveTemperature,
        is_stale: s.isStale,
        age_seconds: s.ageSeconds,
        max_age_seconds: s.maxAgeSeconds,
        stale_fallback: s.staleFallback,
        pairing_state: s.pairingState,
        bus_address: s.busAddress,
        effective_source: s.effectiveSource,
      });
    },
  );

  app.post(
    "/api/thermostat/temperature",
    {
      schema: {
        tags: [TAG],
        summary: "Room temperature from Home Assistant",
        description:
          "Stored in memory and answered at once; never waits for the bus. While the virtual thermostat is disabled " +
          "nothing is sent on the bus (`forwarded_to_bus: false`). 422 when `temperature` is missing, not a number, " +
          `or outside ${THERMOSTAT_TEMPERATURE_RANGE.min}…${THERMOSTAT_TEMPERATURE_RANGE.max} °C (nothing is stored then).`,
        body: TemperatureBodySchema,
        response: { 200: TemperatureResultSchema, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    (request, reply) => {
      const { temperature } = request.body;
      const { min, max } = THERMOSTAT_TEMPERATURE_RANGE;
      // JSON has no NaN or Infinity, but 1e308 parses and rounds to Infinity: checked here.
      if (!Number.isFinite(temperature) || temperature < min || temperature > max) {
        return sendApiError(
          reply,
          422,
          "out-of-range",
          `temperature must be a room temperature between ${min} and ${max} °C, got ${String(temperature).slice(0, 40)}; nothing was stored`,
        );
      }
      const receipt = thermostat.submitTemperature(temperature, core.clock.now());
      return sendJson(reply, 200, {
        success: true,
        temperature: receipt.temperature,
        previous_age_seconds: receipt.previousAgeSeconds,
        timestamp: naiveLocalIso(receipt.receivedAt),
        forwarded_to_bus: receipt.forwardedToBus,
      });
    },
  );

  app.post(
    "/api/thermostat/pair",
    {
      schema: {
        tags: [TAG],
        summary: "Start pairing the virtual thermostat with the panel",
        description: "409 when the virtual thermostat is disabled (a normal 'no' for Home Assistant).",
        response: { 200: PairResultSchema, ...errorResponses(401, 403, 409) },
      },
    },
    (_request, reply) => {
      const answer = thermostat.requestPairing();
      if (!answer.accepted) return sendApiError(reply, 409, "pairing-unavailable", answer.reason);
      return sendJson(reply, 200, { success: true, message: answer.message });
    },
  );
}
