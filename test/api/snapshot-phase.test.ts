/**
 * After a restart with a saved snapshot, through the HTTP API: the values are served at once,
 * marked stale with the time they were read; a write is accepted as a job that goes out only once
 * the controller is verified (identity and the first poll; never while the panel grants no token);
 * a snapshot older than STALE_DATA_MAX_AGE is not served.
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

  it("serves the snapshot marked stale with the time it was read; a write is queued as a job and sent only after the verification", async () => {
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

      const value = api.sim.getValue(702) === 22 ? 23 : 22;
      let firstPollAt: number | undefined;
      api.core.store.once("pollComplete", () => {
        firstPollAt = api.core.clock.now();
      });
      const queued = await api.app.inject({
        method: "POST",
        url: "/api/parameters/SummerOn",
        headers: { prefer: "respond-async" },
        payload: { value },
      });
      expect(queued.statusCode).toBe(202);
      const id = (queued.json() as { write_id: string }).write_id;
      expect(queued.json()).toMatchObject({ state: "queued", waiting_for: "first-poll" });
      expect(api.writesOnBus()).toHaveLength(0);

      api.sim.faults.resumeTokenGrants();
      await eventually(() => api.core.writes.get(id)?.final === true, "the job's end", 10_000);
      const job = api.core.writes.get(id)!;
      expect(job.state).toBe("confirmed");
      // Checked against polled values: sent after the first poll, never on the snapshot's word.
      expect(firstPollAt).toBeDefined();
      expect(job.sentAt!).toBeGreaterThanOrEqual(firstPollAt!);
      expect(api.writesOnBus()).toHaveLength(1);
      expect(api.sim.getValue(702)).toBe(value);
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
