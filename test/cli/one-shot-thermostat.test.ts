/**
 * Issue 16: a one-shot command never plays the virtual thermostat, even with THERMOSTAT_ENABLED set
 * (the same configuration as `gm3 serve`, which may be playing it on the same bus): nothing from a
 * thermostat address on the wire, nothing written to the thermostat's state file.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { THERMOSTAT_ADDRESS_RANGE } from "../../src/protocol/index.js";
import { gm3, startTcpSim, type TcpSim } from "./harness.js";

let bus: TcpSim | undefined;
afterEach(async () => {
  await bus?.stop();
  bus = undefined;
});

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}

describe("gm3 get with THERMOSTAT_ENABLED=true", () => {
  it("reads, and sends nothing as a thermostat while the panel is in pairing mode", async () => {
    bus = await startTcpSim();
    bus.sim.panel.startPairing(120_000);
    const { code, stderr } = await gm3(["get", "0", "--timeout", "20"], {
      ...bus.env,
      THERMOSTAT_ENABLED: "true",
    });
    expect(code, stderr).toBe(0);
    const asThermostat = bus
      .framesFromClients()
      .filter(
        (entry) =>
          entry.frame!.source === 163 ||
          (entry.frame!.source >= THERMOSTAT_ADDRESS_RANGE.first &&
            entry.frame!.source <= THERMOSTAT_ADDRESS_RANGE.last),
      );
    expect(bus.framesFromClients().length).toBeGreaterThan(0);
    expect(asThermostat).toEqual([]);
    expect(bus.sim.panel.thermostats).toEqual([]);
    expect((await filesUnder(join(bus.stateDir))).filter((f) => f.endsWith("thermostat.json"))).toEqual([]);
  }, 60_000);
});
