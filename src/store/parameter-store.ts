/**
 * The parameter cache: definitions and values keyed by index (names repeat; a name resolves to
 * its lowest index), last-read times, staleness, and change events the bridges subscribe to.
 */
import { EventEmitter } from "node:events";
import type { ParameterValue } from "../protocol/index.js";
import { type Clock, systemClock } from "../util/clock.js";
import type { ParameterDefinition } from "./definition.js";
import { type ResolvedLimits, resolveLimits, resolveWriteLimits, type WriteLimits } from "./limits.js";

export interface ParameterEntry {
  definition: ParameterDefinition;
  value: ParameterValue | undefined;
  /** Per-value flag byte of the last reading. */
  flag: number | undefined;
  /** When the value was last read from the bus (ms since epoch); undefined if never. */
  readAt: number | undefined;
  /** When the value last changed. */
  changedAt: number | undefined;
}

export interface ParameterChange {
  index: number;
  name: string;
  value: ParameterValue | undefined;
  oldValue: ParameterValue | undefined;
  /** ms since epoch. */
  timestamp: number;
  /** Where the new value came from. */
  origin: "poll" | "write";
}

export interface StoreEvents {
  /** One event per changed value. */
  change: [change: ParameterChange];
  /** The definitions were replaced (after a discovery or a snapshot restore). */
  definitions: [count: number];
  /** A poll cycle completed. */
  pollComplete: [at: number];
}

export interface ParameterStoreOptions {
  /** A value older than this is stale. */
  ttlMs: number;
  /** Refuse definition sets larger than this (a guard against a misbehaving device). */
  maxSize: number;
  /** Default time of discoveries, polls and staleness checks (default: the system clock). */
  clock?: Clock;
}

function sameValue(a: ParameterValue | undefined, b: ParameterValue | undefined): boolean {
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

export class ParameterStore extends EventEmitter<StoreEvents> {
  private entries = new Map<number, ParameterEntry>();
  private byName = new Map<string, number>();
  private _lastPollAt: number | undefined;
  private _lastDiscoveryAt: number | undefined;
  private _firstPollComplete = false;
  private _restoredAt: number | undefined;
  readonly clock: Clock;

  constructor(private readonly options: ParameterStoreOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.setMaxListeners(100);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A full poll has completed since the current definitions were set. */
  get firstPollComplete(): boolean {
    return this._firstPollComplete;
  }

  get lastPollAt(): number | undefined {
    return this._lastPollAt;
  }

  /** When the values restored from a snapshot were saved; undefined when none was restored. */
  get restoredAt(): number | undefined {
    return this._restoredAt;
  }

  /** The current values come from a snapshot saved at `savedAt` (after setDefinitions). */
  markRestored(savedAt: number): void {
    this._restoredAt = savedAt;
  }

  get lastDiscoveryAt(): number | undefined {
    return this._lastDiscoveryAt;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /**
   * Replaces all definitions. Values of indices whose definition (type) is unchanged are kept,
   * so a rediscovery does not blank the API.
   */
  setDefinitions(definitions: readonly ParameterDefinition[], discoveredAt = this.clock.now()): void {
    if (definitions.length > this.options.maxSize) {
      throw new RangeError(
        `${definitions.length} parameters exceed CACHE_MAX_SIZE (${this.options.maxSize}); set CACHE_MAX_SIZE to at least ${definitions.length}`,
      );
    }
    const next = new Map<number, ParameterEntry>();
    const byName = new Map<string, number>();
    const sorted = [...definitions].sort((a, b) => a.index - b.index);
    for (const definition of sorted) {
      const old = this.entries.get(definition.index);
      const keep = old !== undefined && old.definition.type === definition.type;
      next.set(definition.index, {
        definition,
        value: keep ? old.value : undefined,
        flag: keep ? old.flag : undefined,
        readAt: keep ? old.readAt : undefined,
        changedAt: keep ? old.changedAt : undefined,
      });
      if (definition.exposed && !byName.has(definition.name)) byName.set(definition.name, definition.index);
    }
    this.entries = next;
    this.byName = byName;
    this._lastDiscoveryAt = discoveredAt;
    this._firstPollComplete = false;
    this.emit("definitions", next.size);
  }

  get(index: number): ParameterEntry | undefined {
    return this.entries.get(index);
  }

  /** Lowest index with this API name (case-sensitive), exposed parameters only. */
  indexOfName(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** Resolves a path segment: an exposed name first, else a decimal index. */
  resolve(nameOrIndex: string): ParameterEntry | undefined {
    const byName = this.byName.get(nameOrIndex);
    if (byName !== undefined) return this.entries.get(byName);
    if (/^\d+$/.test(nameOrIndex)) {
      const entry = this.entries.get(Number(nameOrIndex));
      return entry?.definition.exposed ? entry : undefined;
    }
    return undefined;
  }

  /** All entries in ascending index order (regulator, then panel). */
  all(): IterableIterator<ParameterEntry> {
    return this.entries.values();
  }

  /** Definitions of one space in wire order. */
  definitionsOf(space: ParameterDefinition["space"]): ParameterDefinition[] {
    const result: ParameterDefinition[] = [];
    for (const entry of this.entries.values())
      if (entry.definition.space === space) result.push(entry.definition);
    return result;
  }

  /** Stores a value read from the bus (or confirmed by a write); emits a change when it differs. */
  setValue(
    index: number,
    value: ParameterValue,
    flag: number | undefined,
    readAt: number,
    origin: ParameterChange["origin"] = "poll",
  ): void {
    const entry = this.entries.get(index);
    if (!entry) return;
    const oldValue = entry.value;
    entry.readAt = readAt;
    if (flag !== undefined) entry.flag = flag;
    if (sameValue(oldValue, value)) return;
    entry.value = value;
    entry.changedAt = readAt;
    this.emit("change", { index, name: entry.definition.name, value, oldValue, timestamp: readAt, origin });
  }

  markPollComplete(at = this.clock.now()): void {
    this._lastPollAt = at;
    this._firstPollComplete = true;
    this.emit("pollComplete", at);
  }

  isStale(entry: ParameterEntry, now = this.clock.now()): boolean {
    return entry.readAt === undefined || now - entry.readAt > this.options.ttlMs;
  }

  /** min/max after resolving references through current values (HA-COMPAT.md §3). */
  limitsOf(entry: ParameterEntry): ResolvedLimits {
    return resolveLimits(entry.definition, (wireIndex) => this.referenced(entry, wireIndex)?.value);
  }

  /**
   * The limits a write to `entry` must respect, failing closed: an unread referenced limit or a
   * max below the min makes the range unknown (the display above shows no limits instead).
   */
  writeLimitsOf(entry: ParameterEntry): WriteLimits {
    return resolveWriteLimits(
      entry.definition,
      (wireIndex) => this.referenced(entry, wireIndex)?.value,
      (wireIndex) => {
        const target = this.referenced(entry, wireIndex)?.definition;
        const index = entry.definition.index - entry.definition.wireIndex + wireIndex;
        return target?.name ? `parameter ${index} (${target.name})` : `parameter ${index}`;
      },
    );
  }

  /** The entry a limit of `entry` refers to (same space, by wire index). */
  private referenced(entry: ParameterEntry, wireIndex: number): ParameterEntry | undefined {
    return this.entries.get(entry.definition.index - entry.definition.wireIndex + wireIndex);
  }
}
