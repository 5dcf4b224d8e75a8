/**
 * A link lost in the middle of a poll ends that poll's bus-time meter too: after many such losses
 * the bus has as many listeners as before (a 30-minute soak with an unplug a minute showed
 * MaxListenersExceededWarning on the bus, and the memory rising with it).
 */
import { describe, expect, it } from "vitest";
import { startFieldGateway } from "../helpers/field-gateway.js";

describe("unplugs in the middle of polls", () => {
  it("leave no bus listeners behind", async () => {
    const g = await startFieldGateway();
    try {
      const listeners = () =>
        g.core.bus.listenerCount("token") +
        g.core.bus.listenerCount("sent") +
        g.core.bus.listenerCount("frame");
      const before = listeners();
      let cutMidPoll = 0;
      const leftBehind: number[] = [];
      for (let i = 0; i < 6; i++) {
        // A poll is under way: its bus-time meter listens to the bus.
        await g.runUntil(() => listeners() > before, "a poll under way", 60_000);
        const cycles = g.core.status().poll.cycles;
        g.sim.faults.unplug(3_000);
        await g.runUntil(() => g.core.status().link.state !== "up", "link down", 5_000);
        if (g.core.status().poll.cycles === cycles) cutMidPoll++;
        // The link is down: no session runs, so no meter may listen any more.
        await g.runFor(100);
        leftBehind.push(listeners() - before);
        await g.runUntil(
          () => g.core.dataState() === "fresh" && g.core.status().link.state === "up",
          "fresh again",
          60_000,
        );
      }
      expect(cutMidPoll).toBe(6);
      expect(leftBehind).toEqual([0, 0, 0, 0, 0, 0]);
    } finally {
      await g.stop();
    }
  });
});
