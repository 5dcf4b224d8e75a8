/**
 * Golden answers of the HTTP API on a FakeCore with the representative parameter set and a fixed
 * clock: the status, the headers clients read (content type, data state and age, location,
 * Retry-After) and the body of each call Home Assistant, EmonHub and the dashboard make, including
 * refusals. The files in test/api/golden/ were written by the gateway before the bridges moved
 * under src/bridges/ (issue 15), so a refactor that changes a byte of an answer fails here.
 * After an intended change: `npx vitest run test/api/golden.test.ts -u`, then review the diff.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fakeServer, type TestServer } from "./helpers/server.js";

const NOW = Date.parse("2026-01-15T10:00:00.000Z");
const HEADERS = ["content-type", "x-data-state", "x-data-age", "location", "retry-after", "allow"];

let server: TestServer;
const zone = process.env.TZ;
beforeAll(async () => {
  // Naive local times (`last_update`) are the same wherever the test runs.
  process.env.TZ = "UTC";
  // Only Date is faked: the server's own timers run, the answers' times are fixed.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
  server = await fakeServer();
});
afterAll(async () => {
  await server.close();
  vi.useRealTimers();
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

const CALLS: readonly { name: string; method: "GET" | "POST" | "PUT"; url: string; body?: unknown }[] = [
  { name: "health", method: "GET", url: "/health" },
  { name: "status", method: "GET", url: "/api/status" },
  { name: "parameters", method: "GET", url: "/api/parameters" },
  { name: "parameter-by-name", method: "GET", url: "/api/parameters/HDWTSetPoint" },
  { name: "parameter-by-index", method: "GET", url: "/api/parameters/61" },
  { name: "parameter-unknown", method: "GET", url: "/api/parameters/NoSuchThing" },
  { name: "alarms", method: "GET", url: "/api/alarms" },
  { name: "writes", method: "GET", url: "/api/writes" },
  { name: "write-unknown-job", method: "GET", url: "/api/writes/does-not-exist" },
  { name: "expert", method: "GET", url: "/api/expert-parameters" },
  { name: "write-out-of-range", method: "POST", url: "/api/parameters/HDWTSetPoint", body: { value: 99 } },
  { name: "write-read-only", method: "POST", url: "/api/parameters/TempCWU", body: { value: 40 } },
  { name: "write-not-found", method: "POST", url: "/api/parameters/NoSuchThing", body: { value: 1 } },
  { name: "write-bad-body", method: "POST", url: "/api/parameters/HDWTSetPoint", body: { nope: 1 } },
  { name: "method-not-allowed", method: "PUT", url: "/api/parameters" },
];

describe("the HTTP API's answers (golden)", () => {
  it.each(CALLS)("$name: $method $url", async ({ name, method, url, body }) => {
    const res = await server.app.inject(
      body === undefined ? { method, url } : { method, url, payload: body as Record<string, unknown> },
    );
    const headers = Object.fromEntries(
      HEADERS.filter((h) => res.headers[h] !== undefined).map((h) => [h, String(res.headers[h])]),
    );
    const text = res.headers["content-type"]?.toString().includes("json")
      ? JSON.stringify(JSON.parse(res.body), null, 2)
      : res.body;
    await expect(`${res.statusCode}\n${JSON.stringify(headers, null, 2)}\n${text}\n`).toMatchFileSnapshot(
      `golden/${name}.txt`,
    );
  });
});
