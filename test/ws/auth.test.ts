import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";
import { WsClient } from "../helpers/ws-client.js";

const WRITE_KEY = "write-key-0123456789";
const READ_KEY = "read-key-0123456789";

describe("API keys on the live endpoints", () => {
  let gw: SimLive;
  beforeAll(async () => {
    gw = await startSimLive({ env: { API_KEY: WRITE_KEY, API_READ_KEY: READ_KEY } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  const path = () => `${gw.wsUrl}/ws/parameters`;

  it("refuses the WebSocket upgrade without a key or with a wrong one (401, API error shape)", async () => {
    const missing = await WsClient.refused(path());
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ error: "unauthorized" });
    expect((await WsClient.refused(`${path()}?key=not-the-key`)).status).toBe(401);
    expect((await WsClient.refused(path(), { authorization: "Bearer not-the-key" })).status).toBe(401);
  });

  it("accepts either key in a header, as for HTTP reads", async () => {
    const headerSets: Record<string, string>[] = [
      { authorization: `Bearer ${READ_KEY}` },
      { "x-api-key": WRITE_KEY },
    ];
    for (const headers of headerSets) {
      const client = await WsClient.connect(path(), headers);
      await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
      await client.close();
    }
  });

  it("accepts the key as ?key= (browsers cannot set headers on a WebSocket)", async () => {
    const client = await WsClient.connect(`${path()}?key=${READ_KEY}&names=TempWthr`);
    const snapshot = await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
    expect(Object.keys(snapshot.parameters as object)).toEqual(["68"]);
    await client.close();
  });

  it("protects /metrics like any read", async () => {
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${READ_KEY}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
