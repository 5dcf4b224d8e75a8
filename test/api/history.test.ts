/**
 * GET /api/parameters/{name}/history on a stand-in core with a real history file: raw samples for
 * short ranges, rollups for long ones (never more than 2,000 points), CSV, and the errors (400 for
 * a reversed range or a bad time, 404 for an unknown or unrecorded name and with the history off).
 * The parameter detail route's answer is unchanged (HA-COMPAT.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Value } from "typebox/value";
import { afterEach, describe, expect, it } from "vitest";
import { createApiServer } from "../../src/bridges/http/index.js";
import * as schemas from "../../src/bridges/http/schema-definitions.js";
import { HistoryService } from "../../src/history/index.js";
import { FakeCore } from "./helpers/fake-core.js";
import { fillStore, testConfig } from "./helpers/server.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const HOUR = 3_600_000;

async function start(options: { history?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "gm3-history-api-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const core = new FakeCore();
  fillStore(core);
  const history =
    options.history === false
      ? undefined
      : HistoryService.open(core.store, {
          stateDir: dir,
          selection: { mode: "list", names: ["TempCWU"], indices: [] },
          maxBytes: 10 * 1024 * 1024,
        });
  if (history) cleanups.unshift(() => history.close());
  const app = await createApiServer({
    core,
    config: testConfig(),
    logger: pino({ level: "silent" }),
    version: "9.9.9-test",
    history,
  });
  await app.ready();
  cleanups.unshift(() => app.close());
  return { app, core, history };
}

/** Two days of TempCWU, a sample every 30 s ending now; `wiggle` adds 0.5 °C every other one. */
function record(history: HistoryService, now: number, wiggle = false): void {
  let i = 0;
  for (let t = now - 48 * HOUR; t <= now; t += 30_000) {
    history.recorder.observe(61, t, 40 + 5 * Math.sin(t / HOUR) + (wiggle && i++ % 2 === 1 ? 0.5 : 0));
  }
  history.recorder.flush();
}

describe("GET /api/parameters/{name}/history", () => {
  it("answers raw samples for a short range, with the schema's shape", async () => {
    const { app, history } = await start();
    const now = Date.now();
    record(history!, now);
    const res = await app.inject({ url: `/api/parameters/TempCWU/history?from=${now - HOUR}&to=${now}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Value.Check(schemas.HistoryBodySchema, body)).toBe(true);
    expect(body).toMatchObject({
      index: 61,
      name: "TempCWU",
      unit: "°C",
      resolution: "raw",
      step_seconds: 0,
    });
    // The °C deadband (0.2) thins the 30-s samples of a slow sine.
    expect(body.points.length).toBeGreaterThan(10);
    expect(body.points.length).toBeLessThan(121);
    expect(Date.parse(body.points[0].t)).toBeGreaterThanOrEqual(now - HOUR);
  });

  it("answers rollups for a long range, at most 2,000 points, also by index", async () => {
    const { app, history } = await start();
    const now = Date.now();
    // 5,760 samples in the two days: too many to answer raw.
    record(history!, now, true);
    const res = await app.inject({
      url: `/api/parameters/61/history?from=${new Date(now - 48 * HOUR).toISOString()}&to=${new Date(now).toISOString()}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.resolution).toBe("hour");
    expect(body.points.length).toBeGreaterThanOrEqual(47);
    expect(body.points.length).toBeLessThanOrEqual(49);
    for (const point of body.points) {
      expect(point.min).toBeLessThanOrEqual(point.value);
      expect(point.max).toBeGreaterThanOrEqual(point.value);
    }
    const minutes = await app.inject({
      url: `/api/parameters/61/history?from=${now - 6 * HOUR}&to=${now}&step=60`,
    });
    expect(minutes.json().resolution).toBe("minute");
    expect(minutes.json().points.length).toBeLessThanOrEqual(361);
    expect(minutes.json().points.length).toBeGreaterThan(300);
  });

  it("answers CSV for ?format=csv and for Accept: text/csv", async () => {
    const { app, history } = await start();
    const now = Date.now();
    record(history!, now);
    const url = `/api/parameters/TempCWU/history?from=${now - HOUR}&to=${now}`;
    const byQuery = await app.inject({ url: `${url}&format=csv` });
    expect(byQuery.statusCode).toBe(200);
    expect(byQuery.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = byQuery.body.trim().split("\n");
    expect(lines[0]).toBe("time,value,min,max");
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,[\d.]+,[\d.]+,[\d.]+$/);
    const json = await app.inject({ url });
    expect(lines.length - 1).toBe(json.json().points.length);
    const byAccept = await app.inject({ url, headers: { accept: "text/csv" } });
    expect(byAccept.body).toBe(byQuery.body);
  });

  it("refuses a reversed range and a bad time with 400", async () => {
    const { app } = await start();
    const reversed = await app.inject({ url: "/api/parameters/TempCWU/history?from=2000&to=1000" });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error).toBe("bad-request");
    expect(reversed.json().detail).toMatch(/after/);
    const bad = await app.inject({ url: "/api/parameters/TempCWU/history?from=yesterday" });
    expect(bad.statusCode).toBe(400);
  });

  it("answers 404 for an unknown name, a parameter not recorded, and with the history off", async () => {
    const { app } = await start();
    const unknown = await app.inject({ url: "/api/parameters/NoSuchThing/history" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe("not-found");
    const notRecorded = await app.inject({ url: "/api/parameters/HDWTSetPoint/history" });
    expect(notRecorded.statusCode).toBe(404);
    expect(notRecorded.json().error).toBe("not-recorded");
    const off = await start({ history: false });
    const res = await off.app.inject({ url: "/api/parameters/TempCWU/history" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe("history-off");
  });

  it("leaves GET /api/parameters/{name} as it was", async () => {
    const { app } = await start();
    const res = await app.inject({ url: "/api/parameters/TempCWU" });
    expect(res.statusCode).toBe(200);
    expect(Value.Check(schemas.ParameterDetailSchema, res.json())).toBe(true);
    expect(res.json()).not.toHaveProperty("history");
  });
});

describe("GET /api/insights", () => {
  it("reports a scripted day of cycles and counters", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gm3-insights-api-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const core = new FakeCore();
    fillStore(core);
    const history = HistoryService.open(core.store, {
      stateDir: dir,
      selection: { mode: "all" },
      maxBytes: 10 * 1024 * 1024,
      shortCycleMs: 10 * 60_000,
    });
    cleanups.unshift(() => history.close());
    const app = await createApiServer({
      core,
      config: testConfig(),
      logger: pino({ level: "silent" }),
      version: "9.9.9-test",
      history,
    });
    cleanups.unshift(() => app.close());
    // The insight parameters are not in the fake store: samples go straight to the file.
    const now = Date.now();
    const MIN = 60_000;
    const samples = [
      // Compressor: runs of 30, 5 and 3 minutes in the last 24 h.
      ...[
        [-300, 40],
        [-270, 0],
        [-200, 35],
        [-195, 0],
        [-50, 30],
        [-47, 0],
      ].map(([m, v]) => ({ p: 1365, t: now + m! * MIN, v: v! })),
      // Counters in 0.01 kWh: 2 kWh electric, 7 kWh heat in the hour before now.
      { p: 1285, t: now - 60 * MIN, v: 100_000 },
      { p: 1285, t: now - 1, v: 100_200 },
      { p: 1290, t: now - 60 * MIN, v: 300_000 },
      { p: 1290, t: now - 1, v: 300_700 },
    ];
    history.store.write({ samples, minutes: [], hours: [] });
    const res = await app.inject({ url: "/api/insights" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Value.Check(schemas.InsightsBodySchema, body)).toBe(true);
    expect(body.cycling).toEqual({
      starts_24h: 3,
      starts_last_hour: 1,
      short_cycles_24h: 2,
      mean_run_minutes: 12.7,
      mean_pause_minutes: 107.5, // (70 + 145) / 2
      excessive: false,
    });
    const total = body.energy.reduce(
      (sum: { e: number; h: number }, d: { electric_kwh: number; heat_kwh: number }) => ({
        e: sum.e + d.electric_kwh,
        h: sum.h + d.heat_kwh,
      }),
      { e: 0, h: 0 },
    );
    expect(total).toEqual({ e: 2, h: 7 });
    // The fake store has no power values: no live COP.
    expect(body.live_cop).toBeNull();
  });
});
