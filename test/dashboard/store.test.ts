import { describe, expect, it } from "vitest";
import { MAX_POINTS, ParameterStore, type StoreEvent } from "../../web/src/store.js";
import type { Parameter } from "../../web/src/types.js";

const p = (index: number, name: string, value: Parameter["value"], type = 7): Parameter => ({
  index,
  name,
  value,
  type,
  unit: 0,
  writable: false,
  min: null,
  max: null,
});
const snapshot = (...list: Parameter[]) => Object.fromEntries(list.map((x) => [String(x.index), x]));

describe("ParameterStore (the page's model)", () => {
  it("reports structure on the first snapshot, then only the values that changed", () => {
    let now = 1_000;
    const store = new ParameterStore(() => now);
    const events: StoreEvent[] = [];
    store.subscribe((e) => events.push(e));
    store.applySnapshot(snapshot(p(68, "TempWthr", 10), p(61, "TempCWU", 45)));
    expect(events).toEqual([{ kind: "structure" }]);
    now = 2_000;
    store.applySnapshot(snapshot(p(68, "TempWthr", 10.5), p(61, "TempCWU", 45)));
    expect(events.at(-1)).toEqual({ kind: "values", indices: [68] });
    expect(store.get(68)?.changedAt).toBe(2_000);
    expect(store.get(61)?.changedAt).toBeUndefined();
  });

  it("resolves a repeated name to its lowest index, like the API", () => {
    const store = new ParameterStore();
    store.applySnapshot(snapshot(p(10000, "PS", "panel", 12), p(0, "PS", "controller", 12)));
    expect(store.byNameLookup("PS")?.index).toBe(0);
    expect(store.all().map((r) => r.index)).toEqual([0, 10000]);
  });

  it("records numeric values for the trend, and drops removed parameters", () => {
    let now = 0;
    const store = new ParameterStore(() => now);
    store.applySnapshot(snapshot(p(68, "TempWthr", 10), p(0, "PS", "x", 12)));
    now = 5;
    store.applyValue(68, 11);
    now = 6;
    store.applyValue(68, 11);
    expect(store.series(68)).toEqual({ times: [0, 5], values: [10, 11] });
    expect(store.series(0)).toBeUndefined();
    store.applySnapshot(snapshot(p(0, "PS", "x", 12)));
    expect(store.get(68)).toBeUndefined();
    expect(store.series(68)).toBeUndefined();
  });

  it("keeps the history bounded", () => {
    let now = 0;
    const store = new ParameterStore(() => now);
    store.applySnapshot(snapshot(p(68, "TempWthr", 0)));
    for (let i = 1; i <= MAX_POINTS + 10; i++) {
      now = i;
      store.applyValue(68, i);
    }
    const series = store.series(68);
    expect(series?.times.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(series?.values.at(-1)).toBe(MAX_POINTS + 10);
  });
});
