/**
 * Records the selected parameters into the history store: after each completed poll it looks at
 * every selected value, keeps a sample when the record policy says so, feeds the minute and hour
 * rollups, and queues it all in memory. A timer writes the queue in one transaction every
 * `flushIntervalMs` and another enforces retention and the disk budget — the poll's event handler
 * itself only compares numbers, so the bus never waits for the disk. On start the open buckets are
 * rebuilt from the raw samples already stored, so a restart neither loses nor repeats a rollup.
 */
import { isNumericType, type TypeCode } from "../protocol/index.js";
import type { ParameterEntry } from "../store/parameter-store.js";
import type { Clock, ClockTimer } from "../util/clock.js";
import type { HistoryStore, RollupSample, Sample } from "./history-store.js";
import { DEFAULT_HISTORY_OPTIONS, type HistoryOptions, HOUR_MS, MINUTE_MS } from "./options.js";
import {
  DEFAULT_RECORD_POLICY,
  type RecordPolicy,
  shouldRecord,
  type UnitPolicy,
  unitPolicy,
} from "./policy.js";
import { RollupBuilder, type RollupRow } from "./rollup.js";
import { type HistorySelection, isSelected } from "./selection.js";

/** What the recorder reads of the parameter store. */
export interface HistorySource {
  readonly clock: Clock;
  all(): IterableIterator<ParameterEntry>;
  get(index: number): ParameterEntry | undefined;
  on(event: "pollComplete", listener: (at: number) => void): unknown;
  on(event: "definitions", listener: (count: number) => void): unknown;
  off(event: "pollComplete", listener: (at: number) => void): unknown;
  off(event: "definitions", listener: (count: number) => void): unknown;
}

export interface RecorderStats {
  samples: number;
  flushes: number;
  lastFlushMs: number;
  flushErrors: number;
  lastError?: string;
}

interface Track {
  index: number;
  unit: UnitPolicy;
  last: { at: number; value: number } | undefined;
  minute: RollupBuilder;
  hour: RollupBuilder;
}

export interface RecorderOptions {
  selection: HistorySelection;
  options?: Partial<HistoryOptions>;
  policy?: RecordPolicy;
  /** Told of a failed flush or prune (the recorder goes on). */
  onError?: (error: Error, during: "flush" | "prune") => void;
}

export class HistoryRecorder {
  readonly options: HistoryOptions;
  readonly stats: RecorderStats = { samples: 0, flushes: 0, lastFlushMs: 0, flushErrors: 0 };
  private readonly policy: RecordPolicy;
  private readonly tracks = new Map<number, Track>();
  private samples: Sample[] = [];
  private minutes: RollupSample[] = [];
  private hours: RollupSample[] = [];
  private flushTimer: ClockTimer | undefined;
  private pruneTimer: ClockTimer | undefined;
  private running = false;
  private readonly onPoll = (at: number) => this.observeAll(at);
  private readonly onDefinitions = () => this.select();

  constructor(
    readonly store: HistoryStore,
    private readonly source: HistorySource,
    private readonly settings: RecorderOptions,
  ) {
    this.options = { ...DEFAULT_HISTORY_OPTIONS, ...settings.options };
    this.policy = settings.policy ?? DEFAULT_RECORD_POLICY;
  }

  private get clock(): Clock {
    return this.source.clock;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.select();
    this.source.on("pollComplete", this.onPoll);
    this.source.on("definitions", this.onDefinitions);
    this.scheduleFlush();
    this.schedulePrune(0);
  }

  /** Writes what is queued and stops listening. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.source.off("pollComplete", this.onPoll);
    this.source.off("definitions", this.onDefinitions);
    this.clock.clearTimeout(this.flushTimer);
    this.clock.clearTimeout(this.pruneTimer);
    this.flush();
  }

  /** The indices recorded now. */
  get recorded(): number[] {
    return [...this.tracks.keys()];
  }

  isRecorded(index: number): boolean {
    return this.tracks.has(index);
  }

  /** The open (not yet written) bucket of one parameter, for queries reaching into the present. */
  openBucket(index: number, tier: "minute" | "hour"): RollupRow | undefined {
    return this.tracks.get(index)?.[tier].peek();
  }

  /** Samples queued and not yet written (for queries of the last seconds). */
  pendingSamples(index: number): Sample[] {
    return this.samples.filter((sample) => sample.p === index);
  }

  /** Looks at one value; returns whether a sample was kept. */
  observe(index: number, at: number, value: number): boolean {
    const track = this.tracks.get(index);
    if (!track || !shouldRecord(this.policy, track.unit, track.last, at, value)) return false;
    this.keep(track, at, value);
    this.stats.samples += 1;
    this.samples.push({ p: index, t: at, v: value });
    return true;
  }

  /** Writes the queue in one transaction. */
  flush(): void {
    if (this.samples.length + this.minutes.length + this.hours.length === 0) return;
    const batch = { samples: this.samples, minutes: this.minutes, hours: this.hours };
    const started = this.clock.monotonicNow();
    try {
      this.store.write(batch);
      this.samples = [];
      this.minutes = [];
      this.hours = [];
      this.stats.flushes += 1;
    } catch (error) {
      this.stats.flushErrors += 1;
      this.stats.lastError = (error as Error).message;
      this.settings.onError?.(error as Error, "flush");
      // Kept for the next attempt, but never more than a day's worth.
      if (this.samples.length > 1_000_000) this.samples.splice(0, this.samples.length / 2);
    }
    this.stats.lastFlushMs = this.clock.monotonicNow() - started;
  }

  prune(now = this.clock.now()): void {
    try {
      this.store.prune(now, this.options.retention, this.options.maxBytes);
    } catch (error) {
      this.settings.onError?.(error as Error, "prune");
    }
  }

  private keep(track: Track, at: number, value: number): void {
    track.last = { at, value };
    const minute = track.minute.add(at, value);
    if (minute) this.minutes.push({ p: track.index, ...minute });
    const hour = track.hour.add(at, value);
    if (hour) this.hours.push({ p: track.index, ...hour });
  }

  private observeAll(at: number): void {
    for (const track of this.tracks.values()) {
      const value = this.source.get(track.index)?.value;
      if (typeof value === "number") this.observe(track.index, at, value);
    }
  }

  /** (Re)chooses the recorded parameters from the store's definitions. */
  private select(): void {
    const chosen: { index: number; name: string; unit: string }[] = [];
    for (const entry of this.source.all()) {
      const { definition } = entry;
      const parameter = {
        index: definition.index,
        name: definition.name,
        unit: definition.unit.symbol,
        exposed: definition.exposed,
        numeric: isNumericType(definition.type as TypeCode),
      };
      if (isSelected(this.settings.selection, parameter)) chosen.push(parameter);
    }
    const keep = new Set(chosen.map((p) => p.index));
    for (const index of this.tracks.keys()) if (!keep.has(index)) this.tracks.delete(index);
    for (const parameter of chosen) {
      if (this.tracks.has(parameter.index)) continue;
      this.tracks.set(parameter.index, this.restore(parameter.index, parameter.unit));
    }
    if (chosen.length > 0) this.store.describe(chosen);
  }

  /** A track whose open buckets are rebuilt from the samples stored in the hour of the last one. */
  private restore(index: number, unit: string): Track {
    const track: Track = {
      index,
      unit: unitPolicy(this.policy, unit),
      last: undefined,
      minute: new RollupBuilder(MINUTE_MS, this.options.maxHoldMs),
      hour: new RollupBuilder(HOUR_MS, this.options.maxHoldMs),
    };
    // From the start of the hour of the last stored sample: that hour's bucket never closed.
    const latest = this.store.sampleBefore(index, Number.MAX_SAFE_INTEGER);
    if (!latest) return track;
    const hourStart = Math.floor(latest.t / HOUR_MS) * HOUR_MS;
    const before = this.store.sampleBefore(index, hourStart);
    const replay = [...(before ? [before] : []), ...this.store.samples(index, hourStart, latest.t)];
    for (const sample of replay) {
      track.last = { at: sample.t, value: sample.v };
      // Buckets that closed before are in the store already; re-written identical if not.
      const minute = track.minute.add(sample.t, sample.v);
      if (minute && minute.t >= hourStart) this.minutes.push({ p: index, ...minute });
      track.hour.add(sample.t, sample.v);
    }
    return track;
  }

  private scheduleFlush(): void {
    this.flushTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.flush();
      this.scheduleFlush();
    }, this.options.flushIntervalMs);
  }

  private schedulePrune(delayMs: number): void {
    this.pruneTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.prune();
      this.schedulePrune(this.options.pruneIntervalMs);
    }, delayMs);
  }
}
