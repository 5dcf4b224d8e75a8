/** The simulated heat pump's physics: heat = COP × electric power, counters that only rise, cycling. */
import { describe, expect, it } from "vitest";
import { HeatPumpModel, heatPumpCop, HEAT_PUMP_INDICES as I } from "../../src/sim/heat-pump-model.js";
import { ParameterSpace } from "../../src/sim/parameter-space.js";
import { defaultProfile } from "../../src/sim/profile/load.js";

function run(shortCycles: boolean, seconds: number) {
  const space = new ParameterSpace("controller", defaultProfile().regulator);
  space.setValue(I.outdoor, 2);
  const model = new HeatPumpModel(space, { shortCycles });
  const runs: number[] = [];
  let runStart: number | undefined;
  let lastElectric = space.getValue(I.electricCounter) as number;
  let lastHeat = space.getValue(I.heatCounter) as number;
  for (let s = 0; s < seconds; s++) {
    model.tick();
    const hz = space.getValue(I.compressorHz) as number;
    const electric = space.getValue(I.electricKw) as number;
    const heat = space.getValue(I.heatKw) as number;
    expect(heat).toBeGreaterThanOrEqual(0);
    if (hz > 0) {
      const cop = heat / electric;
      expect(cop).toBeGreaterThan(1.4);
      expect(cop).toBeLessThan(6.1);
      runStart ??= s;
    } else if (runStart !== undefined) {
      runs.push(s - runStart);
      runStart = undefined;
    }
    const e = space.getValue(I.electricCounter) as number;
    const h = space.getValue(I.heatCounter) as number;
    expect(e).toBeGreaterThanOrEqual(lastElectric);
    expect(h).toBeGreaterThanOrEqual(lastHeat);
    lastElectric = e;
    lastHeat = h;
  }
  return { runs, space };
}

describe("HeatPumpModel", () => {
  it("COP falls as the lift grows", () => {
    expect(heatPumpCop(10, 30)).toBeGreaterThan(heatPumpCop(-10, 30));
    expect(heatPumpCop(0, 30)).toBeGreaterThan(heatPumpCop(0, 50));
  });

  it("cycles with runs of tens of minutes, heat = COP × electric, counters only rising", () => {
    const { runs } = run(false, 6 * 3600);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const seconds of runs) expect(seconds).toBeGreaterThan(10 * 60);
  });

  it("short-cycles with the short-cycle option", () => {
    const { runs } = run(true, 2 * 3600);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    for (const seconds of runs) expect(seconds).toBeLessThan(10 * 60);
  });
});
