/** API keys, the read-only key and the write rate limit. */
import { afterEach, describe, expect, it } from "vitest";
import { ApiKeyCheck } from "../../src/http/auth.js";
import { fakeServer, type TestServer } from "./helpers/server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const WRITE_KEY = "write-secret-0123456789";
const READ_KEY = "read-secret-9876543210";
const json = { "content-type": "application/json" };

async function withKeys(env: Record<string, string> = { API_KEY: WRITE_KEY, API_READ_KEY: READ_KEY }) {
  server = await fakeServer({ env });
  server.core.writeHandler = async (request) => ({
    index: 103,
    name: "HDWTSetPoint",
    oldValue: 46,
    newValue: Number(request.value),
    requestedValue: request.value,
    confirmation: "ack+read-back",
    resultCode: 0xe5,
    durationMs: 1,
    timestamp: Date.now(),
  });
  return server;
}

describe("without keys", () => {
  it("needs no authentication, as Home Assistant's integration expects", async () => {
    const { app } = await withKeys({});
    expect((await app.inject({ method: "GET", url: "/api/parameters" })).statusCode).toBe(200);
    const write = await app.inject({
      method: "POST",
      url: "/api/parameters/HDWTSetPoint",
      headers: json,
      payload: '{"value":47}',
    });
    expect(write.statusCode).toBe(200);
  });
});

describe("with API_KEY and API_READ_KEY", () => {
  it("answers 401 without a key or with a wrong one, in the error shape", async () => {
    const { app, core } = await withKeys();
    const missing = await app.inject({ method: "GET", url: "/api/parameters" });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(missing.json().error).toBe("unauthorized");
    for (const headers of [
      { authorization: "Bearer nope" },
      { "x-api-key": `${WRITE_KEY}x` },
      { authorization: `Basic ${WRITE_KEY}` },
    ]) {
      const res = await app.inject({ method: "GET", url: "/api/alarms", headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
    }
    const write = await app.inject({
      method: "POST",
      url: "/api/parameters/HDWTSetPoint",
      headers: { ...json, authorization: "Bearer wrong" },
      payload: '{"value":47}',
    });
    expect(write.statusCode).toBe(401);
    expect(core.requests).toEqual([]);
  });

  it("lets the read key read but answers 403 to its writes", async () => {
    const { app, core } = await withKeys();
    for (const headers of [{ authorization: `Bearer ${READ_KEY}` }, { "x-api-key": READ_KEY }]) {
      expect((await app.inject({ method: "GET", url: "/api/parameters/UID", headers })).statusCode).toBe(200);
      const write = await app.inject({
        method: "POST",
        url: "/api/parameters/HDWTSetPoint",
        headers: { ...json, ...headers },
        payload: '{"value":47}',
      });
      expect(write.statusCode).toBe(403);
      expect(write.json().error).toBe("forbidden");
    }
    const pair = await app.inject({
      method: "POST",
      url: "/api/thermostat/pair",
      headers: { "x-api-key": READ_KEY },
    });
    expect(pair.statusCode).toBe(403);
    expect(core.requests).toEqual([]);
  });

  it("lets the write key read and write (Bearer or X-API-Key)", async () => {
    const { app, core } = await withKeys();
    for (const headers of [{ authorization: `bearer ${WRITE_KEY}` }, { "x-api-key": WRITE_KEY }]) {
      expect((await app.inject({ method: "GET", url: "/api/status", headers })).statusCode).toBe(200);
      const write = await app.inject({
        method: "POST",
        url: "/api/parameters/HDWTSetPoint",
        headers: { ...json, ...headers },
        payload: '{"value":47}',
      });
      expect(write.statusCode).toBe(200);
    }
    expect(core.requests).toHaveLength(2);
  });

  it("keeps /, /health, /docs and /openapi.json public, and unknown routes 404", async () => {
    const { app } = await withKeys();
    for (const url of ["/", "/health", "/openapi.json", "/docs/"]) {
      expect((await app.inject({ method: "GET", url })).statusCode, url).toBe(200);
    }
    expect((await app.inject({ method: "GET", url: "/nothing" })).statusCode).toBe(404);
  });

  it("with only a read key, reads need it and writes are disabled", async () => {
    const { app } = await withKeys({ API_READ_KEY: READ_KEY });
    expect((await app.inject({ method: "GET", url: "/api/parameters" })).statusCode).toBe(401);
    const res = await app.inject({
      method: "POST",
      url: "/api/parameters/HDWTSetPoint",
      headers: { ...json, "x-api-key": READ_KEY },
      payload: '{"value":47}',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/no API_KEY is configured/);
  });
});

describe("ApiKeyCheck", () => {
  it("grants by exact key only", () => {
    const check = new ApiKeyCheck({ apiKey: "a", apiReadKey: "b" });
    expect(check.grantOf("a")).toBe("write");
    expect(check.grantOf("b")).toBe("read");
    expect(check.grantOf("A")).toBe("none");
    expect(check.grantOf("")).toBe("none");
    expect(check.grantOf(undefined)).toBe("none");
    expect(new ApiKeyCheck({ apiKey: "", apiReadKey: "" }).enabled).toBe(false);
  });
});

describe("write rate limit", () => {
  it("answers 429 with Retry-After past API_WRITE_RATE_LIMIT, nothing queued, reads unaffected", async () => {
    server = await fakeServer({ env: { API_WRITE_RATE_LIMIT: "2" } });
    const { app, core } = server;
    core.writeHandler = async () => ({
      index: 103,
      name: "HDWTSetPoint",
      oldValue: 46,
      newValue: 47,
      requestedValue: 47,
      confirmation: "ack+read-back",
      resultCode: 0xe5,
      durationMs: 1,
      timestamp: Date.now(),
    });
    const post = () =>
      app.inject({
        method: "POST",
        url: "/api/parameters/HDWTSetPoint",
        headers: json,
        payload: '{"value":47}',
      });
    expect((await post()).statusCode).toBe(200);
    expect((await post()).statusCode).toBe(200);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.json().error).toBe("rate-limited");
    expect(core.requests).toHaveLength(2);
    expect((await app.inject({ method: "GET", url: "/api/parameters" })).statusCode).toBe(200);
  });
});

describe("CORS", () => {
  it("is off by default and answers configured origins only", async () => {
    server = await fakeServer();
    let res = await server.app.inject({
      method: "GET",
      url: "/api/parameters",
      headers: { origin: "http://x.example" },
    });
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    await server.close();
    server = await fakeServer({ env: { CORS_ORIGINS: "http://dash.local:8080" } });
    res = await server.app.inject({
      method: "GET",
      url: "/api/parameters",
      headers: { origin: "http://dash.local:8080" },
    });
    expect(res.headers["access-control-allow-origin"]).toBe("http://dash.local:8080");
    res = await server.app.inject({
      method: "GET",
      url: "/api/parameters",
      headers: { origin: "http://evil.example" },
    });
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers preflights without a key when keys are set (browsers send none)", async () => {
    server = await fakeServer({ env: { CORS_ORIGINS: "http://dash.local:8080", API_KEY: WRITE_KEY } });
    const preflight = await server.app.inject({
      method: "OPTIONS",
      url: "/api/parameters/HDWTSetPoint",
      headers: {
        origin: "http://dash.local:8080",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("http://dash.local:8080");
    expect(String(preflight.headers["access-control-allow-headers"]).toLowerCase()).toContain(
      "authorization",
    );
    const read = await server.app.inject({
      method: "GET",
      url: "/api/parameters",
      headers: { origin: "http://dash.local:8080" },
    });
    expect(read.statusCode).toBe(401);
  });
});
