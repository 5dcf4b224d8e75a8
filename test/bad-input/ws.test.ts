/**
 * Bad input over the WebSocket (the gateway as `gm3 serve` composes it, on the simulator). The
 * stream has no write path: malformed filters are refused before the upgrade in the error shape,
 * what a client sends is ignored — the stream goes on and no MODIFY_PARAM reaches the simulated
 * wire (counted on the simulator's bus log) — and a message over 1 KB closes that connection only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";
import { WsClient } from "../helpers/ws-client.js";
import { expectErrorShape, nested, Wire } from "./harness.js";

/** TempWthr: a read-only float the test moves on the simulator to see the stream go on. */
const OUTDOOR = 68;

let gw: SimLive;
let wire: Wire;
let outdoor = 5;

beforeAll(async () => {
  gw = await startSimLive();
  wire = new Wire(gw.sim, () => gw.core.address.address);
});
afterAll(async () => {
  await gw?.close();
});

const stream = (query = `indices=${OUTDOOR}`) => `${gw.wsUrl}/ws/parameters?${query}`;

/** Moves the outdoor temperature and waits until `client` is told (the stream is alive). */
async function expectStreamAlive(client: WsClient): Promise<void> {
  outdoor += 0.5;
  gw.sim.controller.setValue(OUTDOOR, outdoor);
  await client.waitFor(
    () => client.of("change").some((m) => m.index === OUTDOOR && m.value === outdoor),
    `the change of ${OUTDOOR} to ${outdoor}`,
  );
}

describe("filters refused before the upgrade (400 bad-filter)", () => {
  it.each([
    ["indices=0103", "indices=0103", /"0103" is not a parameter index/],
    ["indices=+103", "indices=%2B103", /"\+103" is not a parameter index/],
    ["indices=103.0", "indices=103.0", /"103\.0" is not a parameter index/],
    ["indices=1e2", "indices=1e2", /"1e2" is not a parameter index/],
    ["indices=-1", "indices=-1", /"-1" is not a parameter index/],
    ["indices=70000", "indices=70000", /0–65535/],
    ["indices=abc", "indices=abc", /"abc" is not a parameter index/],
    ["parameters=0103", "parameters=0103", /"0103" is not a parameter index/],
    ["parameters=00", "parameters=00", /"00" is not a parameter index/],
    ["names= (empty)", "names=", /lists no parameter names or indices/],
    ["indices=,,", "indices=,,", /lists no parameter names or indices/],
    ["2,001 names", `names=${Array.from({ length: 2001 }, (_, i) => `n${i}`).join(",")}`, /at most 2000/],
  ])("?%s → 400", async (_label, query, detail) => {
    const { status, body } = await wire.nothingSent(`?${query}`, () => WsClient.refused(stream(query)));
    expect(status).toBe(400);
    const shaped = expectErrorShape(JSON.parse(body), query);
    expect(shaped.error).toBe("bad-filter");
    expect(shaped.detail).toMatch(detail);
  });

  it("answers a plain GET of the stream with 426 upgrade-required in the error shape", async () => {
    const res = await wire.nothingSent("GET /ws/parameters", () => fetch(`${gw.url}/ws/parameters`));
    expect(res.status).toBe(426);
    expect(expectErrorShape(await res.json(), "426").error).toBe("upgrade-required");
  });
});

describe("what a client sends is ignored: nothing is written, the stream goes on", () => {
  it.each([
    ["a write as the API's body", '{"value": 46}'],
    ["a write by name", '{"set": {"HDWTSetPoint": 99}}'],
    ["a write by index", '{"type": "write", "index": 103, "value": 99}'],
    [
      "a MODIFY_PARAM frame's bytes",
      Buffer.from("6817000100720029555345522d3030300034303936000167003285ad16", "hex"),
    ],
    ["JSON nested 500 levels", nested(500)],
    ["not JSON", "HDWTSetPoint=99"],
  ])("%s", async (_what, message) => {
    const client = await WsClient.connect(stream());
    try {
      await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
      await wire.nothingSent(_what, async () => {
        await new Promise<void>((resolve, reject) =>
          client.socket.send(message, (error) => (error ? reject(error) : resolve())),
        );
        await expectStreamAlive(client);
      });
      expect(client.closed).toBeUndefined();
      expect(gw.sim.getValue(103)).toBe(46);
    } finally {
      await client.close();
    }
  });
});

describe("messages that end a connection, and only that one", () => {
  async function closedBy(send: (socket: WebSocket) => void): Promise<{ code: number }> {
    const client = await WsClient.connect(stream());
    await client.waitFor(() => client.of("snapshot")[0], "the snapshot");
    send(client.socket);
    return client.waitFor(() => client.closed, "the close");
  }

  it.each([
    ["a message over 1 KB", 1009, (socket: WebSocket) => socket.send("x".repeat(1025))],
    ["a deep array over 1 KB", 1009, (socket: WebSocket) => socket.send(nested(5000))],
    [
      "a text frame that is not UTF-8",
      1007,
      (socket: WebSocket) => socket.send(Buffer.from([0xc3, 0x28]), { binary: false }),
    ],
  ] as const)("%s closes with %i; nothing written; a new connection streams", async (_what, code, send) => {
    const closed = await wire.nothingSent(_what, () => closedBy(send));
    expect(closed.code).toBe(code);
    const again = await WsClient.connect(stream());
    try {
      await expectStreamAlive(again);
    } finally {
      await again.close();
    }
  });
});

describe("after all of it", () => {
  it("sent no MODIFY_PARAM at all, and a valid write over HTTP is the first", async () => {
    expect(wire.modifyFrames()).toBe(0);
    const res = await fetch(`${gw.url}/api/parameters/HDWTSetPoint`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"value": 47}',
    });
    expect(res.status).toBe(200);
    expect(wire.modifyFrames()).toBe(1);
    wire.expectComplete();
  });
});
