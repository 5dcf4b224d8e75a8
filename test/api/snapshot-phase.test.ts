/**
 * After a restart with a saved snapshot: values are served at once with the snapshot's time, writes
 * wait (503) for the first poll, and a snapshot older than SNAPSHOT_MAX_AGE_MS is not served.
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

  it("serves the snapshot with its own time, refuses writes with 503 until the first poll, then writes", async () => {
    const api = await restartWithoutPolls();
    try {
      const list = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(list.statusCode).toBe(200);
      expect(list.json().timestamp).toBe(naiveLocalIso(savedAt));

      const refused = await api.app.inject({
        method: "POST",
        url: "/api/parameters/SummerOn",
        payload: { value: 22 },
      });
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error).toBe("not-ready");
      expect(refused.json().detail).toBe(
        `waiting for the first poll after start; values are from the snapshot of ${new Date(savedAt).toISOString()}`,
      );
      expect(api.writesOnBus()).toHaveLength(0);

      api.sim.faults.resumeTokenGrants();
      await eventually(() => !api.core.status().parameters.servingSnapshot, "the first poll", 10_000);
      const written = await api.app.inject({
        method: "POST",
        url: "/api/parameters/SummerOn",
        payload: { value: 22 },
      });
      expect(written.statusCode).toBe(200);
      expect(api.writesOnBus()).toHaveLength(1);
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
