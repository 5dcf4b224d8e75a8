/**
 * After a restart with a saved snapshot: values are served at once with the snapshot's time, writes
 * are accepted as jobs that go out only after the first poll, and a snapshot older than
 * SNAPSHOT_MAX_AGE_MS is not served.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SNAPSHOT_FILE, SNAPSHOT_MAX_AGE_MS } from "../../src/gateway/snapshot.js";
import { naiveLocalIso } from "../../src/views/timestamps.js";
import { type SimApi, startSimApi } from "../helpers/sim-api.js";
import { eventually, startSimGateway } from "../helpers/sim-gateway.js";

describe("restart with a snapshot", () => {
  let stateDir: string;
  let savedAt: number;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "gm3-snapshot-"));
    const first = await startSimGateway({ useStateDir: stateDir });
    await first.stop(); // saves the snapshot
    savedAt = (JSON.parse(await readFile(join(stateDir, SNAPSHOT_FILE), "utf8")) as { savedAt: number })
      .savedAt;
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

  it("serves the snapshot with its own time, queues a write as a job and sends it only after the first poll", async () => {
    const api = await restartWithoutPolls();
    try {
      const list = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(list.statusCode).toBe(200);
      expect(list.json().timestamp).toBe(naiveLocalIso(savedAt));

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
      const after = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(after.json().timestamp).not.toBe(naiveLocalIso(savedAt));
    } finally {
      await api.close();
    }
  });

  it("does not serve a snapshot older than SNAPSHOT_MAX_AGE_MS", async () => {
    const file = join(stateDir, SNAPSHOT_FILE);
    const snapshot = JSON.parse(await readFile(file, "utf8")) as { savedAt: number };
    snapshot.savedAt = Date.now() - SNAPSHOT_MAX_AGE_MS - 60_000;
    await writeFile(file, JSON.stringify(snapshot));
    const api = await restartWithoutPolls();
    try {
      expect(api.core.status().discovery.source).toBe("snapshot"); // its definitions are still used
      expect(api.core.dataReady()).toBe(false);
      const list = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(list.statusCode).toBe(503);
      api.sim.faults.resumeTokenGrants();
      await api.core.waitForData(10_000);
      expect((await api.app.inject({ method: "GET", url: "/api/parameters" })).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });
});
