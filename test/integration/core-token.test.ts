/**
 * Token passing and the bus address at the field cadence (grant every ~10 s, scans every few
 * seconds, the gateway's real timeouts) on simulated time. What must not happen is shown over a
 * stretch of simulated time or from the simulated wire, never by sleeping.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WriteError } from "../../src/gateway/write-errors.js";
import { Command } from "../../src/protocol/index.js";
import { FIELD_GATEWAY_ADDRESS, type FieldGateway, startFieldGateway } from "../helpers/field-gateway.js";
import { auditToken } from "../helpers/token-audit.js";

/** Every grant the gateway received has been handed back on the wire. */
function tokenReturned(g: FieldGateway): () => boolean {
  return () => {
    const { tokenGrants, tokenReturns } = g.core.status().bus.stats;
    return !g.core.bus.holdingToken && tokenReturns === tokenGrants;
  };
}

describe("token passing and the bus address", () => {
  it("claims a free address from the panel's scan, persists it, and reuses it after a restart", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "gm3-claim-"));
    const g = await startFieldGateway({
      sim: { registeredGateways: [] },
      env: { GM3_SOURCE_ADDRESS: "auto" },
      useStateDir: stateDir,
      // A real panel takes minutes to register a new gateway: a device table, then a scan of a free
      // address, then a grant, then discovery and a poll.
      dataBudgetMs: 15 * 60_000,
    });
    let claimed: number | undefined;
    try {
      claimed = g.core.address.address;
      expect(claimed).toBeGreaterThanOrEqual(105);
      expect(claimed).toBeLessThanOrEqual(130);
      expect(g.core.address.state).toBe("paired");
      expect(g.sim.panel.registeredGateways).toContain(claimed);
      const saved = JSON.parse(await readFile(join(stateDir, "bus-address.json"), "utf8")) as {
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
      await g.stop();
    }
    // Restarted a minute later on the same state directory: the persisted address is used at once.
    const again = await startFieldGateway({
      sim: { registeredGateways: [claimed!] },
      env: { GM3_SOURCE_ADDRESS: "auto" },
      useStateDir: stateDir,
      waitForData: false,
      startDate: new Date(g.clock.date().getTime() + 60_000),
    });
    try {
      expect(again.core.address.address).toBe(claimed);
      expect(again.core.address.state).toBe("paired");
      // Served from the snapshot at once, refreshed by the first poll, without a new discovery.
      expect(again.core.status().discovery.source).toBe("snapshot");
      expect(again.core.store.size).toBe(1870);
      expect(again.core.status().parameters.servingSnapshot).toBe(true);
      await again.runUntil(
        () => again.core.status().poll.cycles > 0 && !again.core.status().parameters.servingSnapshot,
        "the first poll",
        60_000,
      );
      expect(
        again.gatewayFrames().filter((e) => e.frame?.command === Command.GET_PARAMS_STRUCT_WITH_RANGE),
      ).toHaveLength(0);
      expect(again.core.store.firstPollComplete).toBe(true);
    } finally {
      await again.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it("transmits only while holding the token and returns it every time, also after failures", async () => {
    const g = await startFieldGateway();
    try {
      // The controller goes silent over two grants: the polls in them time out (3 × SERIAL_TIMEOUT).
      g.sim.faults.silenceController(20_000);
      await g.runUntil(() => g.core.status().bus.stats.failures.timeout > 0, "a request timed out", 30_000);
      await g.runUntil(() => !g.sim.faults.controllerSilenced(), "the controller answers again", 30_000);
      await g.nextGrant();
      await g.settle(g.core.write({ target: "SummerOn", value: 23, origin: "test" }), "write", 30_000);
      await g.runUntil(() => g.grantsToGateway() >= 6, "six grants to the gateway", 120_000);
      await g.runUntil(tokenReturned(g), "the last grant returned", 20_000);
      const audit = auditToken(g.sim.bus.log, FIELD_GATEWAY_ADDRESS);
      expect(audit.grants).toBeGreaterThanOrEqual(6);
      expect(audit.outsideToken).toEqual([]);
      expect(audit.unreturned).toBe(0);
      expect(audit.returns).toBe(audit.grants);
      // The panel never had to take the token back by its own timeout.
      expect(g.sim.panel.stats.tokenTimeouts).toBe(0);
      expect(g.core.status().bus.stats.failures.timeout).toBeGreaterThan(0);
    } finally {
      await g.stop();
    }
  });

  it("waits for the token when the panel stops granting it, and resumes when grants come back", async () => {
    const g = await startFieldGateway();
    try {
      const modifyFrames = () => g.gatewayFrames().filter((e) => e.frame?.command === Command.MODIFY_PARAM);
      // Answers to the panel's IDENTIFY probes need no token; everything else does.
      const framesNeedingToken = () =>
        g.gatewayFrames().filter((e) => e.frame?.command !== Command.IDENTIFY_RESPONSE).length;
      await g.runUntil(tokenReturned(g), "the token returned", 20_000);
      g.sim.faults.stopTokenGrants();
      const cycles = g.core.status().poll.cycles;
      const framesBefore = framesNeedingToken();
      // Six grant intervals without a grant: not one poll completes and not one frame goes out.
      await g.runFor(6 * g.sim.options.tokenGrantIntervalMs);
      expect(g.core.status().poll.cycles).toBe(cycles);
      expect(framesNeedingToken()).toBe(framesBefore);
      expect(g.core.status().bus.waitingForTokenSince).toBeDefined();
      // A write gives up (nothing sent) once less than its answer and a read-back fit in WRITE_TIMEOUT.
      const askedAt = g.clock.now();
      const write = await g
        .settle(g.core.write({ target: "SummerOn", value: 22, origin: "test" }), "write", 30_000)
        .catch((e: unknown) => e);
      expect(write).toBeInstanceOf(WriteError);
      expect((write as WriteError).failure).toBe("no-token");
      expect((write as WriteError).sent).toBe(false);
      const replyWaitMs = g.config.serialTimeoutMs;
      const tookMs = g.clock.now() - askedAt;
      expect(tookMs).toBeGreaterThanOrEqual(g.config.writeTimeoutMs - 2 * replyWaitMs);
      expect(tookMs).toBeLessThanOrEqual(g.config.writeTimeoutMs);
      g.sim.faults.resumeTokenGrants();
      await g.runUntil(() => g.core.status().poll.cycles > cycles + 2, "polling resumed", 120_000);
      // The expired write never went out, not even once grants came back.
      expect(modifyFrames()).toHaveLength(0);
      expect(auditToken(g.sim.bus.log, FIELD_GATEWAY_ADDRESS).outsideToken).toEqual([]);
    } finally {
      await g.stop();
    }
  });

  it("gives the token back when stopped while holding it", async () => {
    const g = await startFieldGateway();
    // Stopped in the middle of a poll, while it holds the token for it.
    const cycles = g.core.status().poll.cycles;
    let pollRequests = 0;
    g.sim.bus.on("frame", (entry) => {
      if (entry.frame?.source === FIELD_GATEWAY_ADDRESS && entry.frame.command === Command.GET_PARAMS)
        pollRequests++;
    });
    await g.runUntil(
      () => g.core.bus.holdingToken && pollRequests >= 3,
      "the token held with a poll under way",
      60_000,
    );
    await g.stop();
    expect(g.core.status().poll.cycles).toBe(cycles);
    const audit = auditToken(g.sim.bus.log, FIELD_GATEWAY_ADDRESS);
    expect(audit.grants).toBeGreaterThan(0);
    expect(audit.returns).toBe(audit.grants);
  });
});
