/** A changed controller and panel writes, at the field cadence on simulated time (field-gateway.ts). */

import { describe, expect, it } from "vitest";
import { isExpertOnly } from "../../src/catalog/expert-parameters.js";
import { Command } from "../../src/protocol/index.js";
import { startFieldGateway } from "../helpers/field-gateway.js";

describe("controller identity and panel writes", () => {
  it("rediscovers when the controller's identity changes (a swapped or reflashed controller)", async () => {
    const g = await startFieldGateway();
    try {
      const discoveries = () => g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE ?? 0;
      const before = discoveries();
      g.sim.controller.setValue(0, "S025.01"); // new firmware
      // The next poll sees it, and the discovery runs in the grant after that.
      await g.runUntil(
        () => discoveries() > before && g.core.status().discovery.state === "complete",
        "a new discovery",
        120_000,
      );
      await g.runUntil(() => g.core.store.get(0)?.value === "S025.01", "the new firmware value", 60_000);
    } finally {
      await g.stop();
    }
  });

  it("a link lost between the first discovery and its first poll does not count as another controller", async () => {
    const g = await startFieldGateway({ waitForData: false });
    try {
      const discoveries = () => g.sim.controller.requestCounts.GET_PARAMS_STRUCT_WITH_RANGE ?? 0;
      let unplugged = false;
      // Synchronously, as the discovery ends: the identity (read by polls) is not known yet.
      g.core.on("status", () => {
        if (
          !unplugged &&
          g.core.status().discovery.state === "complete" &&
          g.core.status().poll.cycles === 0
        ) {
          unplugged = true;
          g.sim.faults.unplug(3_000);
        }
      });
      await g.runUntil(() => unplugged, "the first discovery", 120_000);
      const after = discoveries();
      await g.runUntil(
        () => g.core.dataReady() && g.core.status().poll.cycles > 0,
        "data after the reconnect",
        120_000,
      );
      expect(discoveries()).toBe(after);
      expect(g.core.status().check.lastResult).toBe("same controller");
    } finally {
      await g.stop();
    }
  });

  it("refuses panel writes by default, and with ALLOW_PANEL_WRITES sends them the reference way (10000+ to the controller)", async () => {
    const g = await startFieldGateway({ env: { ALLOW_PANEL_WRITES: "true" } });
    try {
      const entry = [...g.core.store.all()].find(
        (e) =>
          e.definition.space === "panel" &&
          e.definition.writable &&
          e.definition.exposed &&
          e.definition.type === 4 &&
          // A service parameter (the panel's clock) would be refused expert-only before the bus.
          !isExpertOnly(e.definition),
      )!;
      expect(entry).toBeDefined();
      const job = await g.settle(
        g.core.write({ target: entry.definition.index, value: entry.value === 1 ? 0 : 1, origin: "test" }),
        "write",
        30_000,
      );
      // The simulated controller does not know indices 10000+ (nothing shows a real one does).
      expect(job.state).toBe("failed");
      expect(job.error?.failure).toBe("rejected");
      expect(job.sent).toBe(true);
      const sent = g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.frame!.destination).toBe(1);
    } finally {
      await g.stop();
    }
  });
});
