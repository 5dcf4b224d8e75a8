/** Issue 16 point 6: the virtual thermostat's settings, their Python-gateway aliases and bad values. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";

const load = (env: Record<string, string>) => loadConfig({ env, cwd: "/", pathExists: () => false });

function problemOf(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("THERMOSTAT_* settings", () => {
  it("defaults: off, 300 s, 19.0 °C", () => {
    const { config } = load({});
    expect(config.thermostatEnabled).toBe(false);
    expect(config.thermostatMaxAgeMs).toBe(300_000);
    expect(config.thermostatStaleFallback).toBe(19);
  });

  it("reads the gateway's names", () => {
    const { config, warnings } = load({
      THERMOSTAT_ENABLED: "true",
      THERMOSTAT_MAX_AGE: "600",
      THERMOSTAT_STALE_FALLBACK: "20.5",
    });
    expect(config).toMatchObject({
      thermostatEnabled: true,
      thermostatMaxAgeMs: 600_000,
      thermostatStaleFallback: 20.5,
    });
    expect(warnings).toEqual([]);
  });

  it("reads the Python gateway's ECONEXT_THERMOSTAT_* names as aliases, without a warning", () => {
    const { config, warnings, sources } = load({
      ECONEXT_THERMOSTAT_ENABLED: "1",
      ECONEXT_THERMOSTAT_MAX_AGE: "120",
      ECONEXT_THERMOSTAT_STALE_FALLBACK: "18",
    });
    expect(config).toMatchObject({
      thermostatEnabled: true,
      thermostatMaxAgeMs: 120_000,
      thermostatStaleFallback: 18,
    });
    expect(warnings).toEqual([]);
    expect(sources.thermostatEnabled).toMatchObject({ source: "alias", name: "ECONEXT_THERMOSTAT_ENABLED" });
  });

  it("the gateway's name wins over the alias, and the alias is named as ignored", () => {
    const { config, warnings } = load({
      THERMOSTAT_ENABLED: "false",
      ECONEXT_THERMOSTAT_ENABLED: "true",
      THERMOSTAT_STALE_FALLBACK: "21",
      ECONEXT_THERMOSTAT_STALE_FALLBACK: "17",
    });
    expect(config.thermostatEnabled).toBe(false);
    expect(config.thermostatStaleFallback).toBe(21);
    expect(warnings).toEqual([
      "ECONEXT_THERMOSTAT_ENABLED is ignored: THERMOSTAT_ENABLED is also set and wins",
      "ECONEXT_THERMOSTAT_STALE_FALLBACK is ignored: THERMOSTAT_STALE_FALLBACK is also set and wins",
    ]);
  });

  it.each([
    [{ THERMOSTAT_ENABLED: "maybe" }, /THERMOSTAT_ENABLED.*"maybe" is not a boolean/],
    [{ THERMOSTAT_MAX_AGE: "soon" }, /THERMOSTAT_MAX_AGE.*"soon" is not a duration/],
    [{ THERMOSTAT_MAX_AGE: "1" }, /THERMOSTAT_MAX_AGE.*1 s is too short/],
    [{ THERMOSTAT_MAX_AGE: "30d" }, /THERMOSTAT_MAX_AGE.*"30d" is not a duration/],
    [{ THERMOSTAT_STALE_FALLBACK: "warm" }, /THERMOSTAT_STALE_FALLBACK.*"warm" is not a number/],
    [{ THERMOSTAT_STALE_FALLBACK: "NaN" }, /THERMOSTAT_STALE_FALLBACK.*"NaN" is not a number/],
    [{ THERMOSTAT_STALE_FALLBACK: "Infinity" }, /THERMOSTAT_STALE_FALLBACK.*"Infinity" is not a number/],
    [{ THERMOSTAT_STALE_FALLBACK: "1e2" }, /THERMOSTAT_STALE_FALLBACK.*"1e2" is not a number/],
    [{ THERMOSTAT_STALE_FALLBACK: "61" }, /THERMOSTAT_STALE_FALLBACK.*61 °C is out of range/],
    [{ ECONEXT_THERMOSTAT_STALE_FALLBACK: "-40" }, /THERMOSTAT_STALE_FALLBACK.*-40 °C is out of range/],
  ])("%o → a ConfigError naming the setting and the problem", (env, message) => {
    expect(problemOf(env)).toMatch(message);
  });
});
