/**
 * What the page knows: every parameter with the time it last saw it change, a lookup by name
 * (lowest index, as the API resolves names), and the history of numeric values for the trend.
 * Fed by the live source (WebSocket or polling); views subscribe. No DOM here.
 */
import { isNumeric } from "./format.js";
import type { Row } from "./query.js";
import type { Parameter, ParameterValue } from "./types.js";

export interface Series {
  times: number[];
  values: number[];
}

/** Points kept per parameter; beyond it the oldest half goes (hours of 10-second polls). */
export const MAX_POINTS = 4_000;

export type StoreEvent =
  /** The set of parameters or their definitions changed: rebuild lists. */
  | { kind: "structure" }
  /** Values changed (indices). */
  | { kind: "values"; indices: number[] };

export class ParameterStore {
  private readonly rows = new Map<number, Row>();
  private readonly byName = new Map<string, number>();
  private readonly history = new Map<number, Series>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private list: Row[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.rows.size;
  }

  get(index: number): Row | undefined {
    return this.rows.get(index);
  }

  /** The parameter a name means for the API: the lowest index carrying it. */
  byNameLookup = (name: string): Parameter | undefined => {
    const index = this.byName.get(name);
    return index === undefined ? undefined : this.rows.get(index);
  };

  /** All rows in index order. */
  all(): readonly Row[] {
    return this.list;
  }

  series(index: number): Series | undefined {
    return this.history.get(index);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A full picture (GET /api/parameters or a WebSocket snapshot). */
  applySnapshot(parameters: Record<string, Parameter>): void {
    const now = this.now();
    const incoming = Object.values(parameters);
    let structure = incoming.length !== this.rows.size;
    const changed: number[] = [];
    const seen = new Set<number>();
    for (const parameter of incoming) {
      seen.add(parameter.index);
      const existing = this.rows.get(parameter.index);
      if (!existing) {
        structure = true;
        this.rows.set(parameter.index, { ...parameter, changedAt: undefined });
        this.record(parameter.index, parameter, now);
        continue;
      }
      if (
        existing.name !== parameter.name ||
        existing.type !== parameter.type ||
        existing.unit !== parameter.unit ||
        existing.writable !== parameter.writable ||
        existing.min !== parameter.min ||
        existing.max !== parameter.max
      ) {
        structure = true;
        Object.assign(existing, { ...parameter, value: existing.value });
      }
      if (!sameValue(existing.value, parameter.value)) {
        existing.value = parameter.value;
        existing.changedAt = now;
        changed.push(parameter.index);
        this.record(parameter.index, existing, now);
      }
    }
    for (const index of [...this.rows.keys()]) {
      if (seen.has(index)) continue;
      this.rows.delete(index);
      this.history.delete(index);
      structure = true;
    }
    if (structure) this.rebuildIndex();
    if (structure) this.emit({ kind: "structure" });
    if (changed.length > 0) this.emit({ kind: "values", indices: changed });
  }

  /** One value (a WebSocket change or a confirmed write's read-back). */
  applyValue(index: number, value: ParameterValue): void {
    const row = this.rows.get(index);
    if (!row) return;
    const now = this.now();
    if (sameValue(row.value, value)) return;
    row.value = value;
    row.changedAt = now;
    this.record(index, row, now);
    this.emit({ kind: "values", indices: [index] });
  }

  private record(index: number, parameter: Parameter, now: number): void {
    if (!isNumeric(parameter) || typeof parameter.value !== "number") return;
    let series = this.history.get(index);
    if (!series) {
      series = { times: [], values: [] };
      this.history.set(index, series);
    }
    series.times.push(now);
    series.values.push(parameter.value);
    if (series.times.length > MAX_POINTS) {
      const drop = MAX_POINTS / 2;
      series.times.splice(0, drop);
      series.values.splice(0, drop);
    }
  }

  private rebuildIndex(): void {
    this.list = [...this.rows.values()].sort((a, b) => a.index - b.index);
    this.byName.clear();
    for (const row of this.list) if (!this.byName.has(row.name)) this.byName.set(row.name, row.index);
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function sameValue(a: ParameterValue, b: ParameterValue): boolean {
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}
