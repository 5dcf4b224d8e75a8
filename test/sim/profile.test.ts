import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONTROLLER_IDENTITY, TypeCode } from "../../src/protocol/index.js";
import { buildProfile, ProfileBuildError, serializeProfile } from "../../src/sim/profile/build.js";
import { defaultProfile, defaultProfilePath, loadProfile, ProfileError } from "../../src/sim/profile/load.js";

const DUMP = join(import.meta.dirname, "..", "..", "..", "shared", "fixtures", "ecomax360i-parameters.json");
const dumpPresent = existsSync(DUMP);

function entry(info: number, value: unknown, extra: Record<string, unknown> = {}) {
  return {
    value,
    name: "p",
    info,
    minv: 0,
    maxv: 0,
    minvDP: null,
    maxvDP: null,
    read: true,
    nonvolatile: false,
    ...extra,
  };
}

describe("the committed ecoMAX360i profile", () => {
  const profile = defaultProfile();

  it("holds 1,447 regulator and 423 panel parameters", () => {
    expect(profile.regulator).toHaveLength(1447);
    expect(profile.panel).toHaveLength(423);
  });

  it("has the type distribution of HA-COMPAT.md §13 in each space", () => {
    const histogram = (params: typeof profile.regulator) => {
      const counts: Record<number, number> = {};
      for (const p of params) counts[p.typeCode] = (counts[p.typeCode] ?? 0) + 1;
      return counts;
    };
    expect(histogram(profile.regulator)).toEqual({
      [TypeCode.UINT8]: 526,
      [TypeCode.UINT32]: 390,
      [TypeCode.FLOAT]: 241,
      [TypeCode.UINT16]: 216,
      [TypeCode.STRING]: 27,
      [TypeCode.INT8]: 39,
      [TypeCode.INT32]: 4,
      [TypeCode.INT16]: 3,
      [TypeCode.BOOL]: 1,
    });
    expect(histogram(profile.panel)).toEqual({
      [TypeCode.UINT8]: 146,
      [TypeCode.UINT32]: 74,
      [TypeCode.FLOAT]: 98,
      [TypeCode.UINT16]: 20,
      [TypeCode.STRING]: 73,
      [TypeCode.INT8]: 6,
      [TypeCode.INT32]: 5,
      [TypeCode.INT16]: 1,
    });
    expect(profile.regulator.filter((p) => p.writable)).toHaveLength(830);
    expect(profile.panel.filter((p) => p.writable)).toHaveLength(194);
  });

  it("keeps literal and referenced limits (103 HDWTSetPoint → 107/108)", () => {
    expect(profile.regulator[103]).toMatchObject({
      name: "HDWTSetPoint",
      min: { kind: "reference", index: 107 },
      max: { kind: "reference", index: 108 },
    });
    expect(profile.regulator[107]).toMatchObject({
      name: "HDWMinSetTemp",
      min: { kind: "literal", value: 20 },
      max: { kind: "reference", index: 108 },
    });
    expect(profile.regulator[288]).toMatchObject({
      name: "Circuit2ComfortTemp",
      min: { kind: "literal", value: 10 },
      max: { kind: "literal", value: 35 },
    });
    expect(profile.regulator[0]).toMatchObject({ min: { kind: "none" }, max: { kind: "none" } });
    const withReference = profile.regulator.filter(
      (p) => p.min.kind === "reference" || p.max.kind === "reference",
    );
    expect(withReference).toHaveLength(88);
    expect(profile.panel.every((p) => p.min.kind === "none" && p.max.kind === "none")).toBe(true);
  });

  it("applies the dump's value quirks", () => {
    const { regulator } = profile;
    expect(regulator[0]!.value).toBe("S024.25");
    // "192.168.0.52" as the capture carries it: first octet in the most significant byte.
    expect(regulator[381]!.value).toBe(0xc0a80034);
    expect(regulator[382]!.value).toBe(0xffffff00);
    expect(regulator[62]!.value).toBeNaN(); // null in the dump
    expect(regulator[399]!.value).toBeNaN(); // "---"
    expect([...regulator, ...profile.panel].filter((p) => Number.isNaN(p.value))).toHaveLength(37);
    expect(regulator[1348]).toMatchObject({ name: "PumpSynced", value: false });
    expect(regulator[31]!.value).toBe(999);
    expect(regulator[103]!.value).toBe(46);
  });

  it("marks its unit strings as inferred, with 'C for temperatures and kW for power", () => {
    const file = JSON.parse(readFileSync(defaultProfilePath(), "utf8"));
    expect(file.units.inferred).toBe(true);
    const unit = (i: number) => profile.regulator[i]!.unit;
    expect(unit(68)).toBe("'C"); // TempWthr
    expect(unit(107)).toBe("'C"); // HDWMinSetTemp (uint8)
    expect(unit(103)).toBe(""); // HDWTSetPoint: the name does not say "temp"; inference stays conservative
    expect(unit(524)).toBe("'C"); // THERMOSTAT_100
    expect(unit(1047)).toBe("kW"); // ElectricPower
    expect(unit(1050)).toBe(""); // HeatingCopTemporary: "Temporary" is not a temperature
    expect(unit(69)).toBe(""); // TempSettings is a uint32 bitfield
    expect(unit(924)).toBe(""); // workTime: no unit guessed
  });

  it("carries the controller's six IDENTIFY strings of the capture", () => {
    expect(profile.identity).toEqual(CONTROLLER_IDENTITY);
  });
});

describe("buildProfile", () => {
  it("rejects a dump whose value does not fit its type, naming the index", () => {
    const dump = JSON.stringify({ "0": entry(0x14, 300) });
    expect(() => buildProfile(dump, "d.json")).toThrow(ProfileBuildError);
    expect(() => buildProfile(dump, "d.json")).toThrow(/index 0 .*uint8.*300/);
  });

  it("rejects a gap in a space and text that is not JSON", () => {
    const gap = JSON.stringify({ "0": entry(0x14, 1), "2": entry(0x14, 1) });
    expect(() => buildProfile(gap, "d.json")).toThrow(/index 2 breaks the contiguous space \(expected 1/);
    expect(() => buildProfile("{", "d.json")).toThrow(/d.json is not JSON/);
  });

  it("converts a minimal dump: NaN floats, dotted quads, bools, limits by the §8.3 rule", () => {
    const dump = JSON.stringify({
      "0": entry(0x17, "---"),
      "1": entry(0x16, "10.0.0.1"),
      "2": entry(0x1a, 0),
      "3": entry(0x34, 5, { minv: 1, maxv: 9 }),
      "4": entry(0x34, 5, { minvDP: 3, maxv: 0 }),
      "10000": entry(0x34, 2, { minv: 1, maxv: 9 }),
    });
    const file = buildProfile(dump, "mini.json");
    const { regulator, panel } = file.spaces;
    expect(regulator.value).toEqual([null, 0x0a000001, false, 5, 5]);
    expect(regulator.min).toEqual([null, null, null, 1, null]);
    expect(regulator.minRef).toEqual([null, null, null, null, 3]);
    expect(regulator.max).toEqual([null, null, null, 9, 0]);
    expect(panel).toMatchObject({ indexOffset: 10000, count: 1, min: [null], max: [null] });
    expect(file.source.file).toBe("mini.json");
  });
});

describe("loadProfile", () => {
  it("says which file is missing", () => {
    expect(() => loadProfile("/nonexistent/profile.json")).toThrow(ProfileError);
    expect(() => loadProfile("/nonexistent/profile.json")).toThrow(/\/nonexistent\/profile.json/);
  });

  it("rejects a file in another format", () => {
    const dir = mkdtempSync(join(tmpdir(), "gm3-profile-"));
    try {
      const path = join(dir, "p.json");
      writeFileSync(path, JSON.stringify({ format: "something-else" }));
      expect(() => loadProfile(path)).toThrow(/not a gm3-sim-profile v1 file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("profile and fixture stay in sync", () => {
  it.skipIf(!dumpPresent)(
    "profiles/ecomax360i.json is what scripts/build-sim-profile.ts makes of the dump (skipped without ../shared)",
    () => {
      const generated = serializeProfile(
        buildProfile(readFileSync(DUMP, "utf8"), "ecomax360i-parameters.json"),
      );
      expect(generated).toBe(readFileSync(defaultProfilePath(), "utf8"));
    },
  );
});
