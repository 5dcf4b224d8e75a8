import { describe, expect, it } from "vitest";
import { DEFAULT_QUERY, type Row, selectRows } from "../../web/src/query.js";

const row = (index: number, name: string, fields: Partial<Row> = {}): Row => ({
  index,
  name,
  value: 0,
  type: 4,
  unit: 0,
  writable: false,
  min: null,
  max: null,
  changedAt: undefined,
  ...fields,
});

const rows: Row[] = [
  row(61, "TempCWU", { value: 45.9, type: 7 }),
  row(68, "TempWthr", { value: 10, type: 7 }),
  row(103, "HDWTSetPoint", { value: 46, writable: true, changedAt: 9_000 }),
  row(610, "Other61", { value: "x", type: 12 }),
  row(10061, "PanelThing", { value: true, type: 10, writable: true }),
];
const indices = (selected: Row[]) => selected.map((r) => r.index);
const NOW = 10_000;

describe("selectRows (search, filters, sorting)", () => {
  it("finds by name fragment in any case", () => {
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, text: "temp" }, NOW))).toEqual([61, 68]);
  });

  it("finds by index: that index, or names containing the digits", () => {
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, text: "61" }, NOW))).toEqual([61, 610]);
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, text: "10061" }, NOW))).toEqual([10061]);
  });

  it("filters writable only, panel or controller, and recently changed", () => {
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, writableOnly: true }, NOW))).toEqual([103, 10061]);
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, space: "panel" }, NOW))).toEqual([10061]);
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, space: "controller" }, NOW))).toEqual([
      61, 68, 103, 610,
    ]);
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, changedWithinMs: 2_000 }, NOW))).toEqual([103]);
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, changedWithinMs: 500 }, NOW))).toEqual([]);
  });

  it("sorts by name, value (numbers first) and writable, either way", () => {
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, sort: "name" }, NOW))).toEqual([
      103, 610, 10061, 61, 68,
    ]);
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, sort: "value" }, NOW))).toEqual([
      68, 61, 103, 10061, 610,
    ]);
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, sort: "value", descending: true }, NOW))).toEqual([
      610, 10061, 103, 61, 68,
    ]);
    expect(indices(selectRows(rows, { ...DEFAULT_QUERY, sort: "writable" }, NOW))).toEqual([
      103, 10061, 61, 68, 610,
    ]);
  });

  it("leaves the input untouched", () => {
    const copy = rows.map((r) => r.index);
    selectRows(rows, { ...DEFAULT_QUERY, sort: "name", descending: true }, NOW);
    expect(rows.map((r) => r.index)).toEqual(copy);
  });
});
