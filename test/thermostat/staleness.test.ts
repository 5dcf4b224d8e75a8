/** Issue 16 point 4: the sentence /health and the log give for a stale room temperature. */
import { describe, expect, it } from "vitest";
import { staleRoomTemperatureReason } from "../../src/thermostat/staleness.js";
import type { ThermostatStatus } from "../../src/thermostat/virtual-thermostat.js";

const base: ThermostatStatus = {
  enabled: true,
  temperature: 21.4,
  humidity: null,
  effective_temperature: 21.4,
  effective_source: "ha",
  is_stale: false,
  age_seconds: 12,
  max_age_seconds: 300,
  stale_fallback: 19,
  pairing_state: "paired",
  bus_address: 166,
  pairing_window_seconds: null,
};

describe("staleRoomTemperatureReason", () => {
  it("says nothing while fresh, or while the thermostat is disabled", () => {
    expect(staleRoomTemperatureReason(base)).toBeUndefined();
    expect(staleRoomTemperatureReason({ ...base, enabled: false, is_stale: true })).toBeUndefined();
  });

  it("names the age, the limit and the last reading", () => {
    expect(staleRoomTemperatureReason({ ...base, is_stale: true, age_seconds: 312.4 })).toBe(
      "room temperature stale: no reading for 312 s (THERMOSTAT_MAX_AGE 300 s), the controller is told 21.4 °C, the last reading",
    );
  });

  it("names the backup ecoSTER when its reading is served", () => {
    expect(
      staleRoomTemperatureReason({
        ...base,
        is_stale: true,
        age_seconds: 400,
        effective_source: "backup:165",
        effective_temperature: 20.9,
      }),
    ).toBe(
      "room temperature stale: no reading for 400 s (THERMOSTAT_MAX_AGE 300 s), the controller is told 20.9 °C from the real ecoSTER at address 165 (backup)",
    );
  });

  it("says when nothing was ever received and the fallback is sent", () => {
    expect(
      staleRoomTemperatureReason({
        ...base,
        temperature: null,
        is_stale: true,
        age_seconds: null,
        effective_source: "fallback",
        effective_temperature: 19,
      }),
    ).toBe(
      "room temperature stale: no reading received yet, the controller is told 19 °C (THERMOSTAT_STALE_FALLBACK, no reading was ever received)",
    );
  });
});
