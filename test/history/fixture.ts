/** A parameter store with a few recorded parameters on a virtual clock, and a scratch directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeDescriptor } from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { definitionFromDescriptor } from "../../src/store/definition.js";
import { ParameterStore } from "../../src/store/parameter-store.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

/** Float (0x17) parameters with the profile's units. */
export const PARAMETERS = [
  { index: 68, name: "TempWthr", unit: "'C" },
  { index: 1047, name: "ElectricPower", unit: "kW" },
  { index: 1048, name: "HeatingPower", unit: "kW" },
  { index: 1365, name: "HPStatusComprHz", unit: "" },
] as const;

export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "gm3-history-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function storeOnVirtualTime(startDate = new Date(Date.UTC(2026, 11, 1, 0, 0, 0))) {
  const sim = new VirtualClock({ startDate });
  const clock = gatewayClockOn(sim);
  const store = new ParameterStore({ ttlMs: 60_000, maxSize: 5000, clock });
  store.setDefinitions(
    PARAMETERS.map((p) =>
      definitionFromDescriptor(
        "regulator",
        p.index,
        makeDescriptor({ name: p.name, unit: p.unit, typeByte: 0x17 }),
      ),
    ),
  );
  /** Sets values as a poll would and completes the poll. */
  const poll = (values: Partial<Record<number, number>>) => {
    const at = clock.now();
    for (const [index, value] of Object.entries(values)) store.setValue(Number(index), value!, 0, at);
    store.markPollComplete(at);
  };
  return { sim, clock, store, poll };
}
