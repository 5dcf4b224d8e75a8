/** The alarm log is available whenever the parameters are (HA-COMPAT: /api/alarms 503 only when not connected). */
import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { GatewayCore } from "../../src/gateway/core.js";
import { startSimGateway } from "../helpers/sim-gateway.js";

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
    const g = await startSimGateway({ waitForData: false, useStateDir: true });
    const stateDir = g.stateDir!;
    try {
      const seen = await alarmsWhenReady(g.core);
      expect(seen.lastReadAt).toBeDefined();
      expect(g.sim.panel.alarms.length).toBeGreaterThan(0);
      expect(seen.count).toBe(g.sim.panel.alarms.length);
      await g.core.stop(); // saves the snapshot, with the alarm log
    } finally {
      await g.sim.stop();
    }
    // Restarted on the snapshot, with no token (no poll): parameters and alarms are served at once.
    const again = await startSimGateway({
      waitForData: false,
      useStateDir: stateDir,
      sim: { faults: { tokenGrants: false } },
    });
    try {
      const seen = await alarmsWhenReady(again.core);
      expect(again.core.status().parameters.servingSnapshot).toBe(true);
      expect(seen.lastReadAt).toBeDefined();
      expect(seen.count).toBe(again.sim.panel.alarms.length);
    } finally {
      await again.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
