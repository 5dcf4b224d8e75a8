/**
 * Bad input against the whole gateway on the simulator: every request gets the right 4xx in the
 * error shape, and no MODIFY_PARAM from the gateway ever reaches the simulated bus.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type SimApi, startSimApi } from "../helpers/sim-api.js";

const WRITE_KEY = "bad-input-write-key-0001";
const READ_KEY = "bad-input-read-key-0002";
/** The one write budget counts every write from every client: high here, low where it is tested. */
const RATE_LIMIT = 3;

let gw: SimApi;
let clientNumber = 0;
/** Each request comes from its own address so the rate limit only bites where it is tested. */
const nextClient = () => `10.1.${Math.floor(++clientNumber / 250)}.${clientNumber % 250}`;

beforeAll(async () => {
  gw = await startSimApi({
    env: {
      API_KEY: WRITE_KEY,
      API_READ_KEY: READ_KEY,
      API_WRITE_RATE_LIMIT: "10000",
      API_BODY_LIMIT: "1024",
    },
  });
});
afterAll(async () => {
  await gw?.close();
});
afterEach(() => {
  // The point of the whole suite: nothing was written on the bus.
  expect(gw.writesOnBus()).toEqual([]);
});

interface Sent {
  statusCode: number;
  error: string;
  detail: string;
  contentType: string | undefined;
}

async function send(
  method: "GET" | "POST",
  url: string,
  payload?: string,
  headers: Record<string, string> = {},
  remoteAddress = nextClient(),
): Promise<Sent> {
  const res = await gw.app.inject({
    method,
    url,
    payload,
    remoteAddress,
    headers: {
      "x-api-key": WRITE_KEY,
      ...(payload === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
  });
  const body = res.body === "" ? {} : (res.json() as { error?: string; detail?: string });
  expect(Object.keys(body).sort(), `${method} ${url} ${payload}`).toEqual(["detail", "error"]);
  return {
    statusCode: res.statusCode,
    error: body.error ?? "",
    detail: body.detail ?? "",
    contentType: res.headers["content-type"] as string | undefined,
  };
}

const write = (name: string, payload: string, headers?: Record<string, string>) =>
  send("POST", `/api/parameters/${name}`, payload, headers);

describe("wrong values", () => {
  it.each([
    ['{"value": "46"}', "wrong-type", /HDWTSetPoint is uint8: expected a number, got the string "46"/],
    ['{"value": "33.8"}', "wrong-type", /expected a number/],
    ['{"value": true}', "wrong-type", /expected a number, got boolean true/],
    ['{"value": null}', "wrong-type", /got null/],
    ['{"value": [46]}', "wrong-type", /got an array/],
    ['{"value": {"v": 46}}', "wrong-type", /got an object/],
    ['{"value": 1e400}', "wrong-type", /Infinity is not a finite number/],
    ['{"value": 1e20}', "out-of-range", /35\.\.65/],
    ['{"value": 66}', "out-of-range", /66 is outside the range of HDWTSetPoint: 35\.\.65/],
    ['{"value": 34}', "out-of-range", /35\.\.65/],
    ['{"value": -1}', "out-of-range", /35\.\.65/],
  ])("HDWTSetPoint %s → 400 %s", async (payload, error, detail) => {
    const before = gw.sim.getValue(103);
    const res = await write("HDWTSetPoint", payload);
    expect(res).toMatchObject({ statusCode: 400, error });
    expect(res.detail).toMatch(detail);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(gw.sim.getValue(103)).toBe(before);
  });

  it("refuses negative and oversized values for unsigned types without limits", async () => {
    for (const value of ["-1", "4294967296", "1e20"]) {
      const res = await write("HDWSundayAM", `{"value": ${value}}`);
      expect(res.statusCode, value).toBe(400);
      expect(res.error, value).toBe("not-representable");
      expect(res.detail, value).toMatch(/uint32|range|0\.\.4294967295/);
    }
  });

  it("refuses a signed value outside its literal limits", async () => {
    const res = await write("Circuit1userCor", '{"value": 11}');
    expect(res).toMatchObject({ statusCode: 400, error: "out-of-range" });
    expect(res.detail).toMatch(/-10\.\.10/);
  });

  it("refuses read-only parameters, by name and by index, and panel parameters", async () => {
    expect(await write("TempCWU", '{"value": 40}')).toMatchObject({
      statusCode: 400,
      error: "read-only-parameter",
    });
    expect(await write("61", '{"value": 40}')).toMatchObject({
      statusCode: 400,
      error: "read-only-parameter",
    });
    // Circuit 6's curve multiplier target (HA-COMPAT.md §11.5) is read-only.
    expect(await write("770", '{"value": 1}')).toMatchObject({
      statusCode: 400,
      error: "read-only-parameter",
    });
    const panel = await write("10032", '{"value": 1}');
    expect(panel).toMatchObject({ statusCode: 400, error: "panel-write-disabled" });
  });
});

describe("malformed requests", () => {
  it.each([
    ['{"value": NaN}', 400, "malformed-json"],
    ['{"value": Infinity}', 400, "malformed-json"],
    ['{"value": -Infinity}', 400, "malformed-json"],
    ['{"value": 46', 400, "malformed-json"],
    ["", 400, "malformed-json"],
    ["{'value': 46}", 400, "malformed-json"],
    ["{}", 422, "invalid-request"],
    ['{"val": 46}', 422, "invalid-request"],
    ["46", 422, "invalid-request"],
    ["null", 422, "invalid-request"],
    ['"46"', 422, "invalid-request"],
  ])("body %j → %i %s", async (payload, status, error) => {
    expect(await write("HDWTSetPoint", payload)).toMatchObject({ statusCode: status, error });
  });

  it("refuses bodies over API_BODY_LIMIT with 413 and other media types with 415", async () => {
    const big = await write("HDWTSetPoint", `{"value": 46, "pad": "${"x".repeat(2000)}"}`);
    expect(big).toMatchObject({ statusCode: 413, error: "body-too-large" });
    const form = await write("HDWTSetPoint", "value=46", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form).toMatchObject({ statusCode: 415, error: "unsupported-media-type" });
    const text = await write("HDWTSetPoint", '{"value": 46}', { "content-type": "text/plain" });
    expect(text.statusCode).toBe(415);
  });
});

describe("names and paths", () => {
  it.each([
    ["NoSuchParameter", 404, "not-found"],
    ["uid", 404, "not-found"],
    ["hdwtsetpoint", 404, "not-found"],
    ["99999", 404, "not-found"],
    ["-1", 404, "not-found"],
    ["..%2F..%2Fetc%2Fpasswd", 404, "not-found"],
    ["%2E%2E", 404, "not-found"],
    ["UID%2F10", 404, "not-found"],
    ["HDWTSetPoint%00", 404, "not-found"],
    ["HDWTSetPoint%20", 404, "not-found"],
    [`${"A".repeat(400)}`, 404, "not-found"],
    [`${"A".repeat(5000)}`, 404, "not-found"],
    ["%zz", 400, "bad-url"],
  ])("POST /api/parameters/%s → %i %s", async (name, status, error) => {
    const res = await write(name, '{"value": 46}');
    expect(res).toMatchObject({ statusCode: status, error });
    expect(res.detail.length).toBeLessThan(300);
    const read = await send("GET", `/api/parameters/${name}`);
    expect(read.statusCode).toBe(status);
  });

  it("does not route path traversal to another endpoint", async () => {
    for (const url of [
      "/api/parameters/../status",
      "/api/parameters/%2e%2e/status",
      "/api//parameters/UID",
    ]) {
      const res = await send("POST", url, '{"value": 1}');
      expect(res.statusCode, url).toBe(404);
    }
  });
});

describe("authentication and limits", () => {
  it("answers 401 without a key or with a wrong one, and 403 to the read key's writes", async () => {
    expect(await write("HDWTSetPoint", '{"value": 50}', { "x-api-key": "" })).toMatchObject({
      statusCode: 401,
      error: "unauthorized",
    });
    expect(await write("HDWTSetPoint", '{"value": 50}', { "x-api-key": "wrong" })).toMatchObject({
      statusCode: 401,
    });
    expect(
      await write("HDWTSetPoint", '{"value": 50}', {
        "x-api-key": "",
        authorization: `Bearer ${WRITE_KEY.slice(0, -1)}`,
      }),
    ).toMatchObject({ statusCode: 401 });
    expect(await write("HDWTSetPoint", '{"value": 50}', { "x-api-key": READ_KEY })).toMatchObject({
      statusCode: 403,
      error: "forbidden",
    });
    expect(await send("GET", "/api/parameters", undefined, { "x-api-key": "" })).toMatchObject({
      statusCode: 401,
    });
  });

  it("answers 429 with Retry-After past API_WRITE_RATE_LIMIT writes a minute, from all clients together", async () => {
    const limited = await startSimApi({
      env: { API_KEY: WRITE_KEY, API_WRITE_RATE_LIMIT: String(RATE_LIMIT) },
    });
    try {
      const post = (value: number) =>
        limited.app.inject({
          method: "POST",
          url: "/api/parameters/HDWTSetPoint",
          payload: `{"value": ${value}}`,
          remoteAddress: nextClient(),
          headers: { "x-api-key": WRITE_KEY, "content-type": "application/json" },
        });
      const statuses: number[] = [];
      // Invalid writes count too: the limit protects the gateway before any validation.
      for (let i = 0; i < RATE_LIMIT + 2; i++) statuses.push((await post(99)).statusCode);
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
      const res = await post(50);
      expect(res.statusCode).toBe(429);
      expect(res.json().error).toBe("rate-limited");
      expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(limited.writesOnBus()).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});

describe("READ_ONLY=true", () => {
  it("answers 403 to every write and sends nothing", async () => {
    const readOnly = await startSimApi({ env: { READ_ONLY: "true" } });
    try {
      const res = await readOnly.app.inject({
        method: "POST",
        url: "/api/parameters/HDWTSetPoint",
        payload: '{"value": 50}',
        headers: { "content-type": "application/json" },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: "read-only-mode" });
      expect(readOnly.writesOnBus()).toEqual([]);
    } finally {
      await readOnly.close();
    }
  });
});
