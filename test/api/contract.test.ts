/**
 * HA-COMPAT.md's contract, checked against the whole gateway on the simulator: every call Home
 * Assistant's integration and EmonHub make, their paths, status codes, content type and the JSON
 * type of every field of every parameter.
 */
import { Value } from "typebox/value";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schemas from "../../src/bridges/http/schema-definitions.js";
import { isTypeCode, TYPE_INFO, TypeCode } from "../../src/protocol/index.js";
import type { SimLimit, SimParameter } from "../../src/sim/index.js";
import { type SimApi, startSimApi } from "../helpers/sim-api.js";
import { eventually } from "../helpers/sim-gateway.js";

let gw: SimApi;

beforeAll(async () => {
  gw = await startSimApi();
  await eventually(() => gw.core.status().alarms.lastReadAt !== undefined, "the first alarm read", 10_000);
});
afterAll(async () => {
  await gw?.close();
});

interface ApiParameter {
  index: number;
  name: string;
  value: unknown;
  type: number;
  unit: number;
  writable: boolean;
  min: number | null;
  max: number | null;
}

const get = (url: string) => gw.app.inject({ method: "GET", url });
const post = (url: string, payload?: string) =>
  gw.app.inject({
    method: "POST",
    url,
    payload,
    headers: payload === undefined ? {} : { "content-type": "application/json" },
  });

/** Every simulated parameter with its stored (API) index. */
function simParameters(): { index: number; space: "regulator" | "panel"; p: SimParameter }[] {
  return [
    ...gw.sim.controller.space.parameters.map((p, i) => ({ index: i, space: "regulator" as const, p })),
    ...gw.sim.panel.space.parameters.map((p, i) => ({ index: 10_000 + i, space: "panel" as const, p })),
  ];
}

/** HA-COMPAT.md §13's mapping of a limit, computed independently of the gateway's code. */
function expectedLimits(
  space: "regulator" | "panel",
  p: SimParameter,
): { min: number | null; max: number | null } {
  if (space === "panel") return { min: null, max: null };
  const resolve = (limit: SimLimit): number | null => {
    if (limit.kind === "none") return null;
    if (limit.kind === "literal") return limit.value;
    const value = gw.sim.getValue(limit.index);
    return typeof value === "number" && Number.isFinite(value) ? value : null;
  };
  if (p.min.kind === "literal" && p.max.kind === "literal" && p.min.value === 0 && p.max.value === 0) {
    return { min: null, max: null };
  }
  const min = resolve(p.min);
  const max = resolve(p.max);
  if (min !== null && max !== null && max < min) return { min: null, max: null };
  return { min, max };
}

/** HA-COMPAT.md §5, computed independently of the gateway's code. */
function expectedValue(typeCode: number, value: unknown): unknown {
  if (typeCode === TypeCode.FLOAT || typeCode === TypeCode.DOUBLE) {
    return typeof value === "number" && Number.isFinite(value) ? Math.round(value * 100) / 100 : null;
  }
  if (typeCode === TypeCode.BOOL) return value === true || value === 1;
  if (typeof value === "bigint") return Number(value);
  return value;
}

describe("GET /api/parameters", () => {
  it("answers 200 application/json with every named parameter keyed by index, in index order", async () => {
    const res = await get("/api/parameters");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json(;\s*charset=utf-8)?$/);
    const body = res.json() as { timestamp: string; parameters: Record<string, ApiParameter> };
    expect(Value.Check(schemas.ParametersBodySchema, body)).toBe(true);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);

    const named = simParameters().filter(({ p }) => p.name !== "");
    expect(named.length).toBeGreaterThan(1700);
    expect(Object.keys(body.parameters)).toEqual(named.map(({ index }) => String(index)));
    // Nameless parameters are polled but never served.
    const nameless = simParameters().find(({ p }) => p.name === "");
    expect(nameless).toBeDefined();
    expect(body.parameters[String(nameless?.index)]).toBeUndefined();
  });

  it("serves index, name, type, unit, writable, min and max per the contract for every parameter", async () => {
    const body = (await get("/api/parameters")).json() as { parameters: Record<string, ApiParameter> };
    for (const { index, space, p } of simParameters()) {
      if (p.name === "") continue;
      const entry = body.parameters[String(index)];
      const where = `${index} ${p.name}`;
      expect(entry, where).toBeDefined();
      if (!entry) continue;
      expect(entry.index, where).toBe(index);
      expect(entry.name, where).toBe(p.name.replaceAll(" ", "_"));
      expect(entry.type, where).toBe(p.typeByte & 0x0f);
      expect(entry.writable, where).toBe((p.typeByte & 0x20) !== 0);
      expect(Number.isInteger(entry.unit), where).toBe(true);
      expect({ min: entry.min, max: entry.max }, where).toEqual(expectedLimits(space, p));
    }
  });

  it("gives every value the JSON type of its wire type and the simulator's value", async () => {
    const body = (await get("/api/parameters")).json() as { parameters: Record<string, ApiParameter> };
    let floats = 0;
    for (const { index, p } of simParameters()) {
      if (p.name === "") continue;
      const { value } = body.parameters[String(index)] as ApiParameter;
      const where = `${index} ${p.name} = ${JSON.stringify(value)}`;
      const type = p.typeByte & 0x0f;
      expect(isTypeCode(type), where).toBe(true);
      const kind = TYPE_INFO[type as TypeCode].kind;
      switch (kind) {
        case "integer": {
          expect(Number.isInteger(value), where).toBe(true);
          const info = TYPE_INFO[type as TypeCode];
          expect(
            BigInt(value as number) >= (info.min ?? 0n) && BigInt(value as number) <= (info.max ?? 0n),
            where,
          ).toBe(true);
          break;
        }
        case "float":
          floats++;
          if (value !== null) {
            expect(typeof value, where).toBe("number");
            expect(
              Math.abs((value as number) * 100 - Math.round((value as number) * 100)),
              where,
            ).toBeLessThan(1e-6);
          }
          break;
        case "bool":
          expect(typeof value, where).toBe("boolean");
          break;
        case "string":
          expect(typeof value, where).toBe("string");
          break;
      }
      expect(value, where).toEqual(expectedValue(type, gw.sim.getValue(index)));
    }
    expect(floats).toBeGreaterThan(300);
  });

  it("keeps 999.0, serves NaN as null, bools as booleans and uint32 unsigned (HA-COMPAT.md §5, §13)", async () => {
    const res = await get("/api/parameters");
    const { parameters } = res.json() as { parameters: Record<string, ApiParameter> };
    for (const index of [31, 33, 35, 36, 38, 39, 40, 77, 78]) {
      expect(parameters[String(index)]?.value, String(index)).toBe(999);
      expect(res.body).toContain(
        `"${index}":{"index":${index},"name":${JSON.stringify(parameters[String(index)]?.name)},"value":999.0,`,
      );
    }
    expect(parameters["62"]).toMatchObject({ name: "TempBuforUp", value: null, type: 7 });
    expect(parameters["1348"]).toMatchObject({ name: "PumpSynced", value: false, type: 10 });
    expect(parameters["381"]).toMatchObject({ type: 6, value: 3232235572 });
    expect(parameters["10"]).toMatchObject({ name: "UID", type: 12, value: "2L7SDPN6KQ38CIH2401K01U" });
    expect(parameters["103"]).toMatchObject({
      name: "HDWTSetPoint",
      type: 4,
      writable: true,
      min: 35,
      max: 65,
    });
    expect(res.body).toContain('"min":35.0,"max":65.0');
  });
});

describe("GET /api/parameters/{name}", () => {
  it("resolves a repeated name to its lowest index (UID → 10, CircuitNBaseTemp → the lower index)", async () => {
    const cases: [string, number][] = [
      ["UID", 10],
      ["PS", 0],
      ["Circuit2BaseTemp", 311],
      ["Circuit3BaseTemp", 361],
      ["Circuit4BaseTemp", 969],
      ["Circuit5BaseTemp", 1020],
      ["workTime", 919],
    ];
    for (const [name, index] of cases) {
      const res = await get(`/api/parameters/${name}`);
      expect(res.statusCode, name).toBe(200);
      expect(res.json().index, name).toBe(index);
    }
  });

  it("URL-decodes names (PID_comp,_min_control, Pop_zm._schematu) and accepts an index", async () => {
    for (const [name, index] of [
      ["PID_comp,_min_control", 1057],
      ["Pop_zm._schematu", 10032],
      ["AXEN_REGISTER_2150_RW-reboot_unit", 1369],
    ] as const) {
      const res = await get(`/api/parameters/${encodeURIComponent(name)}`);
      expect(res.statusCode, name).toBe(200);
      expect(res.json()).toMatchObject({ index, name });
    }
    const raw = await get("/api/parameters/PID_comp,_min_control");
    expect(raw.json().index).toBe(1057);
    expect((await get("/api/parameters/373")).json()).toMatchObject({ index: 373, name: "UID" });
  });

  it("adds the last read time and staleness", async () => {
    const res = await get("/api/parameters/TempCWU");
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const body = res.json();
    expect(Value.Check(schemas.ParameterDetailSchema, body)).toBe(true);
    expect(body).toMatchObject({ index: 61, type: 7, type_name: "float", stale: false });
    expect(body.last_read).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(body.age_seconds).toBeLessThan(30);
  });
});

describe("POST /api/parameters/{name}", () => {
  it("writes through to the simulated controller and answers with the documented body", async () => {
    const before = gw.writesOnBus().length;
    const old = gw.sim.getValue(103);
    const target = old === 50 ? 51 : 50;
    const res = await post("/api/parameters/HDWTSetPoint", JSON.stringify({ value: target }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const body = res.json();
    expect(Value.Check(schemas.WriteResultSchema, body)).toBe(true);
    expect(body).toMatchObject({
      success: true,
      name: "HDWTSetPoint",
      parameter: "HDWTSetPoint",
      index: 103,
      old_value: old,
      new_value: target,
    });
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(gw.sim.getValue(103)).toBe(target);
    expect(gw.writesOnBus().length - before).toBe(1);
    // The cache holds the confirmed value at once: the next GET agrees.
    const after = (await get("/api/parameters")).json();
    expect(after.parameters["103"].value).toBe(target);
  });

  it("writes a float (comfort target 21.5), a whole schedule word, and by index", async () => {
    let res = await post("/api/parameters/Circuit1ComfortTemp", '{"value": 21.5}');
    expect(res.statusCode, res.body).toBe(200);
    expect(gw.sim.getValue(238)).toBe(21.5);
    expect(res.json().new_value).toBe(21.5);
    res = await post("/api/parameters/HDWSundayAM", '{"value": 16776960}');
    expect(res.statusCode, res.body).toBe(200);
    expect(gw.sim.getValue(120)).toBe(16776960);
    res = await post("/api/parameters/104", '{"value": 5}');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      name: "104",
      parameter: "HDWTSetPointDownHist",
      index: 104,
      new_value: 5,
    });
    expect(gw.sim.getValue(104)).toBe(5);
  });

  it("is idempotent: the same value twice answers 200 twice", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await post("/api/parameters/HDWSundayPM", '{"value": 252}');
      expect(res.statusCode).toBe(200);
    }
    expect(gw.sim.getValue(121)).toBe(252);
  });

  it("resolves a write by a repeated name to the lowest index (Circuit2BaseTemp → 311)", async () => {
    const other = gw.sim.getValue(785);
    const current = gw.sim.getValue(311) as number;
    const target = current === 30 ? 31 : 30;
    const res = await post("/api/parameters/Circuit2BaseTemp", JSON.stringify({ value: target }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().index).toBe(311);
    expect(gw.sim.getValue(311)).toBe(target);
    expect(gw.sim.getValue(785)).toBe(other);
  });
});

describe("GET /api/alarms", () => {
  it("serves the panel's alarm log newest first, to_date null for the active alarm", async () => {
    const res = await get("/api/alarms");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const body = res.json();
    expect(Value.Check(schemas.AlarmsBodySchema, body)).toBe(true);
    const alarms = body.alarms as {
      index: number;
      code: number;
      from_date: string;
      to_date: string | null;
    }[];
    const configured = gw.sim.options.alarms;
    expect(alarms).toHaveLength(configured.length);
    const fromDates = alarms.map((a) => a.from_date);
    expect(fromDates).toEqual([...fromDates].sort().reverse());
    for (const alarm of alarms) {
      expect(alarm.from_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      const record = configured[alarm.index];
      expect(record?.code).toBe(alarm.code);
      expect(alarm.to_date === null).toBe(record?.to === undefined);
    }
    expect(alarms[0]).toMatchObject({ code: 2, from_date: "2026-01-20T07:14:02", to_date: null });
  });
});

describe("virtual thermostat calls (disabled)", () => {
  it("status 200 with every §8.1 field; temperature 200 at once; pair 409", async () => {
    const status = await get("/api/thermostat/status");
    expect(status.statusCode).toBe(200);
    expect(Value.Check(schemas.ThermostatStatusSchema, status.json())).toBe(true);
    expect(status.json()).toMatchObject({ enabled: false, pairing_state: null, bus_address: null });
    const writesBefore = gw.writesOnBus().length;
    const temperature = await post("/api/thermostat/temperature", '{"temperature": 21.5}');
    expect(temperature.statusCode).toBe(200);
    expect(temperature.json()).toMatchObject({ success: true, temperature: 21.5, forwarded_to_bus: false });
    expect(gw.writesOnBus().length).toBe(writesBefore);
    const pair = await post("/api/thermostat/pair");
    expect(pair.statusCode).toBe(409);
    // The reference's words (HA-COMPAT §8.3), then why.
    expect(pair.json().detail).toMatch(
      /^Thermostat already paired or pairing not available: .*THERMOSTAT_ENABLED/,
    );
  });
});

describe("gateway endpoints", () => {
  it("/health is healthy and says the data is simulated; /api/status and / answer", async () => {
    const health = await get("/health");
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: "healthy", controller_connected: true, simulator: true });
    expect(health.json().parameters_count).toBeGreaterThan(1700);
    expect(health.json().warning).toMatch(/SIMULATED/);
    const status = await get("/api/status");
    expect(Value.Check(schemas.StatusBodySchema, status.json())).toBe(true);
    expect(status.json()).toMatchObject({
      simulator: true,
      data_ready: true,
      link: { kind: "sim", state: "up" },
    });
    expect(status.json().bus.address).toBe(gw.core.address.address);
    expect(status.json().discovery).toMatchObject({
      state: "complete",
      regulator_count: 1447,
      panel_count: 423,
    });
    expect((await get("/")).json()).toMatchObject({ name: "econet-gm3-gateway", status: "running" });
  });
});

describe("before the first complete poll", () => {
  it("answers 503 with the reason — never a partial map — then 200 once the poll is complete", async () => {
    const early = await startSimApi({ waitForData: false });
    try {
      const statuses: { phase: string; status: number; body: { error: string; detail: string } }[] = [];
      const check = async (phase: string) => {
        const res = await early.app.inject({ method: "GET", url: "/api/parameters" });
        statuses.push({ phase, status: res.statusCode, body: res.json() });
        expect(res.headers["content-type"]).toMatch(/^application\/json/);
      };
      await check("start");
      // The moment discovery stores the definitions, the values are not polled yet.
      const afterDiscovery = new Promise<void>((resolve) => {
        early.core.store.once("definitions", () => {
          void check("discovered").then(resolve);
        });
      });
      const health = await early.app.inject({ method: "GET", url: "/health" });
      expect(health.statusCode).toBe(503);
      expect(health.json().status).toBe("unhealthy");
      const write = await early.app.inject({
        method: "POST",
        url: "/api/parameters/HDWTSetPoint",
        payload: '{"value": 50}',
        headers: { "content-type": "application/json" },
      });
      expect(write.statusCode).toBe(503);
      await afterDiscovery;
      await early.core.waitForData(15_000);
      await check("ready");
      expect(statuses.map((s) => s.status)).toEqual([503, 503, 200]);
      expect(statuses[0]?.body.error).toMatch(/^not-(connected|ready)$/);
      expect(statuses[1]?.body).toEqual({
        error: "not-ready",
        detail: "Controller connected; waiting for the first complete poll",
      });
      expect(early.writesOnBus()).toEqual([]);
    } finally {
      await early.close();
    }
  });
});

describe("while the bus link is down", () => {
  // HA-COMPAT.md: any non-200 fails Home Assistant's whole update cycle and turns every entity
  // unavailable. The reference answers 503 whenever the link is down; this gateway keeps serving the
  // last complete values for STALE_DATA_MAX_AGE — the same body, marked only by headers — and then
  // answers the reference's 503.
  it("serves the last values, byte for byte as before the outage, marked stale, then 503 not-connected once they are too old", async () => {
    const api = await startSimApi({ env: { STALE_DATA_MAX_AGE: "2" } });
    try {
      const before = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(before.headers["x-data-state"]).toBe("fresh");
      api.sim.faults.unplug();
      await eventually(() => api.core.status().link.state !== "up", "link down");
      const during = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(during.statusCode).toBe(200);
      expect(during.headers["content-type"]).toMatch(/^application\/json/);
      expect(during.headers["x-data-state"]).toBe("stale");
      expect(during.body).toBe(before.body);
      expect((await api.app.inject({ method: "GET", url: "/api/alarms" })).statusCode).toBe(200);
      // Writes are refused at once: nothing can reach the controller.
      const write = await api.app.inject({
        method: "POST",
        url: "/api/parameters/SummerOn",
        payload: { value: 22 },
      });
      expect(write.statusCode).toBe(503);
      expect(api.writesOnBus()).toHaveLength(0);
      await eventually(() => !api.core.dataReady(), "the values too old to serve", 5_000);
      const after = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(after.statusCode).toBe(503);
      expect(after.json().error).toBe("not-connected");
      expect(after.json().detail).toMatch(/^Controller not connected \(link to sim:\/\/ waiting/);
      expect((await api.app.inject({ method: "GET", url: "/api/alarms" })).statusCode).toBe(503);
    } finally {
      await api.close();
    }
  });

  it("with STALE_DATA_MAX_AGE=0 answers 503 as soon as the link is down, as the reference gateway does", async () => {
    const api = await startSimApi({ env: { STALE_DATA_MAX_AGE: "0" } });
    try {
      api.sim.faults.unplug();
      await eventually(() => api.core.status().link.state !== "up", "link down");
      const res = await api.app.inject({ method: "GET", url: "/api/parameters" });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: "not-connected" });
    } finally {
      await api.close();
    }
  });
});
