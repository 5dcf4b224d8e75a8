import { describe, expect, it } from "vitest";
import { makeDescriptor, TypeCode } from "../../src/protocol/index.js";
import { definitionFromDescriptor, type ParameterDefinition } from "../../src/store/definition.js";
import { type ParameterChange, ParameterStore } from "../../src/store/parameter-store.js";

function def(
  space: "regulator" | "panel",
  wireIndex: number,
  name: string,
  typeByte: number,
  extra: Partial<ParameterDefinition> = {},
) {
  return {
    ...definitionFromDescriptor(space, wireIndex, makeDescriptor({ name, unit: "", typeByte })),
    ...extra,
  };
}

function store() {
  const s = new ParameterStore({ ttlMs: 60_000, maxSize: 5000 });
  s.setDefinitions([
    def("regulator", 10, "UID", 0x1c),
    def("regulator", 103, "HDWTSetPoint", 0x34, {
      min: { kind: "reference", index: 107 },
      max: { kind: "reference", index: 108 },
    }),
    def("regulator", 107, "HDWMinSetTemp", 0x34),
    def("regulator", 108, "HDWMaxSetTemp", 0x34),
    def("regulator", 373, "UID", 0x1c),
    def("regulator", 50, "", 0x14),
    def("regulator", 60, "Rtc CV", 0x14),
    def("panel", 10, "PS", 0x3c, { min: { kind: "literal", value: 1 }, max: { kind: "literal", value: 5 } }),
  ]);
  return s;
}

describe("ParameterStore", () => {
  it("keys panel parameters at 10000 + wire index and resolves a repeated name to the lowest index", () => {
    const s = store();
    expect(s.get(10010)?.definition.name).toBe("PS");
    expect(s.indexOfName("UID")).toBe(10);
    expect(s.resolve("UID")?.definition.index).toBe(10);
    expect(s.resolve("373")?.definition.index).toBe(373);
  });

  it("replaces spaces in names with underscores and hides nameless parameters", () => {
    const s = store();
    expect(s.resolve("Rtc_CV")?.definition.rawName).toBe("Rtc CV");
    expect(s.resolve("Rtc CV")).toBeUndefined();
    expect(s.get(50)?.definition.exposed).toBe(false);
    expect(s.resolve("50")).toBeUndefined();
  });

  it("is case-sensitive", () => {
    expect(store().resolve("uid")).toBeUndefined();
  });

  it("emits one change per differing value, with the old value", () => {
    const s = store();
    const changes: ParameterChange[] = [];
    s.on("change", (c) => changes.push(c));
    s.setValue(107, 35, 1, 1000);
    s.setValue(107, 35, 1, 2000);
    s.setValue(107, 36, 1, 3000);
    expect(changes.map((c) => [c.value, c.oldValue])).toEqual([
      [35, undefined],
      [36, 35],
    ]);
    expect(s.get(107)?.readAt).toBe(3000);
  });

  it("treats NaN as equal to NaN (no change event per poll)", () => {
    const s = store();
    let count = 0;
    s.on("change", () => count++);
    s.setValue(108, Number.NaN, 1, 1);
    s.setValue(108, Number.NaN, 1, 2);
    expect(count).toBe(1);
  });

  it("resolves referenced limits through current values and drops both when max < min", () => {
    const s = store();
    const entry = s.get(103)!;
    expect(s.limitsOf(entry)).toEqual({ min: null, max: null });
    s.setValue(107, 35, 1, 1);
    s.setValue(108, 65, 1, 1);
    expect(s.limitsOf(entry)).toEqual({ min: 35, max: 65 });
    s.setValue(108, 30, 1, 2);
    expect(s.limitsOf(entry)).toEqual({ min: null, max: null });
  });

  it("never gives panel parameters limits", () => {
    const s = store();
    expect(s.limitsOf(s.get(10010)!)).toEqual({ min: null, max: null });
  });

  it("marks values stale after the TTL", () => {
    const s = store();
    s.setValue(107, 35, 1, 1_000);
    const entry = s.get(107)!;
    expect(s.isStale(entry, 30_000)).toBe(false);
    expect(s.isStale(entry, 62_000)).toBe(true);
    expect(s.isStale(s.get(108)!, 0)).toBe(true);
  });

  it("keeps values across a rediscovery when the type is unchanged", () => {
    const s = store();
    s.setValue(107, 35, 1, 1);
    s.setValue(10, "ABC", 1, 1);
    s.setDefinitions([def("regulator", 107, "HDWMinSetTemp", 0x34), def("regulator", 10, "UID", 0x16)]);
    expect(s.get(107)?.value).toBe(35);
    expect(s.get(10)?.value).toBeUndefined();
    expect(s.firstPollComplete).toBe(false);
  });

  it("refuses more definitions than CACHE_MAX_SIZE", () => {
    const s = new ParameterStore({ ttlMs: 1, maxSize: 1 });
    expect(() => s.setDefinitions([def("regulator", 1, "a", 0x14), def("regulator", 2, "b", 0x14)])).toThrow(
      /CACHE_MAX_SIZE/,
    );
    expect(s.size).toBe(0);
  });

  it("literal 0..0 limits mean no limits", () => {
    const s = new ParameterStore({ ttlMs: 1, maxSize: 10 });
    s.setDefinitions([
      def("regulator", 1, "x", 0x34, {
        min: { kind: "literal", value: 0 },
        max: { kind: "literal", value: 0 },
      }),
      def("regulator", 2, "y", 0x31, {
        min: { kind: "literal", value: -5 },
        max: { kind: "literal", value: 5 },
      }),
    ]);
    expect(s.limitsOf(s.get(1)!)).toEqual({ min: null, max: null });
    expect(s.limitsOf(s.get(2)!)).toEqual({ min: -5, max: 5 });
    expect(TypeCode.INT8).toBe(s.get(2)!.definition.type);
  });
});
