/**
 * Issue 16 acceptance, the bus side: the gateway core at the field cadence with the virtual
 * thermostat on its bus (the `Gm3Bus` responder hook), paired by the simulated panel, answers every
 * panel poll over 30 simulated minutes while the gateway polls and writes, and the temperature
 * posted for it reaches the controller's circuit parameter within two panel polls.
 */
import { describe, expect, it } from "vitest";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { startFieldGateway, valueOtherThanHeld } from "../helpers/field-gateway.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

describe("the virtual thermostat on the gateway's bus (field cadence)", () => {
  it("pairs by beacon, then every panel poll is answered for 30 minutes while the gateway polls and writes", async () => {
    const g = await startFieldGateway();
    const thermostat = await VirtualThermostat.open({ clock: gatewayClockOn(g.clock), enabled: true });
    try {
      g.core.bus.setResponder(thermostat);
      expect(thermostat.startPairing().ok).toBe(true);
      g.sim.panel.startPairing(60_000);
      await g.runUntil(
        () => thermostat.status().pairing_state === "paired" && g.sim.panel.thermostats.length === 1,
        "pairing by beacon",
        60_000,
      );
      const address = thermostat.status().bus_address!;
      expect(g.sim.panel.thermostats).toEqual([address]);
      expect(g.sim.panel.stats.identityRejections).toBe(0);

      const polls = { answered: 0, failed: 0 };
      g.sim.panel.on("thermostat-polled", (polled, answered) => {
        if (polled === address) polls[answered ? "answered" : "failed"]++;
      });
      const circuitTemp = g.sim.controllerIndexOf("Circuit2thermostatTemp")!;
      const pollCycles = g.core.status().poll.cycles;
      let confirmedWrites = 0;
      let late = 0;
      const start = g.clock.now();
      for (let minute = 0; minute < 30; minute++) {
        const temperature = 19 + minute / 10;
        thermostat.acceptTemperature(temperature);
        const pollsBefore = polls.answered;
        await g.runUntil(() => polls.answered >= pollsBefore + 2, "two panel polls", 40_000);
        if (Math.abs((g.sim.controller.getValue(circuitTemp) as number) - temperature) > 1e-4) late++;
        if (minute % 5 === 0) {
          const job = await g.settle(
            g.core.write({ target: "SummerOn", value: valueOtherThanHeld(g, 702), origin: "test" }),
            "a write",
            60_000,
          );
          if (job.state === "confirmed") confirmedWrites++;
        }
        await g.runFor(Math.max(0, start + 60_000 * (minute + 1) - g.clock.now()));
      }
      expect(polls.failed).toBe(0);
      expect(polls.answered).toBeGreaterThanOrEqual(150);
      expect(late).toBe(0);
      expect(confirmedWrites).toBe(6);
      // The gateway's own polling goes on at its field rate (a full poll every other grant, ~21 s:
      // 86 cycles in 30 minutes with or without the thermostat when this test was written).
      expect(g.core.status().poll.cycles - pollCycles).toBeGreaterThanOrEqual(80);
      expect(g.sim.panel.stats.thermostatPollsFailed).toBe(0);
    } finally {
      thermostat.close();
      await g.stop();
    }
  }, 300_000);
});
