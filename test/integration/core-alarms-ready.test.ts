/**
 * The alarm log is available whenever the parameters are (HA-COMPAT: /api/alarms 503 only when not
 * connected). At the field cadence on simulated time (field-gateway.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GatewayCore } from "../../src/gateway/core.js";
import { startFieldGateway } from "../helpers/field-gateway.js";

/** Records, at the first moment the data is ready, whether the alarm log has been read. */
function alarmsWhenReady(core: GatewayCore): Promise<{ lastReadAt: number | undefined; count: number }> {
  return new Promise((resolve) => {
    const check = () => {
      if (!core.dataReady()) return;
      core.off("status", check);
      resolve({ lastReadAt: core.status().alarms.lastReadAt, count: core.alarms.length });
    };
    core.on("status", check);
    check();
  });
}

describe("alarms and data readiness", () => {
  it("reads the alarm log before the data is declared ready after a discovery", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "gm3-alarms-"));
    const g = await startFieldGateway({ waitForData: false, useStateDir: stateDir });
    try {
      const seen = await g.settle(alarmsWhenReady(g.core), "data ready", 120_000);
      expect(seen.lastReadAt).toBeDefined();
      expect(g.sim.panel.alarms.length).toBeGreaterThan(0);
      expect(seen.count).toBe(g.sim.panel.alarms.length);
    } finally {
      await g.stop(); // saves the snapshot, with the alarm log
    }
    // Restarted a minute later on the snapshot, with no token (no poll): parameters and alarms are
    // served at once.
    const again = await startFieldGateway({
      waitForData: false,
      useStateDir: stateDir,
      sim: { faults: { tokenGrants: false } },
      startDate: new Date(g.clock.date().getTime() + 60_000),
    });
    try {
      const seen = await again.settle(alarmsWhenReady(again.core), "data ready", 5_000);
      expect(again.core.status().parameters.servingSnapshot).toBe(true);
      expect(again.core.status().poll.cycles).toBe(0);
      expect(seen.lastReadAt).toBeDefined();
      expect(seen.count).toBe(again.sim.panel.alarms.length);
    } finally {
      await again.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
