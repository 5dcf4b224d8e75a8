import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/sim/clock.js";
import { TemperatureSource } from "../../src/thermostat/temperature-source.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

function setup(options: Partial<ConstructorParameters<typeof TemperatureSource>[0]> = {}) {
  const sim = new VirtualClock();
  const source = new TemperatureSource({ clock: gatewayClockOn(sim), ...options });
  return { sim, source };
}

describe("TemperatureSource (PROTOCOL.md §17.6)", () => {
  it("serves the fallback only when nothing was ever received", () => {
    const { source } = setup();
    expect(source.effective()).toEqual({ value: 19, source: "fallback" });
    expect(source.isStale).toBe(true);
    expect(source.ageSeconds).toBeNull();
  });

  it("rounds to 2 decimals, reports the previous age, keeps the last value when stale", () => {
    const { sim, source } = setup();
    expect(source.accept(21.456)).toMatchObject({ temperature: 21.46, previousAgeSeconds: null });
    sim.advance(9_940);
    expect(source.accept(21.5, 48.25)).toMatchObject({ temperature: 21.5, previousAgeSeconds: 9.9 });
    expect(source.reading?.humidity).toBe(48.3);
    sim.advance(300_000);
    expect(source.isStale).toBe(false);
    sim.advance(1);
    expect(source.isStale).toBe(true);
    expect(source.effective()).toEqual({ value: 21.5, source: "ha" });
  });

  it("refuses NaN, Infinity and values outside −30…60 °C", () => {
    const { source } = setup();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -30.01, 60.01]) {
      expect(() => source.accept(bad)).toThrow(RangeError);
    }
    expect(() => source.accept(20, 101)).toThrow(RangeError);
    expect(source.reading).toBeUndefined();
  });

  it("restores a persisted value as fresh (never 0.0), superseded by the next reading", () => {
    const { sim, source } = setup({ persisted: { value: 22.1, receivedAt: 0 } });
    expect(source.effective()).toEqual({ value: 22.1, source: "persisted" });
    expect(source.isStale).toBe(false);
    sim.advance(400_000);
    expect(source.isStale).toBe(true);
    expect(source.effective()).toEqual({ value: 22.1, source: "persisted" });
    source.accept(20);
    expect(source.effective()).toEqual({ value: 20, source: "ha" });
  });

  it("takes a fresh backup reading while the feed is stale, gives it back when the feed resumes", () => {
    const { sim, source } = setup({ maxAgeMs: 60_000 });
    source.accept(21);
    source.acceptBackup(165, 18.9);
    expect(source.effective()).toEqual({ value: 21, source: "ha" });
    sim.advance(61_000);
    source.acceptBackup(165, 18.7);
    expect(source.effective()).toEqual({ value: 18.7, source: "backup:165" });
    sim.advance(61_000); // backup gone quiet too
    expect(source.effective()).toEqual({ value: 21, source: "ha" });
    source.acceptBackup(165, 18.6);
    source.accept(21.2);
    expect(source.effective()).toEqual({ value: 21.2, source: "ha" });
  });
});
