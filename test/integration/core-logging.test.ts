/**
 * What an operator reads: the core's log events, with their fields, against the simulator at the
 * field cadence on simulated time (field-gateway.ts).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/index.js";
import { startFieldGateway } from "../helpers/field-gateway.js";
import { captureLines } from "../logging/capture.js";

describe("the core's log", () => {
  it("logs link, address, discovery, polls, writes and protocol errors with raw bytes at debug", async () => {
    const out = captureLines();
    const logger = createLogger({ logLevel: "debug", logFormat: "json" }, out.destination);
    const g = await startFieldGateway({ logger });
    try {
      await g.nextGrant();
      await g.settle(
        g.core.write({ target: "SummerOn", value: 24, origin: "http 192.0.2.7" }),
        "write",
        30_000,
      );
      await g.core.write({ target: "SummerOn", value: 99, origin: "mqtt" }).catch(() => {});
      g.sim.faults.set({ crcErrorRate: 0.3 });
      await g.runUntil(
        () => out.text().includes('"event":"protocol.error"'),
        "a protocol error logged",
        60_000,
      );
      g.sim.faults.set({ crcErrorRate: 0 });
    } finally {
      await g.stop();
    }
    const lines = out.json();
    const first = (event: string) => lines.find((l) => l.event === event);
    expect(first("address.claimed")).toMatchObject({ address: 114, how: "configured" });
    expect(first("link.up")).toMatchObject({ endpoint: "sim://" });
    expect(first("discovery.done")).toMatchObject({ count: 1870, regulatorCount: 1447, panelCount: 423 });
    expect(typeof first("discovery.done")!.seconds).toBe("number");
    expect(first("poll.cycle")).toMatchObject({ level: "debug", parameters: 1870, failedBatches: 0 });
    const writes = lines.filter((l) => l.event === "write.done");
    expect(writes[0]).toMatchObject({
      who: "http 192.0.2.7",
      parameter: "SummerOn",
      index: 702,
      newValue: 24,
      outcome: "confirmed",
    });
    expect(typeof writes[0]!.durationMs).toBe("number");
    expect(writes[1]).toMatchObject({
      who: "mqtt",
      parameter: "SummerOn",
      index: 702,
      oldValue: 24,
      newValue: 99,
      outcome: "refused",
      level: "info",
    });
    expect(String(writes[1]!.msg)).toMatch(/^write SummerOn \(702\) 24 → 99: refused/);
    expect(String(writes[1]!.reason)).toMatch(/out-of-range/);
    const protocol = first("protocol.error")!;
    expect(protocol.level).toBe("debug");
    expect(protocol.rawHex).toMatch(/^[0-9a-f]+/);
  });

  it("warns when the claimed bus address cannot be saved, and keeps using it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gm3-unwritable-"));
    // STATE_DIR is a regular file: nothing can be saved in it.
    const stateDir = join(dir, "not-a-directory");
    await writeFile(stateDir, "x");
    const out = captureLines();
    const logger = createLogger({ logLevel: "info", logFormat: "json" }, out.destination);
    const g = await startFieldGateway({
      sim: { registeredGateways: [] },
      env: { GM3_SOURCE_ADDRESS: "auto" },
      logger,
      useStateDir: stateDir,
      dataBudgetMs: 15 * 60_000,
    });
    try {
      const address = g.core.address.address;
      expect(g.core.address.state).toBe("paired");
      const failed = out.json().find((l) => l.event === "address.save.failed");
      expect(failed).toMatchObject({ level: "warn", address });
      expect(String(failed!.reason)).toMatch(/not-a-directory/);
      expect(out.json().find((l) => l.event === "address.claimed")).toMatchObject({
        address,
        how: "auto-claim",
      });
    } finally {
      await g.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
