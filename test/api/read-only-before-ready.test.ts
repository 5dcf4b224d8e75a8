/** READ_ONLY refuses every write with 403, also before the data is ready (not 503). */
import { describe, expect, it } from "vitest";
import { startSimApi } from "../helpers/sim-api.js";
import { eventually } from "../helpers/sim-gateway.js";

describe("read-only mode before the data is ready", () => {
  it("answers a write with 403 read-only-mode while the first poll has not happened", async () => {
    // No token grants: no discovery, no poll, the data never becomes ready.
    const api = await startSimApi({
      env: { READ_ONLY: "true" },
      sim: { faults: { tokenGrants: false } },
      waitForData: false,
    });
    try {
      await eventually(() => api.core.status().link.state === "up", "link up");
      expect(api.core.dataReady()).toBe(false);
      expect((await api.app.inject({ method: "GET", url: "/api/parameters" })).statusCode).toBe(503);
      const write = await api.app.inject({
        method: "POST",
        url: "/api/parameters/HDWTSetPoint",
        payload: { value: 50 },
      });
      expect(write.statusCode).toBe(403);
      expect(write.json().error).toBe("read-only-mode");
      expect(api.writesOnBus()).toHaveLength(0);
    } finally {
      await api.close();
    }
  });
});
