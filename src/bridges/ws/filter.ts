/**
 * Which parameters a WebSocket client follows, from its query string: `names=` and `indices=`
 * (comma-separated; repeat the key or use commas), or `parameters=` mixing both. No filter: all.
 * A name matches every index carrying it (names repeat, HA-COMPAT.md §4).
 */
import { parseIndexText } from "../../port/index.js";

export interface ParameterFilter {
  names: ReadonlySet<string>;
  indices: ReadonlySet<number>;
}

export class FilterError extends Error {
  override readonly name = "FilterError";
}

/** Most names and indices one client may list (a guard, not a feature). */
const MAX_ITEMS = 2_000;
const MAX_INDEX = 0xffff;
/** Digits only: an index, or a malformed one (`0103`) — never a name (no parameter name is all digits). */
const DIGITS = /^[0-9]+$/;

type Query = Record<string, string | string[] | undefined>;

function items(query: Query, key: string): string[] {
  const raw = query[key];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values
    .flatMap((value) => value.split(","))
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Parses the filter; undefined = every parameter. Throws FilterError for a malformed one. */
export function parseFilter(query: Query): ParameterFilter | undefined {
  const names = new Set<string>();
  const indices = new Set<number>();
  const addIndex = (text: string) => {
    const index = parseIndexText(text);
    if (index === undefined || index > MAX_INDEX) {
      throw new FilterError(
        `indices: ${JSON.stringify(text.slice(0, 40))} is not a parameter index (0–${MAX_INDEX}, decimal without sign or leading zeros)`,
      );
    }
    indices.add(index);
  };
  for (const text of items(query, "indices")) addIndex(text);
  for (const name of items(query, "names")) names.add(name);
  for (const item of items(query, "parameters")) {
    if (DIGITS.test(item)) addIndex(item);
    else names.add(item);
  }
  if (names.size + indices.size > MAX_ITEMS) throw new FilterError(`at most ${MAX_ITEMS} names and indices`);
  const given = ["names", "indices", "parameters"].some((key) => query[key] !== undefined);
  if (!given) return undefined;
  if (names.size + indices.size === 0)
    throw new FilterError("the filter lists no parameter names or indices");
  return { names, indices };
}

export function matches(filter: ParameterFilter | undefined, index: number, name: string): boolean {
  return filter === undefined || filter.indices.has(index) || filter.names.has(name);
}
