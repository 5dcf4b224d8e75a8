/**
 * gzip that reaches Home Assistant: a client polling GET /api/parameters right after each poll
 * cycle — as Home Assistant does every 10 s at the field cadence, here every poll interval (1 s)
 * — with aiohttp's default `Accept-Encoding: gzip, deflate` gets the compressed body on at least 9
 * of 10 requests, because the copy is made when the body changes, not on the first request after.
 */
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";

function get(url: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { "Accept-Encoding": "gzip, deflate", Accept: "*/*" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("gzip for a client polling like Home Assistant", () => {
  let gw: SimLive;
  beforeAll(async () => {
    gw = await startSimLive();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("gets gzip on at least 9 of 10 requests, each after a new poll cycle", async () => {
    const url = `${gw.url}/api/parameters`;
    await get(url); // Home Assistant's first request (set-up).
    const encodings: (string | undefined)[] = [];
    for (let i = 0; i < 10; i++) {
      const cycles = gw.core.status().poll.cycles;
      // Wait for the next completed poll (bounded), then ask as soon as it is done.
      const deadline = Date.now() + 10_000;
      while (gw.core.status().poll.cycles === cycles && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { encoding, body } = await get(url);
      encodings.push(encoding);
      const json = JSON.parse((encoding === "gzip" ? gunzipSync(body) : body).toString("utf8"));
      expect(Object.keys(json.parameters).length).toBeGreaterThan(1000);
    }
    const gzipped = encodings.filter((e) => e === "gzip").length;
    expect(
      gzipped,
      `gzip on ${gzipped} of ${encodings.length}: ${encodings.join(",")}`,
    ).toBeGreaterThanOrEqual(9);
  });
});
