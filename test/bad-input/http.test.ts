/**
 * Bad input over HTTP against the whole gateway on the simulator (one gateway for the file):
 * every request gets its status and error code in the `{error, detail}` shape, and no MODIFY_PARAM
 * reaches the simulated wire — counted on the simulator's bus log. At the end, one valid write goes
 * out, so "nothing was sent" is not a counter that cannot move.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPERT_CATALOGUE } from "../../src/catalog/expert-parameters.js";
import { type SimApi, startSimApi } from "../helpers/sim-api.js";
import { EXPERT_TARGETS, expectErrorShape, nested, P, rawHttp, Wire } from "./harness.js";

const WRITE_KEY = "bad-input-write-key-0001";
const READ_KEY = "bad-input-read-key-0002";
/** The one write budget counts every write from every client: high here, low where it is tested. */
const RATE_LIMIT = 3;

let gw: SimApi;
let wire: Wire;
let port: number;
let clientNumber = 0;
/** Each request comes from its own address so the rate limit only bites where it is tested. */
const nextClient = () => `10.1.${Math.floor(++clientNumber / 250)}.${clientNumber % 250}`;

beforeAll(async () => {
  gw = await startSimApi({
    env: { API_KEY: WRITE_KEY, API_READ_KEY: READ_KEY, API_WRITE_RATE_LIMIT: "10000" },
  });
  wire = new Wire(gw.sim, () => gw.core.address.address);
  const address = await gw.app.listen({ host: "127.0.0.1", port: 0 });
  port = Number(new URL(address).port);
});
afterAll(async () => {
  await gw?.close();
});

interface Answer {
  status: number;
  error: string;
  detail: string;
  headers: Record<string, string | string[] | number | undefined>;
}

/** One request by inject; checks the error shape and that nothing went out on the wire. */
async function send(
  method: string,
  url: string,
  payload?: string,
  headers: Record<string, string> = {},
  remoteAddress = nextClient(),
): Promise<Answer> {
  return wire.nothingSent(`${method} ${url}`, async () => {
    const res = await gw.app.inject({
      method: method as "GET",
      url,
      payload,
      remoteAddress,
      headers: {
        "x-api-key": WRITE_KEY,
        ...(payload === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
    });
    expect(res.headers["content-type"], `${method} ${url}`).toMatch(/^application\/json; charset=utf-8$/);
    const { error, detail } = expectErrorShape(res.json(), `${method} ${url} ${payload?.slice(0, 60)}`);
    return { status: res.statusCode, error, detail, headers: res.headers };
  });
}

const write = (target: string | number, payload: string, headers?: Record<string, string>) =>
  send("POST", `/api/parameters/${target}`, payload, headers);
const value = (v: string) => `{"value": ${v}}`;
/** A payload or name as a test title shows it: long ones cut, with their length. */
const short = (text: string) =>
  text.length > 60 ? `${text.slice(0, 30)}…(${text.length} characters)` : JSON.stringify(text);

describe("values the gateway would have to change are refused, not changed", () => {
  it.each([
    // Fractions for integer types: refused, never truncated (45.5 was written as 45).
    [
      P.setpoint,
      "45.5",
      "not-a-whole-number",
      /HDWTSetPoint is uint8 and takes whole numbers only: 45\.5 .*send 45 or 46/,
    ],
    [P.setpoint, "46.9", "not-a-whole-number", /46\.9/],
    [P.setpoint, "65.9", "not-a-whole-number", /65\.9/],
    [P.setpoint, "35.0000001", "not-a-whole-number", /35\.0000001/],
    [P.setpoint, "-0.5", "not-a-whole-number", /-0\.5/],
    [P.setpoint, "1e-320", "not-a-whole-number", /1e-320/],
    [P.setpoint, "0.1", "not-a-whole-number", /0\.1/],
    [P.userCor, "10.5", "not-a-whole-number", /Circuit1userCor is int8/],
    [P.userCor, "-10.5", "not-a-whole-number", /-10\.5/],
    [P.userCor, "9.99", "not-a-whole-number", /9\.99/],
    [P.schedule, "16776960.5", "not-a-whole-number", /HDWSundayAM is uint32/],
    // Floats binary32 cannot carry without a visible change (1e-320 was written as 0).
    [P.flowDefault, "1e-320", "not-representable", /1e-320 would reach flow_default as 0/],
    [P.flowDefault, "-1e-320", "not-representable", /would reach flow_default as 0/],
    [P.flowDefault, "1e-46", "not-representable", /would reach flow_default as 0/],
    [P.pidTime, "3.5e38", "not-representable", /at most ±3\.40282/],
    [P.pidTime, "1e39", "not-representable", /at most ±3\.40282/],
    [P.pidTime, "-1.7976931348623157e308", "not-representable", /at most ±3\.40282/],
    [P.pidTime, "16777217", "not-representable", /would reach PID_comp\._time as 16777216/],
    [P.pidTime, "1e38", "not-representable", /would reach PID_comp\._time as 9\.99999968/],
    // The range is checked on the value sent.
    [P.comfort, "35.01", "out-of-range", /35\.01 is outside the range of Circuit1ComfortTemp: 10\.\.35/],
    [P.comfort, "9.99", "out-of-range", /10\.\.35/],
  ])("%o %s → 400 %s", async (target, v, error, detail) => {
    const before = gw.sim.getValue(target.index);
    const res = await write(target.name, value(v));
    expect(res).toMatchObject({ status: 400, error });
    expect(res.detail).toMatch(detail);
    expect(gw.sim.getValue(target.index)).toEqual(before);
  });
});

describe("wrong types and values outside the range or the wire type", () => {
  it.each([
    [P.setpoint, '"46"', 400, "wrong-type", /HDWTSetPoint is uint8: expected a number, got the string "46"/],
    [P.setpoint, '"33.8"', 400, "wrong-type", /expected a number/],
    [P.setpoint, "true", 400, "wrong-type", /expected a number, got boolean true/],
    [P.setpoint, "null", 400, "wrong-type", /got null/],
    [P.setpoint, "[46]", 400, "wrong-type", /got an array/],
    [P.setpoint, '{"v": 46}', 400, "wrong-type", /got an object/],
    [P.setpoint, nested(5), 400, "wrong-type", /got an array/],
    [P.setpoint, "1e400", 400, "wrong-type", /Infinity is not a finite number/],
    [P.setpoint, "1e20", 400, "out-of-range", /35\.\.65/],
    [P.setpoint, "66", 400, "out-of-range", /66 is outside the range of HDWTSetPoint: 35\.\.65/],
    [P.setpoint, "34", 400, "out-of-range", /35\.\.65/],
    [P.setpoint, "-1", 400, "out-of-range", /35\.\.65/],
    [P.userCor, "11", 400, "out-of-range", /-10\.\.10/],
    [P.userCor, "-11", 400, "out-of-range", /-10\.\.10/],
    [P.schedule, "-1", 400, "not-representable", /uint32 \(0\.\.4294967295\)/],
    [P.schedule, "4294967296", 400, "not-representable", /uint32 \(0\.\.4294967295\)/],
    [P.schedule, "1e20", 400, "not-representable", /uint32/],
    [P.dhwTemp, "40", 400, "read-only-parameter", /TempCWU is read-only/],
    [{ index: 61, name: "61" }, "40", 400, "read-only-parameter", /read-only/],
    // Circuit 6's curve multiplier target (HA-COMPAT.md §11.5) is read-only.
    [{ index: 770, name: "770" }, "1", 400, "read-only-parameter", /read-only/],
    [{ index: 1348, name: "PumpSynced" }, "true", 400, "read-only-parameter", /read-only/],
    [{ index: 10032, name: "10032" }, "1", 400, "panel-write-disabled", /ALLOW_PANEL_WRITES=false/],
    [{ index: 10024, name: "factoryReset" }, "1", 400, "panel-write-disabled", /ALLOW_PANEL_WRITES/],
  ])("%o %s → %i %s", async (target, v, status, error, detail) => {
    const before = gw.sim.getValue(target.index);
    const res = await write(target.name, value(v));
    expect(res).toMatchObject({ status, error });
    expect(res.detail).toMatch(detail);
    expect(gw.sim.getValue(target.index)).toEqual(before);
  });
});

describe("strings longer than one frame, or not carried faithfully by UTF-8", () => {
  it.each(
    (
      [
        [
          P.circuitName,
          JSON.stringify("x".repeat(1100)),
          "too-long",
          /1100 bytes of UTF-8 \(1100 characters\); at most 995 bytes fit one write/,
        ],
        [P.circuitName, JSON.stringify("x".repeat(996)), "too-long", /996 bytes .*at most 995 bytes/],
        [
          P.circuitName,
          JSON.stringify("é".repeat(500)),
          "too-long",
          /1000 bytes of UTF-8 \(500 characters\)/,
        ],
        [P.ssid, JSON.stringify("😀".repeat(249)), "too-long", /996 bytes of UTF-8 \(498 characters\)/],
        [P.ssid, JSON.stringify("y".repeat(8000)), "too-long", /8000 bytes/],
        [P.ssid, '"\\ud800"', "not-representable", /unpaired surrogate/],
        [P.ssid, '"a\\udc00b"', "not-representable", /unpaired surrogate/],
        [P.ssid, '"a\\u0000b"', "not-representable", /NUL/],
        [P.circuitName, "5", "wrong-type", /Circuit1name is a string: got number 5/],
        [P.circuitName, '["x"]', "wrong-type", /got an array/],
      ] as const
    ).map(([target, v, error, detail]) => ({ target, v, error, detail, what: short(v) })),
  )("$target.name $what → 400 $error", async ({ target, v, error, detail }) => {
    const before = gw.sim.getValue(target.index);
    const res = await write(target.name, value(v));
    expect(res).toMatchObject({ status: 400, error });
    expect(res.detail).toMatch(detail);
    expect(gw.sim.getValue(target.index)).toEqual(before);
  });

  it("refuses the 1,100-character FN write (which ended the process) with 403 expert-only, and lives on", async () => {
    const res = await write("FN", value(JSON.stringify("9".repeat(1100))));
    expect(res).toMatchObject({ status: 403, error: "expert-only" });
    const health = await gw.app.inject({ method: "GET", url: "/health" });
    expect(health.statusCode).toBe(200);
  });
});

describe("service parameters need EXPERT_WRITES", () => {
  it.each(EXPERT_TARGETS)(
    "$name ($index) by name → 403 expert-only, naming the consequence",
    async (target) => {
      const before = gw.sim.getValue(target.index);
      const res = await write(target.name, value("1"));
      expect(res).toMatchObject({ status: 403, error: "expert-only" });
      const entry = EXPERT_CATALOGUE.gated.find((e) => e.name === target.name)!;
      expect(res.detail).toContain(entry.consequence);
      expect(res.detail).toMatch(/refused unless EXPERT_WRITES=true/);
      expect(gw.sim.getValue(target.index)).toEqual(before);
    },
  );

  it.each([5, 7, 920])("index %i → 403 expert-only", async (index) => {
    expect(await write(index, value("1"))).toMatchObject({ status: 403, error: "expert-only" });
  });

  it("lists them with their consequences at GET /api/expert-parameters; the reboot is writable, with a confirmation", async () => {
    const res = await gw.app.inject({
      method: "GET",
      url: "/api/expert-parameters",
      headers: { "x-api-key": READ_KEY },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      expert_writes: boolean;
      parameters: { index: number; name: string; gated: boolean; consequence: string }[];
    };
    expect(body.expert_writes).toBe(false);
    const byIndex = new Map(body.parameters.map((p) => [p.index, p]));
    for (const target of EXPERT_TARGETS)
      expect(byIndex.get(target.index)).toMatchObject({ ...target, gated: true });
    expect(byIndex.get(P.reboot.index)).toMatchObject({ name: P.reboot.name, gated: false });
    expect(body.parameters).toHaveLength(EXPERT_CATALOGUE.gated.length + EXPERT_CATALOGUE.confirmOnly.length);
  });
});

describe("malformed and unreadable bodies", () => {
  it.each(
    (
      [
        ['{"value": NaN}', 400, "malformed-json", {}],
        ['{"value": Infinity}', 400, "malformed-json", {}],
        ['{"value": -Infinity}', 400, "malformed-json", {}],
        ['{"value": 46', 400, "malformed-json", {}],
        ["", 400, "malformed-json", {}],
        ["{'value': 46}", 400, "malformed-json", {}],
        // 5,000 levels gave a 500 (a stack overflow describing the value); refused before parsing now.
        [value(nested(5000)), 400, "too-deeply-nested", {}],
        [value(nested(33)), 400, "too-deeply-nested", {}],
        [`{"value": ${'{"a":'.repeat(40)}1${"}".repeat(40)}}`, 400, "too-deeply-nested", {}],
        ["{}", 422, "invalid-request", {}],
        ['{"val": 46}', 422, "invalid-request", {}],
        ['{"__proto__": {"value": 46}}', 422, "invalid-request", {}],
        ["46", 422, "invalid-request", {}],
        ["null", 422, "invalid-request", {}],
        ['"46"', 422, "invalid-request", {}],
        ['{"value": 46}', 415, "unsupported-media-type", { "content-encoding": "gzip" }],
        [
          '{"value": 46}',
          415,
          "unsupported-media-type",
          { "content-type": "application/json; charset=latin1" },
        ],
        [
          '{"value": 46}',
          415,
          "unsupported-media-type",
          { "content-type": "application/json; charset=utf-16" },
        ],
        ['{"value": 46}', 415, "unsupported-media-type", { "content-type": "text/plain" }],
        ["value=46", 415, "unsupported-media-type", { "content-type": "application/x-www-form-urlencoded" }],
        [`{"value": 46, "pad": "${"x".repeat(17_000)}"}`, 413, "body-too-large", {}],
      ] as const
    ).map(([payload, status, error, headers]) => ({ payload, status, error, headers, what: short(payload) })),
  )("body $what $headers → $status $error", async ({ payload, status, error, headers }) => {
    const before = gw.sim.getValue(P.setpoint.index);
    const res = await write(P.setpoint.name, payload, headers);
    expect(res).toMatchObject({ status, error });
    expect(gw.sim.getValue(P.setpoint.index)).toBe(before);
  });
});

describe("thermostat temperatures", () => {
  const status = async () =>
    (
      await gw.app.inject({
        method: "GET",
        url: "/api/thermostat/status",
        headers: { "x-api-key": READ_KEY },
      })
    ).json() as { temperature: number | null };

  it("stores a room temperature (the one the cases below must leave in place)", async () => {
    const res = await gw.app.inject({
      method: "POST",
      url: "/api/thermostat/temperature",
      payload: '{"temperature": 21.5}',
      headers: { "x-api-key": WRITE_KEY, "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(200);
    expect((await status()).temperature).toBe(21.5);
  });

  it.each([
    ["1e308", 422, "out-of-range"],
    ["-1e308", 422, "out-of-range"],
    ["1e400", 422, "invalid-request"],
    ["60.01", 422, "out-of-range"],
    ["61", 422, "out-of-range"],
    ["-30.01", 422, "out-of-range"],
    ["-273.15", 422, "out-of-range"],
    ['"21.5"', 422, "invalid-request"],
    ["null", 422, "invalid-request"],
    ["true", 422, "invalid-request"],
    ["{}", 422, "invalid-request"],
    ["NaN", 400, "malformed-json"],
  ])("temperature %s → %i %s, nothing stored", async (temperature, code, error) => {
    const res = await send("POST", "/api/thermostat/temperature", `{"temperature": ${temperature}}`);
    expect(res).toMatchObject({ status: code, error });
    if (error === "out-of-range") expect(res.detail).toMatch(/between -30 and 60 °C.*nothing was stored/);
    expect((await status()).temperature).toBe(21.5);
  });

  it("refuses a body without temperature with 422", async () => {
    expect(await send("POST", "/api/thermostat/temperature", '{"temp": 20}')).toMatchObject({
      status: 422,
      error: "invalid-request",
    });
  });
});

describe("an index has one spelling", () => {
  it("serves /api/parameters/103 and /0 (the canonical form)", async () => {
    for (const [url, name] of [
      ["/api/parameters/103", "HDWTSetPoint"],
      ["/api/parameters/0", "PS"],
    ]) {
      const res = await gw.app.inject({ method: "GET", url: url!, headers: { "x-api-key": READ_KEY } });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().name).toBe(name);
    }
  });

  it.each(["0103", "%2B103", "103.0", "1e2", "0x67", "00103", "-0", "%20103", "103%20", "103."])(
    "%s is not an index: GET and POST → 404",
    async (spelling) => {
      const read = await send("GET", `/api/parameters/${spelling}`);
      expect(read).toMatchObject({ status: 404, error: "not-found" });
      const res = await write(spelling, value("46"));
      expect(res).toMatchObject({ status: 404, error: "not-found" });
      expect(res.detail).toMatch(/^Parameter not found: /);
    },
  );
});

describe("names and paths", () => {
  it.each(
    [
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
      ["A".repeat(400), 404, "not-found"],
      ["A".repeat(5000), 404, "not-found"],
      ["%zz", 400, "bad-url"],
    ].map(([name, status, error]) => ({ name: name as string, status, error, what: short(name as string) })),
  )("POST /api/parameters/$what → $status $error", async ({ name, status, error }) => {
    const res = await write(name, value("46"));
    expect(res).toMatchObject({ status, error });
    expect(res.detail.length).toBeLessThan(300);
    const read = await send("GET", `/api/parameters/${name}`);
    expect(read.status).toBe(status);
  });

  it.each([
    // light-my-request resolves `..` as a browser would: these are POST /api/status and GET-only.
    ["/api/parameters/../status", 405, "method-not-allowed"],
    ["/api/parameters/%2e%2e/status", 405, "method-not-allowed"],
    ["/api//parameters/UID", 404, "not-found"],
  ])("POST %s never reaches a write: %i %s", async (url, status, error) => {
    expect(await send("POST", url, value("1"))).toMatchObject({ status, error });
  });
});

describe("the framework's own refusals, in the error shape (raw HTTP)", () => {
  const request = (lines: string[], body = "") => `${lines.join("\r\n")}\r\n\r\n${body}`;

  it.each([
    [
      "headers over 16 KB",
      request(["GET /api/parameters HTTP/1.1", "Host: x", `X-Padding: ${"a".repeat(20_000)}`]),
      431,
      "headers-too-large",
    ],
    [
      "a URL over 16 KB",
      request([`GET /api/parameters/${"b".repeat(17_000)} HTTP/1.1`, "Host: x"]),
      431,
      "headers-too-large",
    ],
    ["a garbage request line", request(["GARBAGE"]), 400, "bad-request"],
    ["a header without a colon", request(["GET / HTTP/1.1", "Host x"]), 400, "bad-request"],
    ["no Host header", request(["GET /health HTTP/1.1", "Connection: close"]), 400, "bad-request"],
    [
      "an invalid Content-Length",
      request([
        `POST /api/parameters/${P.setpoint.name} HTTP/1.1`,
        "Host: x",
        "Content-Type: application/json",
        "Content-Length: abc",
      ]),
      400,
      "bad-request",
    ],
    [
      "Content-Length with Transfer-Encoding",
      request(
        [
          `POST /api/parameters/${P.setpoint.name} HTTP/1.1`,
          "Host: x",
          "Content-Type: application/json",
          "Content-Length: 13",
          "Transfer-Encoding: chunked",
        ],
        value("46"),
      ),
      400,
      "bad-request",
    ],
    [
      "a malformed chunk",
      request(
        [
          `POST /api/parameters/${P.setpoint.name} HTTP/1.1`,
          "Host: x",
          `X-API-Key: ${WRITE_KEY}`,
          "Content-Type: application/json",
          "Transfer-Encoding: chunked",
        ],
        "zz\r\n{}\r\n0\r\n\r\n",
      ),
      400,
      "bad-request",
    ],
    [
      "PUT on a parameter",
      request([
        `PUT /api/parameters/${P.setpoint.name} HTTP/1.1`,
        "Host: x",
        "Connection: close",
        "Content-Length: 0",
      ]),
      405,
      "method-not-allowed",
    ],
    [
      "DELETE on a parameter",
      request([`DELETE /api/parameters/${P.setpoint.name} HTTP/1.1`, "Host: x", "Connection: close"]),
      405,
      "method-not-allowed",
    ],
    [
      "PATCH on the list",
      request(["PATCH /api/parameters HTTP/1.1", "Host: x", "Connection: close", "Content-Length: 0"]),
      405,
      "method-not-allowed",
    ],
    [
      "GET on a POST-only call",
      request(["GET /api/thermostat/pair HTTP/1.1", "Host: x", "Connection: close"]),
      405,
      "method-not-allowed",
    ],
    ["an unknown route", request(["GET /nope HTTP/1.1", "Host: x", "Connection: close"]), 404, "not-found"],
    [
      "an unknown method",
      request(["PROPFIND /nope HTTP/1.1", "Host: x", "Connection: close"]),
      404,
      "not-found",
    ],
  ])("%s → %i %s", async (_what, raw, status, error) => {
    const res = await wire.nothingSent(`raw ${_what}`, () => rawHttp(port, raw));
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(expectErrorShape(JSON.parse(res.body), _what).error).toBe(error);
    if (status === 405) expect(res.headers.allow).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
  });
});

describe("authentication and limits", () => {
  it("answers 401 without a key or with a wrong one, and 403 to the read key's writes", async () => {
    expect(await write(P.setpoint.name, value("50"), { "x-api-key": "" })).toMatchObject({
      status: 401,
      error: "unauthorized",
    });
    expect(await write(P.setpoint.name, value("50"), { "x-api-key": "wrong" })).toMatchObject({
      status: 401,
    });
    expect(
      await write(P.setpoint.name, value("50"), {
        "x-api-key": "",
        authorization: `Bearer ${WRITE_KEY.slice(0, -1)}`,
      }),
    ).toMatchObject({ status: 401 });
    expect(await write(P.setpoint.name, value("50"), { "x-api-key": READ_KEY })).toMatchObject({
      status: 403,
      error: "forbidden",
    });
    expect(await send("GET", "/api/parameters", undefined, { "x-api-key": "" })).toMatchObject({
      status: 401,
    });
  });

  it("answers 429 with Retry-After past API_WRITE_RATE_LIMIT writes a minute, from all clients together", async () => {
    const limited = await startSimApi({
      env: { API_KEY: WRITE_KEY, API_WRITE_RATE_LIMIT: String(RATE_LIMIT) },
    });
    try {
      const post = (text: string) =>
        limited.app.inject({
          method: "POST",
          url: `/api/parameters/${P.setpoint.name}`,
          payload: value(text),
          remoteAddress: nextClient(),
          headers: { "x-api-key": WRITE_KEY, "content-type": "application/json" },
        });
      const statuses: number[] = [];
      // Invalid writes count too: the limit protects the gateway before any validation.
      for (let i = 0; i < RATE_LIMIT + 2; i++) statuses.push((await post("99")).statusCode);
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
      const res = await post("50");
      expect(res.statusCode).toBe(429);
      expect(res.json().error).toBe("rate-limited");
      expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(limited.writesOnBus()).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});

describe("after all of it", () => {
  it("is alive, and a valid write goes out as exactly one MODIFY_PARAM: the only one of the file", async () => {
    expect(wire.modifyFrames()).toBe(0);
    const health = await gw.app.inject({ method: "GET", url: "/health" });
    expect(health.statusCode).toBe(200);
    const target = Number(gw.sim.getValue(P.setpoint.index)) === 50 ? 51 : 50;
    const res = await gw.app.inject({
      method: "POST",
      url: `/api/parameters/${P.setpoint.name}`,
      payload: value(String(target)),
      remoteAddress: nextClient(),
      headers: { "x-api-key": WRITE_KEY, "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(200);
    expect(gw.sim.getValue(P.setpoint.index)).toBe(target);
    expect(wire.modifyFrames()).toBe(1);
    wire.expectComplete();
  });
});
