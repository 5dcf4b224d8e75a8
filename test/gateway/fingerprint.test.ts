/** The catalogue fingerprint (src/gateway/fingerprint.ts): stable, and moved by every descriptor field it covers. */
import { describe, expect, it } from "vitest";
import { fingerprintOf, sameFingerprint } from "../../src/gateway/fingerprint.js";
import { makeDescriptor } from "../../src/protocol/index.js";
import { definitionFromDescriptor, type ParameterDefinition } from "../../src/store/definition.js";

function catalogue(): ParameterDefinition[] {
  return [
    definitionFromDescriptor("regulator", 0, makeDescriptor({ name: "PS", unit: "", typeByte: 0x1c })),
    definitionFromDescriptor(
      "regulator",
      1,
      makeDescriptor({
        name: "HDWTSetPoint",
        unit: "°C",
        typeByte: 0x34,
        min: { kind: "literal", value: 35 },
        max: { kind: "reference", index: 0 },
      }),
    ),
    definitionFromDescriptor("panel", 0, makeDescriptor({ name: "PS", unit: "", typeByte: 0x1c })),
  ];
}

describe("catalogue fingerprint", () => {
  it("is the same for the same descriptors in any order, and counts each space", () => {
    const a = fingerprintOf(catalogue());
    const b = fingerprintOf([...catalogue()].reverse());
    expect(a).toEqual(b);
    expect(a).toMatchObject({ regulatorCount: 2, panelCount: 1 });
    expect(a.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Stable across runs and versions: this value is part of the saved format.
    expect(a.hash).toBe(fingerprintOf(catalogue()).hash);
  });

  it.each([
    ["a renamed parameter", (d: ParameterDefinition[]) => (d[1]!.rawName = "HDWSetPoint")],
    ["a retyped parameter", (d: ParameterDefinition[]) => (d[1]!.typeByte = 0x35)],
    ["another unit", (d: ParameterDefinition[]) => (d[1]!.unit = { ...d[1]!.unit, raw: "C" })],
    ["another literal limit", (d: ParameterDefinition[]) => (d[1]!.min = { kind: "literal", value: 30 })],
    [
      "a limit that refers elsewhere",
      (d: ParameterDefinition[]) => (d[1]!.max = { kind: "reference", index: 1 }),
    ],
    ["a parameter moved to the other space", (d: ParameterDefinition[]) => (d[2]!.space = "regulator")],
    ["a parameter less", (d: ParameterDefinition[]) => d.pop()],
  ])("changes with %s", (_, change) => {
    const changed = catalogue();
    change(changed);
    expect(sameFingerprint(fingerprintOf(catalogue()), fingerprintOf(changed))).toBe(false);
  });
});
