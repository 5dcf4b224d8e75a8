/**
 * The OpenAPI document of the full gateway (HTTP API, /metrics, /ws/parameters) on the simulated
 * heat pump: every operation has a unique operationId; with an API key set every operation that
 * needs a key declares the security requirement and the 401 it then gets (403 for writes), /metrics
 * included, and a request made as the document says (the key in the declared header) succeeds;
 * without keys nothing requires one. /ws/parameters is described (101, 426).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimLive, startSimLive } from "../helpers/sim-live.js";

const KEY = "openapi-test-key";
type Operation = { operationId?: string; security?: unknown[]; responses: Record<string, unknown> };
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

describe.each([{ keys: false }, { keys: true }])("OpenAPI operations (keys: $keys)", ({ keys }) => {
  let gw: SimLive;
  let doc: Doc;

  beforeAll(async () => {
    gw = await startSimLive({ env: keys ? { API_KEY: KEY } : {} });
    doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as Doc;
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("gives every operation a unique operationId", () => {
    const all = operations(doc);
    expect(all.length).toBeGreaterThan(12);
    const ids = all.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-zA-Z][a-zA-Z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths["/api/parameters/{name}"]!.post!.operationId).toBe("postApiParametersByName");
  });

  it("documents /metrics and /ws/parameters", () => {
    expect(doc.paths["/metrics"]?.get).toBeDefined();
    const ws = doc.paths["/ws/parameters"]?.get;
    expect(ws?.responses).toHaveProperty("101");
    expect(ws?.responses).toHaveProperty("426");
  });

  if (!keys) {
    it("requires no key anywhere without keys", () => {
      for (const { operation } of operations(doc)) {
        expect(operation.security).toBeUndefined();
      }
    });
  } else {
    it("declares security and 401 on every operation that needs a key, 403 on writes", () => {
      const publicPaths = new Set(["/", "/health"]);
      for (const { path, method, operation } of operations(doc)) {
        if (publicPaths.has(path)) continue;
        expect(operation.security, `${method} ${path}`).toBeDefined();
        expect(operation.responses, `${method} ${path}`).toHaveProperty("401");
        if (method === "post") expect(operation.responses, `${method} ${path}`).toHaveProperty("403");
      }
      expect(doc.paths["/metrics"]!.get!.responses).toHaveProperty("401");
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKey", "bearer", "queryKey"]);
    });

    it("answers as documented: 401 without the key, 200 with it in the declared header", async () => {
      for (const path of ["/metrics", "/api/parameters", "/api/status"]) {
        expect((await fetch(`${gw.url}${path}`)).status, path).toBe(401);
        expect((await fetch(`${gw.url}${path}`, { headers: { "X-API-Key": KEY } })).status, path).toBe(200);
        expect(
          (await fetch(`${gw.url}${path}`, { headers: { Authorization: `Bearer ${KEY}` } })).status,
        ).toBe(200);
      }
    });
  }
});
