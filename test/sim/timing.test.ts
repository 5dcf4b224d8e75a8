/**
 * The simulator's timing profiles: `field` is the default and a real bus's rhythm (PROTOCOL.md
 * §10.3), `demo` is faster, and the sentence that names each (banner, /health, `gm3 sim`) states the
 * token interval the simulated panel really keeps — measured here on a virtual clock.
 */
import { describe, expect, it } from "vitest";
import { Command, encodeFrameOrThrow, encodeTokenReturn } from "../../src/protocol/index.js";
import {
  DEFAULT_OPTIONS,
  FIELD_TIMING,
  grantIntervalMs,
  resolveOptions,
  SIM_TIMING_NAMES,
  SIM_TIMINGS,
  type SimTimingName,
  Simulation,
  simTimingSummary,
  VirtualClock,
} from "../../src/sim/index.js";

const GATEWAY = 115;

/** Gaps between the panel's token grants over `ms` of bus time, with a gateway that hands the token straight back. */
async function grantGaps(timing: SimTimingName, ms: number): Promise<number[]> {
  const clock = new VirtualClock();
  const sim = new Simulation({ clock, ...SIM_TIMINGS[timing], registeredGateways: [GATEWAY] });
  const gateway = sim.attach("gateway");
  const grants: number[] = [];
  sim.panel.on("token-granted", () => {
    grants.push(clock.now());
    gateway.write(
      encodeFrameOrThrow({
        destination: 100,
        source: GATEWAY,
        command: Command.SERVICE,
        payload: encodeTokenReturn(),
      }),
    );
  });
  sim.start();
  clock.advance(ms);
  await sim.stop();
  return grants.slice(1).map((t, i) => t - grants[i]!);
}

describe("simulator timing profiles", () => {
  it("field is the default of every simulation: the panel's intervals of PROTOCOL.md §10.3", () => {
    expect(SIM_TIMINGS.field).toEqual({});
    const defaults = resolveOptions({});
    for (const [name, value] of Object.entries(FIELD_TIMING)) {
      expect(defaults[name as keyof typeof FIELD_TIMING], name).toBe(value);
      expect(DEFAULT_OPTIONS[name as keyof typeof FIELD_TIMING], name).toBe(value);
    }
    expect(FIELD_TIMING).toMatchObject({ panelCycleMs: 2_600, tokenGrantIntervalMs: 10_000 });
  });

  it("field: the panel grants a registered gateway the token every ~10 s (4 cycles of 2.6 s)", async () => {
    const gaps = await grantGaps("field", 120_000);
    expect(gaps.length).toBeGreaterThanOrEqual(10);
    for (const gap of gaps) expect(gap).toBeCloseTo(grantIntervalMs(FIELD_TIMING), 0);
    expect(grantIntervalMs(FIELD_TIMING)).toBe(10_400);
  });

  it("demo: a grant in every panel cycle (~2.6 s); the cycle itself is the field one", async () => {
    const gaps = await grantGaps("demo", 60_000);
    expect(gaps.length).toBeGreaterThanOrEqual(20);
    for (const gap of gaps) expect(gap).toBeCloseTo(FIELD_TIMING.panelCycleMs, 0);
    expect(grantIntervalMs({ ...FIELD_TIMING, ...SIM_TIMINGS.demo })).toBe(2_600);
  });

  it.each(SIM_TIMING_NAMES)("the %s sentence states the interval the panel keeps", async (timing) => {
    const gaps = await grantGaps(timing, 60_000);
    const median = [...gaps].sort((a, b) => a - b)[gaps.length >> 1]! / 1000;
    const stated = /every ~([\d.]+) s/.exec(simTimingSummary(timing));
    expect(stated, simTimingSummary(timing)).not.toBeNull();
    // Stated to a sensible precision: within 5 % of what the panel does.
    expect(Math.abs(Number(stated![1]) - median) / median).toBeLessThan(0.05);
    expect(simTimingSummary(timing)).toMatch(new RegExp(`^${timing} timing: `));
  });

  it("names the real bus's interval next to the demo's", () => {
    expect(simTimingSummary("demo")).toBe(
      "demo timing: the token comes every ~2.6 s here, every ~10 s on a real bus",
    );
    expect(simTimingSummary("field")).toBe("field timing: the token comes every ~10 s, as on a real bus");
  });
});
