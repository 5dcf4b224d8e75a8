/** The write gate (src/gateway/write-gate.ts) on a virtual clock: waits end when it opens, or at the deadline. */
import { describe, expect, it } from "vitest";
import { WriteGate } from "../../src/gateway/write-gate.js";
import { VirtualClock } from "../../src/sim/index.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

describe("write gate", () => {
  it("lets a waiting write go as soon as it opens, and tells one still held at its deadline why", async () => {
    const sim = new VirtualClock();
    const clock = gatewayClockOn(sim);
    let reason: string | undefined = "not verified yet";
    const gate = new WriteGate(() => reason, clock);
    const start = clock.now();
    const early = gate.waitOpen(start + 1_000);
    const late = gate.waitOpen(start + 10_000);
    let earlyResult: string | undefined | null = null;
    void early.then((r) => (earlyResult = r));
    await sim.runFor(1_000);
    expect(earlyResult).toBe("not verified yet");
    await sim.runFor(2_000);
    reason = undefined;
    gate.changed();
    expect(await late).toBeUndefined();
    expect(sim.now()).toBe(3_000);
    expect(sim.pendingTimers).toBe(0);
    expect(await gate.waitOpen(start)).toBeUndefined();
  });

  it("does not release waiters on a change that leaves it closed, and ends every wait when closed", async () => {
    const sim = new VirtualClock();
    const gate = new WriteGate(() => "link down", gatewayClockOn(sim));
    const wait = gate.waitOpen(gatewayClockOn(sim).now() + 60_000);
    gate.changed();
    gate.close("the gateway is stopping");
    expect(await wait).toBe("the gateway is stopping");
    expect(sim.pendingTimers).toBe(0);
  });
});
