import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/sim-gateway.js";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";
import { type LiveMessage, WsClient } from "../helpers/ws-client.js";

type Parameters = Record<
  string,
  {
    index: number;
    name: string;
    value: unknown;
    type: number;
    unit: number;
    writable: boolean;
    min: number | null;
    max: number | null;
  }
>;

describe("WebSocket /ws/parameters on the gateway and the simulated heat pump", () => {
  let gw: SimLive;
  const clients: WsClient[] = [];
  const connect = async (query = "") => {
    const client = await WsClient.connect(`${gw.wsUrl}/ws/parameters${query}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    gw = await startSimLive();
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await gw?.close();
  });

  it("sends a status, then a snapshot with the same entries as GET /api/parameters", async () => {
    const client = await connect();
    const snapshot = await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
    expect(client.messages[0]!.type).toBe("status");
    expect(client.messages[0]).toMatchObject({ link: "up", data_ready: true });
    const http = (await (await fetch(`${gw.url}/api/parameters`)).json()) as { parameters: Parameters };
    const streamed = snapshot.parameters as Parameters;
    expect(Object.keys(streamed)).toEqual(Object.keys(http.parameters));
    // Values may have moved between the two reads; definitions and encodings may not.
    for (const [key, entry] of Object.entries(http.parameters)) {
      const { value: _a, ...rest } = entry;
      const { value: _b, ...streamedRest } = streamed[key]!;
      expect(streamedRest, key).toEqual(rest);
    }
    expect(streamed["103"]).toEqual(http.parameters["103"]);
    expect(snapshot.alarms).toEqual(expect.any(Array));
  });

  it("sends one change message when the controller's value changes", async () => {
    const client = await connect();
    await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
    const before = gw.core.store.get(68)!.value;
    gw.sim.controller.setValue(68, 14.25);
    const change = await client.waitFor(
      () => client.of("change").find((m) => m.index === 68),
      "a change of TempWthr",
    );
    expect(change).toMatchObject({ name: "TempWthr", value: 14.25, old_value: before, origin: "poll" });
    expect(Date.parse(change.timestamp as string)).toBeGreaterThan(Date.now() - 10_000);
  });

  it("sends the change a write makes, marked as such", async () => {
    const client = await connect("?names=HDWTSetPoint");
    await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
    const current = gw.sim.controller.getValue(103) as number;
    const target = current === 50 ? 51 : 50;
    const response = await fetch(`${gw.url}/api/parameters/HDWTSetPoint`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: target }),
    });
    expect(response.status).toBe(200);
    const change = await client.waitFor(
      () => client.of("change").find((m) => m.value === target),
      "the write",
    );
    expect(change).toMatchObject({ index: 103, old_value: current, origin: "write" });
  });

  it("tells every client (of that parameter) how a write job ended, whichever path it came by", async () => {
    const watching = await connect("?names=SummerOff");
    const other = await connect("?names=TempWthr");
    await watching.waitFor(() => watching.of("snapshot")[0], "the snapshot");
    await other.waitFor(() => other.of("snapshot")[0], "the other snapshot");
    const current = gw.sim.controller.getValue(703) as number;
    const target = current === 10 ? 11 : 10;
    const job = await gw.core.write({ target: "SummerOff", value: target, origin: "mqtt" });
    const message = await watching.waitFor(
      () => watching.of("write").find((m) => m.write_id === job.id),
      "the job's end",
    );
    expect(message).toMatchObject({
      state: "confirmed",
      name: "SummerOff",
      index: 703,
      value: target,
      new_value: target,
      confirmation: "ack+read-back",
      sent: true,
      origin: "mqtt",
    });
    // The other client hears of a later change of its own parameter, and of no write before it.
    gw.sim.controller.setValue(68, 3.75);
    await other.waitFor(() => other.of("change").find((m) => m.value === 3.75), "a later change");
    expect(other.of("write")).toEqual([]);
  });

  it("filters by names and indices", async () => {
    const client = await connect("?names=TempWthr,NoSuchName&indices=61,103");
    const snapshot = await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
    expect(Object.keys(snapshot.parameters as object).sort()).toEqual(["103", "61", "68"]);
    expect(snapshot.unknown).toEqual(["NoSuchName"]);
    gw.sim.controller.setValue(68, 9.5);
    gw.sim.controller.setValue(1047, 3.33);
    await client.waitFor(
      () => client.of("change").find((m) => m.index === 68 && m.value === 9.5),
      "TempWthr",
    );
    // 1047 changed in the same poll cycle: a client following everything sees it, this one does not.
    await eventually(
      () =>
        gw.core.store.get(1047)?.value !== undefined &&
        Math.abs((gw.core.store.get(1047)!.value as number) - 3.33) < 0.01,
      "1047 polled",
    );
    expect(client.of("change").every((m: LiveMessage) => [61, 68, 103].includes(m.index as number))).toBe(
      true,
    );
  });

  it("refuses a malformed filter and a plain HTTP request before any upgrade", async () => {
    const refused = await WsClient.refused(`${gw.wsUrl}/ws/parameters?indices=abc`);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: "bad-filter" });
    const plain = await fetch(`${gw.url}/ws/parameters`);
    expect(plain.status).toBe(426);
  });

  it("tells clients when the alarm log changes", async () => {
    const client = await connect("?names=UID");
    await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
    gw.sim.panel.alarms = [
      { code: 148, from: { year: 2026, month: 3, day: 1, hour: 10, minute: 0, second: 0 }, to: undefined },
      ...gw.sim.panel.alarms,
    ];
    const message = await client.waitFor(() => client.of("alarms")[0], "an alarms message", 15_000);
    expect(message.active).toBe(2);
    expect((message.alarms as { code: number; to_date: string | null }[])[0]).toMatchObject({
      code: 148,
      from_date: "2026-03-01T10:00:00",
      to_date: null,
    });
  });

  it("tells clients when the link goes down (the values stay, marked stale) and when they are fresh again, without a new snapshot", async () => {
    const client = await connect("?names=TempWthr");
    await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
    gw.sim.faults.unplug(300);
    const down = await client.waitFor(
      () => client.of("status").find((m) => m.link !== "up" && m.data_state === "stale"),
      "link down",
    );
    // The last values are still served during the outage (STALE_DATA_MAX_AGE), marked stale.
    expect(down).toMatchObject({ data_ready: true, health: "degraded" });
    await client.waitFor(
      () => client.of("status").find((m) => m.link === "up" && m.data_state === "fresh"),
      "fresh again",
      20_000,
    );
    // The same controller: checked, not rediscovered — the structure did not change, so no new snapshot.
    expect(client.of("snapshot")).toHaveLength(1);
  });
});
