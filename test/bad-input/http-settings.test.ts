/**
 * Bad input over HTTP under the settings that move the gates: EXPERT_WRITES=true (the expert
 * gate open: the frame limit is what stops a 1,100-character FN), ALLOW_PANEL_WRITES=true (the
 * panel gate open: the expert gate still holds for the panel's service parameters) and READ_ONLY.
 * MODIFY_PARAM frames are counted on each simulator's bus log.
 */
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimApi, startSimApi } from "../helpers/sim-api.js";
import { expectErrorShape, nested, Wire } from "./harness.js";

async function post(gw: SimApi, target: string | number, payload: string) {
  const res = await gw.app.inject({
    method: "POST",
    url: `/api/parameters/${target}`,
    payload,
    headers: { "content-type": "application/json" },
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

/** A gateway for the enclosing describe block, started with `options`, and its wire. */
function gatewayFor(options: Parameters<typeof startSimApi>[0]): { gw: () => SimApi; wire: () => Wire } {
  let gw: SimApi | undefined;
  let wire: Wire | undefined;
  beforeAll(async () => {
    const started = await startSimApi(options);
    gw = started;
    wire = new Wire(started.sim, () => started.core.address.address);
  });
  afterAll(async () => {
    await gw?.close();
  });
  return { gw: () => gw!, wire: () => wire! };
}

describe("EXPERT_WRITES=true", () => {
  const { gw, wire } = gatewayFor({ env: { EXPERT_WRITES: "true" } });

  it.each([
    // The request that ended the process: the frame would have been 1,129 bytes.
    ["FN", "9".repeat(1100), /1100 bytes of UTF-8 .*at most 995 bytes fit one write/],
    ["FN", "9".repeat(996), /996 bytes/],
    ["9", "é".repeat(498), /996 bytes of UTF-8 \(498 characters\)/],
  ])(
    "%s with oversized string #%# → 400 too-long, nothing sent, still serving",
    async (target, text, detail) => {
      const before = gw().sim.getValue(9);
      const res = await wire().nothingSent(`POST ${target}`, () =>
        post(gw(), target, JSON.stringify({ value: text })),
      );
      expect(res.status).toBe(400);
      expect(expectErrorShape(res.body, target)).toMatchObject({ error: "too-long" });
      expect(res.body.detail).toMatch(detail);
      expect(gw().sim.getValue(9)).toBe(before);
      expect((await gw().app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    },
  );

  it("still refuses the panel's service parameters while panel writes are off (400 panel-write-disabled)", async () => {
    const res = await wire().nothingSent("POST 10024", () => post(gw(), "factoryReset", '{"value": 1}'));
    expect(res).toMatchObject({ status: 400, body: { error: "panel-write-disabled" } });
  });

  it("still applies every value check to a service parameter (a fraction for FactorySetup)", async () => {
    const res = await wire().nothingSent("POST 5", () => post(gw(), "FactorySetup", '{"value": 0.5}'));
    expect(res).toMatchObject({ status: 400, body: { error: "not-a-whole-number" } });
  });

  it("says so in /health and /api/expert-parameters", async () => {
    expect((await gw().app.inject({ method: "GET", url: "/health" })).json()).toMatchObject({
      expert_writes: true,
    });
    expect((await gw().app.inject({ method: "GET", url: "/api/expert-parameters" })).json()).toMatchObject({
      expert_writes: true,
    });
  });

  it("writes a service parameter then: exactly one MODIFY_PARAM, the only one of this gateway", async () => {
    expect(wire().modifyFrames()).toBe(0);
    // A value the simulated controller does not hold (one it holds is confirmed without a frame).
    const target = Number(gw().sim.getValue(5)) === 0 ? 1 : 0;
    const res = await post(gw(), "FactorySetup", `{"value": ${target}}`);
    expect(res).toMatchObject({ status: 200, body: { success: true, name: "FactorySetup", index: 5 } });
    expect(wire().modifyFrames()).toBe(1);
    wire().expectComplete();
  });
});

describe("ALLOW_PANEL_WRITES=true without EXPERT_WRITES", () => {
  const { gw, wire } = gatewayFor({ env: { ALLOW_PANEL_WRITES: "true" } });

  it.each([
    ["factoryReset", "1"],
    ["panelReset", "1"],
    ["time_panel", '"12:00"'],
    ["hour", "3"],
    ["Address", "101"],
    ["kasowanie_alarmow", "1"],
    ["10013", '"1"'],
  ])("panel %s → 403 expert-only, nothing sent", async (target, v) => {
    const res = await wire().nothingSent(`POST ${target}`, () => post(gw(), target, `{"value": ${v}}`));
    expect(res.status).toBe(403);
    expect(expectErrorShape(res.body, target).error).toBe("expert-only");
    expect(res.body.detail).toMatch(/service parameter .*EXPERT_WRITES=true/);
  });

  it("sent no MODIFY_PARAM at all", () => {
    expect(wire().modifyFrames()).toBe(0);
    wire().expectComplete();
  });
});

describe("READ_ONLY=true", () => {
  const { gw, wire } = gatewayFor({ env: { READ_ONLY: "true" } });

  it.each([
    ["HDWTSetPoint", "50"],
    ["HDWTSetPoint", "45.5"],
    ["FactorySetup", "1"],
    ["Circuit1name", JSON.stringify("x".repeat(1100))],
  ])("%s #%# → 403 read-only-mode, nothing sent", async (target, v) => {
    const res = await wire().nothingSent(`POST ${target}`, () => post(gw(), target, `{"value": ${v}}`));
    expect(res.status).toBe(403);
    expect(expectErrorShape(res.body, target).error).toBe("read-only-mode");
  });

  it("sent no MODIFY_PARAM at all", () => {
    expect(wire().modifyFrames()).toBe(0);
    wire().expectComplete();
  });
});

describe("with the log at info, as gm3 serve runs", () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  const { gw, wire } = gatewayFor({ logger: pino({ level: "info" }, sink) });

  // Describing a refused 5,000-level array for the log overflowed the stack: a 500.
  it.each([
    ["a 5,000-level array", "HDWTSetPoint", "too-deeply-nested", `{"value": ${nested(5000)}}`],
    ["a 31-level array (the body nests 32 deep)", "HDWTSetPoint", "wrong-type", `{"value": ${nested(31)}}`],
    [
      "a 5,000-character string",
      "Circuit1name",
      "too-long",
      `{"value": ${JSON.stringify("x".repeat(5000))}}`,
    ],
  ])("%s for %s → 400 %s, logged bounded", async (_what, target, error, payload) => {
    const res = await wire().nothingSent(`POST ${target}`, () => post(gw(), target, payload));
    expect(res.status).toBe(400);
    expect(expectErrorShape(res.body, target).error).toBe(error);
    expect(lines.join("").length).toBeLessThan(200_000);
    expect(lines.some((line) => line.includes('"level":50'))).toBe(false);
  });
});
