import { it } from "vitest";
import { startSimGateway } from "./helpers/sim-gateway.js";

it("dbg", async () => {
  const g = await startSimGateway({ sim: { liveValues: false, seed: 7 } });
  g.sim.faults.set({ crcErrorRate: 0.05, dropResponseRate: 0.05, truncateRate: 0.03, noiseRate: 0.1 });
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const s = g.core.status();
    console.log(
      i,
      "cycles",
      s.poll.cycles,
      "err",
      s.poll.lastError?.slice(0, 100),
      "q",
      s.bus.queueLength,
      "hold",
      s.bus.holdingToken,
      JSON.stringify(s.bus.stats.failures),
      "grants",
      s.bus.stats.tokenGrants,
      "panel grants",
      g.sim.panel.stats.tokenGrants,
      "timeouts",
      g.sim.panel.stats.tokenTimeouts,
    );
  }
  await g.stop();
}, 30000);
