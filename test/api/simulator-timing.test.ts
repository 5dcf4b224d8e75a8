/**
 * /health and /api/status say the data is simulated and name the simulator's timing (SIM_TIMING),
 * so a demo's quick token is never taken for a real bus's: the gateway on the simulator, over HTTP.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type SimApi, startSimApi } from "../helpers/sim-api.js";

let api: SimApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function warnings(env: Record<string, string>) {
  api = await startSimApi({ env, waitForData: false });
  const address = await api.app.listen({ host: "127.0.0.1", port: 0 });
  const get = async (path: string) =>
    (await fetch(`${address}${path}`)).json() as Promise<Record<string, unknown>>;
  const [health, status] = await Promise.all([get("/health"), get("/api/status")]);
  expect(health.simulator).toBe(true);
  expect(status.simulator).toBe(true);
  expect(status.warning).toBe(health.warning);
  return String(health.warning);
}

describe("the simulator warning names the timing", () => {
  it("field timing by default, with the real bus's token interval", async () => {
    expect(await warnings({})).toBe(
      "SIMULATED heat pump — field timing: the token comes every ~10 s, as on a real bus. " +
        "No SERIAL_PORT is configured: the data is not from a real controller.",
    );
  });

  it("demo timing when SIM_TIMING=demo, next to the real bus's interval", async () => {
    expect(await warnings({ SIM_TIMING: "demo" })).toBe(
      "SIMULATED heat pump — demo timing: the token comes every ~2.6 s here, every ~10 s on a real bus. " +
        "No SERIAL_PORT is configured: the data is not from a real controller.",
    );
  });
});
