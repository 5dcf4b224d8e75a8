/**
 * After a restart with a saved snapshot, through the HTTP API: the values are served at once,
 * marked stale with the time they were read; a write is accepted but goes out only once the
 * controller is verified (it is never sent while the panel grants no token); a snapshot older than
 * STALE_DATA_MAX_AGE is not served.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STALE_DATA_MAX_AGE_MS } from "../../src/gateway/core.js";
import { SNAPSHOT_FILE } from "../../src/gateway/snapshot.js";
import { naiveLocalIso } from "../../src/views/timestamps.js";
import { type SimApi, startSimApi } from "../helpers/sim-api.js";
import { eventually, startSimGateway } from "../helpers/sim-gateway.js";

const SNAPSHOT = join("buses", "sim", SNAPSHOT_FILE);

describe("restart with a snapshot", () => {
  let stateDir: string;
  let polledAt: number;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "gm3-snapshot-"));
    const first = await startSimGateway({ useStateDir: stateDir });
    await first.stop(); // saves the snapshot
    polledAt = (JSON.parse(await readFile(join(stateDir, SNAPSHOT), "utf8")) as { polledAt: number })
      .polledAt;
  });
  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  /** Restarts on the saved state with the panel granting no token: no poll can happen. */
  async function restartWithoutPolls(): Promise<SimApi> {
    const api = await startSimApi({
      useStateDir: stateDir,
      sim: { faults: { tokenGrants: false } },
      waitForData: false,
    });
    await eventually(() => api.core.status().link.state === "up", "link up");
    return api;
  }

  it("serves the snapshot marked stale with the time it was read; a write waits for the verification, then goes out", async () => {
    const api = await restartWithoutPolls();
    try {
      const ageBefore = Math.floor((Date.now() - polledAt) / 1000);
      const list = await api.app.inject({ method: "GET", url: "/api/parameters" });
      const ageAfter = Math.floor((Date.now() - polledAt) / 1000);
      expect(list.statusCode).toBe(200);
      expect(list.json().timestamp).toBe(naiveLocalIso(polledAt));
      expect(list.headers["x-data-state"]).toBe("stale");
      const age = Number(list.headers["x-data-age"]);
      expect(age).toBeGreaterThanOrEqual(ageBefore);
      expect(age).toBeLessThanOrEqual(ageAfter);

      // Accepted, then held: no grant, so never verified within WRITE_TIMEOUT, and never sent.
      const held = await api.app.inject({
        method: "POST",
        url: "/api/parameters/SummerOn",
        payload: { value: 22 },
      });
      expect(held.statusCode).toBe(503);
      expect(held.json().error).toBe("not-ready");
      expect(held.json().detail).toBe(
        `SummerOn was not written within WRITE_TIMEOUT: waiting for the first poll after start; values are from the snapshot of ${new Date(polledAt).toISOString()}`,
      );
      expect(api.writesOnBus()).toHaveLength(0);

      // A write waiting when the grants resume goes out after the check and the first poll.
      const waiting = api.app.inject({
        method: "POST",
        url: "/api/parameters/SummerOn",
        payload: { value: 23 },
      });
      api.sim.faults.resumeTokenGrants();
      const written = await waiting;
      expect(written.statusCode).toBe(200);
      expect(api.writesOnBus()).toHaveLength(1);
      expect(api.core.status().data.verification).toBe("verified");
      const after = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(after.json().timestamp).not.toBe(naiveLocalIso(polledAt));
      expect(after.headers["x-data-state"]).toBe("fresh");
    } finally {
      await api.close();
    }
  });

  it("does not serve a snapshot older than STALE_DATA_MAX_AGE, but uses its definitions", async () => {
    const file = join(stateDir, SNAPSHOT);
    const snapshot = JSON.parse(await readFile(file, "utf8")) as { savedAt: number; polledAt: number };
    snapshot.polledAt = Date.now() - DEFAULT_STALE_DATA_MAX_AGE_MS - 60_000;
    snapshot.savedAt = snapshot.polledAt + 5_000;
    await writeFile(file, JSON.stringify(snapshot));
    const api = await restartWithoutPolls();
    try {
      expect(api.core.status().discovery.source).toBe("snapshot"); // its definitions are still used
      expect(api.core.dataReady()).toBe(false);
      const list = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(list.statusCode).toBe(503);
      expect(list.json().detail).toMatch(/older than STALE_DATA_MAX_AGE \(600 s\)/);
      api.sim.faults.resumeTokenGrants();
      await api.core.waitForData(10_000);
      expect((await api.app.inject({ method: "GET", url: "/api/parameters" })).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });
});
