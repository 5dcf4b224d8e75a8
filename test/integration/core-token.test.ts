import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Command } from "../../src/protocol/index.js";
import { eventually, startSimGateway } from "../helpers/sim-gateway.js";
import { auditToken } from "../helpers/token-audit.js";

describe("token passing and the bus address", () => {
  it("claims a free address from the panel's scan, persists it, and reuses it after a restart", async () => {
    const g = await startSimGateway({
      sim: { registeredGateways: [] },
      core: { sourceAddress: "auto" },
      useStateDir: true,
      dataTimeoutMs: 20_000,
    });
    let claimed: number | undefined;
    try {
      claimed = g.core.address.address;
      expect(claimed).toBeGreaterThanOrEqual(105);
      expect(claimed).toBeLessThanOrEqual(130);
      expect(g.core.address.state).toBe("paired");
      expect(g.sim.panel.registeredGateways).toContain(claimed);
      const saved = JSON.parse(await readFile(join(g.stateDir!, "bus-address.json"), "utf8")) as {
        address: number;
      };
      expect(saved.address).toBe(claimed);
      // It never answered a probe before the first device table.
      const entries = [...g.sim.bus.log];
      const firstTable = entries.findIndex(
        (e) => e.frame?.command === Command.SERVICE && e.frame.payload.readUInt16LE(0) === 0x2001,
      );
      const firstAnswer = entries.findIndex(
        (e) => e.frame?.command === Command.IDENTIFY_RESPONSE && e.frame.source === claimed,
      );
      expect(firstTable).toBeGreaterThanOrEqual(0);
      expect(firstAnswer).toBeGreaterThan(firstTable);
    } finally {
      await g.core.stop();
      await g.sim.stop();
    }
    // Restart with the same state directory: the persisted address is used at once.
    const again = await startSimGateway({
      sim: { registeredGateways: [claimed!] },
      core: { sourceAddress: "auto" },
      useStateDir: g.stateDir!,
    });
    try {
      expect(again.core.address.address).toBe(claimed);
      expect(again.core.address.state).toBe("paired");
      // Served from the snapshot at once, refreshed by the first poll, without a new discovery.
      expect(again.core.status().discovery.source).toBe("snapshot");
      expect(again.core.store.size).toBe(1870);
      await eventually(
        () => again.core.status().poll.cycles > 0 && !again.core.status().parameters.servingSnapshot,
        "first poll",
      );
      expect(
        again.gatewayFrames().filter((e) => e.frame?.command === Command.GET_PARAMS_STRUCT_WITH_RANGE),
      ).toHaveLength(0);
      expect(again.core.store.firstPollComplete).toBe(true);
    } finally {
      await again.stop();
      const { rm } = await import("node:fs/promises");
      await rm(g.stateDir!, { recursive: true, force: true });
    }
  });

  it("transmits only while holding the token and returns it every time, also after failures", async () => {
    const g = await startSimGateway();
    try {
      // Make some operations fail: the controller goes silent for a while.
      g.sim.faults.silenceController(1_500);
      await new Promise((r) => setTimeout(r, 2_500));
      await g.core.write({ target: "SummerOn", value: 23, origin: "test" });
      await eventually(() => !g.core.bus.holdingToken, "token returned");
      const audit = auditToken(g.sim.bus.log, 114);
      expect(audit.grants).toBeGreaterThan(3);
      expect(audit.outsideToken).toEqual([]);
      expect(audit.unreturned).toBe(0);
      expect(g.sim.panel.stats.tokenTimeouts).toBe(0);
      expect(g.core.status().bus.stats.failures.timeout).toBeGreaterThan(0);
      // At most the grant being served right now is not yet returned.
      const { tokenGrants, tokenReturns } = g.core.status().bus.stats;
      expect(tokenGrants - tokenReturns).toBeLessThanOrEqual(1);
    } finally {
      await g.stop();
    }
  });

  it("waits for the token when the panel stops granting it, and resumes when grants come back", async () => {
    const g = await startSimGateway();
    try {
      g.sim.faults.stopTokenGrants();
      await new Promise((r) => setTimeout(r, 300));
      const cycles = g.core.status().poll.cycles;
      await new Promise((r) => setTimeout(r, 800));
      expect(g.core.status().poll.cycles).toBeLessThanOrEqual(cycles + 1);
      expect(g.core.status().bus.waitingForTokenSince).toBeDefined();
      const write = await g.core
        .write({ target: "SummerOn", value: 22, origin: "test" })
        .catch((e: unknown) => e);
      expect((write as { failure?: string }).failure).toBe("no-token");
      g.sim.faults.resumeTokenGrants();
      await eventually(() => g.core.status().poll.cycles > cycles + 2, "polling resumed");
      expect(auditToken(g.sim.bus.log, 114).outsideToken).toEqual([]);
    } finally {
      await g.stop();
    }
  });

  it("gives the token back when stopped while holding it", async () => {
    const g = await startSimGateway({ core: { pollIntervalMs: 10 } });
    await eventually(() => g.core.bus.holdingToken, "token held", 5_000);
    await g.core.stop();
    const audit = auditToken(g.sim.bus.log, 114);
    expect(audit.returns).toBe(audit.grants);
    await g.sim.stop();
  });
});
