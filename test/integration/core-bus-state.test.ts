/**
 * Simulated state is never reused for a real bus (issue 13 point 8), at the field cadence on
 * simulated time: the address and the snapshot are kept per bus target, so a run on the simulator
 * followed by a run on a serial adapter (the same simulated wire presented as /dev/ttyUSB0)
 * carries nothing over — and an old, flat STATE_DIR from a simulator run is not reused either.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/index.js";
import { Command } from "../../src/protocol/index.js";
import { startFieldGateway } from "../helpers/field-gateway.js";
import { captureLines } from "../logging/capture.js";

const AS_ADAPTER = { kind: "serial", target: "/dev/ttyUSB0" } as const;
const ADAPTER_FOLDER = join("buses", "serial-_dev_ttyUSB0");

/** A simulator run that claims an address from the panel and saves its snapshot in `stateDir`. */
async function simulatorRun(stateDir: string): Promise<{ address: number; end: Date }> {
  const g = await startFieldGateway({
    sim: { registeredGateways: [] },
    env: { GM3_SOURCE_ADDRESS: "auto" },
    useStateDir: stateDir,
    dataBudgetMs: 15 * 60_000,
  });
  const address = g.core.address.address!;
  await g.stop();
  return { address, end: g.clock.date() };
}

describe("state per bus target", () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "gm3-targets-"));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it("a simulator run, then a run on a serial adapter: no address and no values carried over", async () => {
    const first = await simulatorRun(stateDir);
    expect(first.address).toBeGreaterThanOrEqual(105);
    expect((await readdir(join(stateDir, "buses", "sim"))).sort()).toEqual([
      "bus-address.json",
      "parameters.json",
      "target.json",
    ]);
    const out = captureLines();
    const g = await startFieldGateway({
      linkAs: AS_ADAPTER,
      sim: { registeredGateways: [] },
      env: { GM3_SOURCE_ADDRESS: "auto" },
      useStateDir: stateDir,
      waitForData: false,
      startDate: new Date(first.end.getTime() + 60_000),
      logger: createLogger({ logLevel: "info", logFormat: "json" }, out.destination),
    });
    try {
      // No address: it has to be claimed on this bus; no snapshot: nothing is served.
      expect(g.core.address.address).toBeUndefined();
      expect(g.core.address.state).toBe("unassigned");
      expect(g.core.store.size).toBe(0);
      expect(g.core.dataState()).toBe("unavailable");
      expect(g.core.status().state).toMatchObject({ target: "serial-_dev_ttyUSB0", basis: "serial-path" });
      expect(out.json().some((l) => l.event === "snapshot.restored")).toBe(false);
      expect(out.json().some((l) => l.event === "address.claimed")).toBe(false);
      // The simulator's address is not used on this bus.
      await g.runFor(30_000);
      expect(g.sim.bus.log.frames((f) => f.source === first.address)).toHaveLength(0);
      // It claims its own and reads this bus's parameters from the bus.
      await g.runUntil(() => g.core.dataState() === "fresh", "data from a discovery", 15 * 60_000);
      expect(g.core.status().discovery.source).toBe("bus");
      expect(
        g.gatewayFrames().filter((e) => e.frame?.command === Command.GET_PARAMS_STRUCT_WITH_RANGE).length,
      ).toBeGreaterThan(0);
    } finally {
      await g.stop();
    }
    // Each folder holds its own; the simulator's files are untouched.
    const simAddress = JSON.parse(await readFile(join(stateDir, "buses", "sim", "bus-address.json"), "utf8"));
    expect(simAddress.address).toBe(first.address);
    expect(existsSync(join(stateDir, ADAPTER_FOLDER, "parameters.json"))).toBe(true);
  });

  it("an old flat STATE_DIR written on the simulator is not reused for a serial adapter; the simulator gets it back", async () => {
    const first = await simulatorRun(stateDir);
    // As versions before state per bus left it: the two files at the top, the snapshot in version 1.
    for (const name of ["bus-address.json", "parameters.json"]) {
      await rename(join(stateDir, "buses", "sim", name), join(stateDir, name));
    }
    await rm(join(stateDir, "buses"), { recursive: true });
    const legacy = JSON.parse(await readFile(join(stateDir, "parameters.json"), "utf8"));
    legacy.version = 1;
    delete legacy.bus;
    delete legacy.fingerprint;
    delete legacy.polledAt;
    await writeFile(join(stateDir, "parameters.json"), JSON.stringify(legacy));

    const out = captureLines();
    const onAdapter = await startFieldGateway({
      linkAs: AS_ADAPTER,
      useStateDir: stateDir,
      waitForData: false,
      env: { GM3_SOURCE_ADDRESS: "auto" },
      startDate: new Date(first.end.getTime() + 60_000),
      logger: createLogger({ logLevel: "info", logFormat: "json" }, out.destination),
    });
    try {
      expect(onAdapter.core.address.address).toBeUndefined();
      expect(onAdapter.core.store.size).toBe(0);
      expect(onAdapter.core.dataReady()).toBe(false);
      const moved = out.json().find((l) => l.event === "state.legacy");
      expect(moved?.msg).toMatch(
        /moved to buses\/sim: the snapshot holds the built-in simulator's controller/,
      );
    } finally {
      await onAdapter.stop();
    }
    // On the simulator again, its own state is there (address and snapshot served at once).
    const onSim = await startFieldGateway({
      useStateDir: stateDir,
      waitForData: false,
      env: { GM3_SOURCE_ADDRESS: "auto" },
      sim: { registeredGateways: [first.address] },
      startDate: new Date(onAdapter.clock.date().getTime() + 60_000),
    });
    try {
      expect(onSim.core.address.address).toBe(first.address);
      expect(onSim.core.status().parameters.servingSnapshot).toBe(true);
    } finally {
      await onSim.stop();
    }
  });

  it("discards a snapshot taken on another bus target (a file copied between folders by hand)", async () => {
    const first = await simulatorRun(stateDir);
    const folder = join(stateDir, ADAPTER_FOLDER);
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, "parameters.json"),
      await readFile(join(stateDir, "buses", "sim", "parameters.json")),
    );
    const out = captureLines();
    const g = await startFieldGateway({
      linkAs: AS_ADAPTER,
      useStateDir: stateDir,
      waitForData: false,
      startDate: new Date(first.end.getTime() + 60_000),
      logger: createLogger({ logLevel: "info", logFormat: "json" }, out.destination),
    });
    try {
      expect(g.core.store.size).toBe(0);
      const discarded = out.json().find((l) => l.event === "snapshot.discarded");
      expect(discarded?.msg).toMatch(/taken on the built-in simulator, not on serial-_dev_ttyUSB0/);
      expect(existsSync(join(folder, "parameters.json"))).toBe(false);
    } finally {
      await g.stop();
    }
  });
});
