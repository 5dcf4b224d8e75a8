/**
 * The ecoSTER table as data (src/catalog/ecoster-parameters.json): its shape — every row has the
 * fields of an EcosterParameter with a wire type code the codecs know, a flag byte, and a default
 * value of the row's type; the indices run 0..34 without a gap, since the table is looked up by
 * wire index — and that the typed table the code reads is that file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ECOSTER_PARAMETERS, ecosterTypeOf } from "../../src/protocol/ecoster.js";
import { TypeCode } from "../../src/protocol/types.js";

const raw = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "src", "catalog", "ecoster-parameters.json"), "utf8"),
) as { parameters: Record<string, unknown>[] };
const TYPE_CODES = new Set<number>(Object.values(TypeCode));
const FIELDS = new Set([
  "index",
  "name",
  "type",
  "unit",
  "writable",
  "min",
  "max",
  "flag",
  "writtenFlag",
  "value",
]);

describe("the ecoSTER table (data)", () => {
  it("lists the 35 parameters by wire index, without a gap", () => {
    expect(raw.parameters.map((row) => row.index)).toEqual(Array.from({ length: 35 }, (_, i) => i));
  });

  it.each(raw.parameters.map((row) => [row.index, row] as const))(
    "row %s has the table's shape",
    (_, row) => {
      expect(Object.keys(row).filter((key) => !FIELDS.has(key))).toEqual([]);
      // A string; the device leaves one empty (27, the compilation date), so the table does too.
      expect(typeof row.name).toBe("string");
      expect(TYPE_CODES.has(row.type as number)).toBe(true);
      expect(typeof row.unit).toBe("string");
      expect(typeof row.writable).toBe("boolean");
      expect(Number.isFinite(row.min)).toBe(true);
      expect(Number.isFinite(row.max)).toBe(true);
      for (const flag of [row.flag, row.writtenFlag ?? 0]) {
        expect(Number.isInteger(flag) && (flag as number) >= 0 && (flag as number) <= 0xff).toBe(true);
      }
      // Strings hold text; every other type a number (null only where the value is NaN: no sensor).
      if (row.type === TypeCode.STRING) expect(typeof row.value).toBe("string");
      else expect(row.value === null || typeof row.value === "number").toBe(true);
    },
  );

  it("is what the code reads (null as NaN)", () => {
    expect(ECOSTER_PARAMETERS).toHaveLength(raw.parameters.length);
    ECOSTER_PARAMETERS.forEach((parameter, i) => {
      const row = raw.parameters[i]!;
      expect(parameter.name).toBe(row.name);
      expect(ecosterTypeOf(i)).toBe(row.type);
      if (row.value === null) expect(parameter.value).toBeNaN();
      else expect(parameter.value).toBe(row.value);
    });
  });
});
