/** Search, filters and sorting of the parameter table. Pure; 1,800 rows take well under a millisecond. */
import { isPanel } from "./format.js";
import type { Parameter } from "./types.js";

export type SortKey = "index" | "name" | "value" | "writable";
export type Space = "all" | "controller" | "panel";

export interface TableQuery {
  /** A name fragment (any case) or an index. */
  text: string;
  writableOnly: boolean;
  /** Only parameters whose value changed within this many ms (as the page saw it); 0 = off. */
  changedWithinMs: number;
  space: Space;
  sort: SortKey;
  descending: boolean;
}

export const DEFAULT_QUERY: TableQuery = {
  text: "",
  writableOnly: false,
  changedWithinMs: 0,
  space: "all",
  sort: "index",
  descending: false,
};

export interface Row extends Parameter {
  /** When the page last saw the value change (ms), if it did. */
  changedAt: number | undefined;
}

function matcher(text: string): (row: Row) => boolean {
  const needle = text.trim().toLowerCase();
  if (needle === "") return () => true;
  // Digits: that index, or names containing them (Circuit2…).
  const index = /^\d+$/.test(needle) ? Number(needle) : undefined;
  return (row) => row.index === index || row.name.toLowerCase().includes(needle);
}

/** Numbers before booleans before strings before missing values; each in natural order. */
function valueRank(value: Parameter["value"]): number {
  if (typeof value === "number") return 0;
  if (typeof value === "boolean") return 1;
  if (typeof value === "string") return 2;
  return 3;
}

function compareValues(a: Parameter["value"], b: Parameter["value"]): number {
  const rank = valueRank(a) - valueRank(b);
  if (rank !== 0) return rank;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);
  return 0;
}

const COMPARATORS: Readonly<Record<SortKey, (a: Row, b: Row) => number>> = {
  index: (a, b) => a.index - b.index,
  name: (a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }),
  value: (a, b) => compareValues(a.value, b.value),
  writable: (a, b) => Number(b.writable) - Number(a.writable),
};

export function selectRows(rows: readonly Row[], query: TableQuery, now: number): Row[] {
  const matches = matcher(query.text);
  const selected = rows.filter(
    (row) =>
      matches(row) &&
      (!query.writableOnly || row.writable) &&
      (query.space === "all" || (query.space === "panel") === isPanel(row.index)) &&
      (query.changedWithinMs <= 0 ||
        (row.changedAt !== undefined && now - row.changedAt <= query.changedWithinMs)),
  );
  const compare = COMPARATORS[query.sort];
  const direction = query.descending ? -1 : 1;
  // Ties keep index order, so a sort is stable and predictable.
  return selected.sort((a, b) => direction * compare(a, b) || a.index - b.index);
}
