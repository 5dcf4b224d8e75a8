/**
 * The thermostat watch the MQTT and WebSocket bridges share (src/views/thermostat-watch.ts), on
 * simulated time: it announces the state a client acts on (a temperature, staleness that comes
 * with time alone, the pairing window) within one interval, and not the ages ticking.
 */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/sim/index.js";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { type ThermostatStatusView, ThermostatWatch } from "../../src/views/thermostat-watch.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

describe("ThermostatWatch", () => {
  it("announces changes within a second and nothing while only ages move", async () => {
    const sim = new VirtualClock();
    const clock = gatewayClockOn(sim);
    const thermostat = await VirtualThermostat.open({ clock, enabled: true, maxAgeMs: 10_000 });
    const watch = new ThermostatWatch(thermostat, clock);
    const seen: ThermostatStatusView[] = [];
    watch.onChange((status) => seen.push(status));
    try {
      sim.advance(5_000);
      expect(seen).toEqual([]);
      thermostat.acceptTemperature(21.5);
      sim.advance(1_000);
      expect(seen.map((s) => [s.temperature, s.is_stale])).toEqual([[21.5, false]]);
      // Ages move for 9 s: nothing; past 10 s the feed is stale, seen within a second.
      sim.advance(9_000);
      expect(seen).toHaveLength(1);
      sim.advance(1_500);
      expect(seen.map((s) => s.is_stale)).toEqual([false, true]);
      thermostat.startPairing();
      expect(watch.check().pairing_state).toBe("pairing_requested");
      expect(seen.at(-1)?.pairing_state).toBe("pairing_requested");
      sim.advance(5_000);
      expect(seen).toHaveLength(3);
      watch.stop();
      thermostat.acceptTemperature(22);
      sim.advance(5_000);
      expect(seen).toHaveLength(3);
    } finally {
      watch.stop();
      thermostat.close();
    }
  });
});
