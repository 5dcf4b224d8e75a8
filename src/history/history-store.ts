/**
 * The history's storage: samples and rollups in, series out, retention and the disk budget. Each
 * `write` is one transaction (all of a batch or none of it). Synchronous (better-sqlite3): the
 * recorder calls it from a timer with a batch, never from the bus's event handlers.
 */
import { type HistoryDatabase, openHistoryDatabase, type Tier, usedBytes } from "./database.js";
import type { HistoryRetention } from "./options.js";
import type { RollupRow } from "./rollup.js";

export interface Sample {
  /** The parameter's stored index. */
  p: number;
  t: number;
  v: number;
}

export interface RollupSample extends RollupRow {
  p: number;
}

export interface WriteBatch {
  samples: readonly Sample[];
  minutes: readonly RollupSample[];
  hours: readonly RollupSample[];
}

export interface ParameterRecord {
  index: number;
  name: string;
  unit: string;
}

export interface PruneResult {
  /** Rows deleted per tier. */
  deleted: Record<Tier, number>;
  bytesBefore: number;
  bytesAfter: number;
}

/** What the budget may thin down to, oldest first, finest tier first. */
const BUDGET_FLOOR_MS: Record<Tier, number> = {
  raw: 86_400_000,
  minute: 7 * 86_400_000,
  hour: 90 * 86_400_000,
};
const NO_FLOOR: Record<Tier, number> = { raw: 0, minute: 0, hour: 0 };
/** Share of a tier's span (down to its floor) deleted per budget round. */
const BUDGET_STEP = 0.25;
const MAX_BUDGET_ROUNDS = 200;

export class HistoryStore {
  private readonly insertSample;
  private readonly insertMinute;
  private readonly insertHour;
  private readonly upsertParameter;
  private readonly writeTx;

  private constructor(
    readonly path: string,
    private readonly db: HistoryDatabase,
  ) {
    this.insertSample = db.prepare("INSERT OR REPLACE INTO raw (p, t, v) VALUES (@p, @t, @v)");
    const rollup = (table: Tier) =>
      db.prepare(
        `INSERT OR REPLACE INTO ${table} (p, t, min, max, avg, n) VALUES (@p, @t, @min, @max, @avg, @count)`,
      );
    this.insertMinute = rollup("minute");
    this.insertHour = rollup("hour");
    this.upsertParameter = db.prepare(
      "INSERT INTO parameter (id, name, unit) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, unit = excluded.unit",
    );
    const known = db.prepare("INSERT OR IGNORE INTO parameter (id, name, unit) VALUES (?, '', '')");
    this.writeTx = db.transaction((batch: WriteBatch) => {
      // Every id written is in the parameter table: pruning walks it.
      const ids = new Set<number>();
      for (const row of [...batch.samples, ...batch.minutes, ...batch.hours]) ids.add(row.p);
      for (const id of ids) known.run(id);
      for (const sample of batch.samples) this.insertSample.run(sample);
      for (const row of batch.minutes) this.insertMinute.run(row);
      for (const row of batch.hours) this.insertHour.run(row);
    });
  }

  static open(path: string): HistoryStore {
    return new HistoryStore(path, openHistoryDatabase(path));
  }

  /** Writes a batch in one transaction. */
  write(batch: WriteBatch): void {
    if (batch.samples.length + batch.minutes.length + batch.hours.length === 0) return;
    this.writeTx(batch);
  }

  /** Remembers the name and unit of recorded parameters. */
  describe(parameters: readonly ParameterRecord[]): void {
    this.db.transaction(() => {
      for (const p of parameters) this.upsertParameter.run(p.index, p.name, p.unit);
    })();
  }

  parameters(): ParameterRecord[] {
    return this.db
      .prepare('SELECT id AS "index", name, unit FROM parameter ORDER BY id')
      .all() as ParameterRecord[];
  }

  hasParameter(index: number): boolean {
    return this.db.prepare("SELECT 1 FROM parameter WHERE id = ?").get(index) !== undefined;
  }

  /** Raw samples of one parameter in [from, to], oldest first. */
  samples(index: number, from: number, to: number): { t: number; v: number }[] {
    return this.db
      .prepare("SELECT t, v FROM raw WHERE p = ? AND t >= ? AND t <= ? ORDER BY t")
      .all(index, from, to) as { t: number; v: number }[];
  }

  /** The last sample of one parameter before `before`, if any. */
  sampleBefore(index: number, before: number): { t: number; v: number } | undefined {
    return this.db
      .prepare("SELECT t, v FROM raw WHERE p = ? AND t < ? ORDER BY t DESC LIMIT 1")
      .get(index, before) as { t: number; v: number } | undefined;
  }

  /** Rollup rows of one parameter whose bucket starts in [from, to], oldest first. */
  rollups(tier: "minute" | "hour", index: number, from: number, to: number): RollupRow[] {
    return this.db
      .prepare(
        `SELECT t, min, max, avg, n AS count FROM ${tier} WHERE p = ? AND t >= ? AND t <= ? ORDER BY t`,
      )
      .all(index, from, to) as RollupRow[];
  }

  /** Rows per tier (for status and tests). */
  rowCounts(): Record<Tier, number> {
    const count = (table: Tier) =>
      (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { raw: count("raw"), minute: count("minute"), hour: count("hour") };
  }

  usedBytes(): number {
    return usedBytes(this.db);
  }

  /**
   * Deletes what is past its retention, then, while the data is over `maxBytes`, the oldest quarter
   * of the finest tier that is still above its floor (raw down to a day, minute rollups down to a
   * week, hourly down to 90 days); if that is not enough, the same below the floors (raw first,
   * hourly last).
   * Frees the pages back to the file system.
   */
  prune(now: number, retention: HistoryRetention, maxBytes: number): PruneResult {
    const bytesBefore = this.usedBytes();
    const deleted: Record<Tier, number> = { raw: 0, minute: 0, hour: 0 };
    const keep: Record<Tier, number> = {
      raw: retention.rawMs,
      minute: retention.minuteMs,
      hour: retention.hourMs,
    };
    for (const tier of ["raw", "minute", "hour"] as const) {
      deleted[tier] += this.deleteBefore(tier, now - keep[tier]);
    }
    this.vacuum();
    // First down to the floors, then, if the budget still is not kept, below them.
    for (const floors of [BUDGET_FLOOR_MS, NO_FLOOR]) {
      for (let round = 0; round < MAX_BUDGET_ROUNDS && this.usedBytes() > maxBytes; round++) {
        const tier = this.thinnest(now, floors);
        if (!tier) break;
        const oldest = this.oldest(tier)!;
        const floor = now - floors[tier];
        const cut = oldest + Math.max(1, Math.ceil((floor - oldest) * BUDGET_STEP));
        deleted[tier] += this.deleteBefore(tier, Math.min(cut, floor));
        this.vacuum();
      }
    }
    return { deleted, bytesBefore, bytesAfter: this.usedBytes() };
  }

  /** The finest tier holding data older than its budget floor. */
  private thinnest(now: number, floors: Record<Tier, number>): Tier | undefined {
    for (const tier of ["raw", "minute", "hour"] as const) {
      const oldest = this.oldest(tier);
      if (oldest !== undefined && oldest < now - floors[tier]) return tier;
    }
    return undefined;
  }

  /** Parameter ids (the key's first column): per-parameter statements use the primary key. */
  private ids(): number[] {
    return (this.db.prepare("SELECT id FROM parameter").all() as { id: number }[]).map((row) => row.id);
  }

  private oldest(tier: Tier): number | undefined {
    const statement = this.db.prepare(`SELECT min(t) AS t FROM ${tier} WHERE p = ?`);
    let oldest: number | undefined;
    for (const id of this.ids()) {
      const t = (statement.get(id) as { t: number | null }).t;
      if (t !== null && (oldest === undefined || t < oldest)) oldest = t;
    }
    return oldest;
  }

  private deleteBefore(tier: Tier, before: number): number {
    const statement = this.db.prepare(`DELETE FROM ${tier} WHERE p = ? AND t < ?`);
    return this.db.transaction(() =>
      this.ids().reduce((sum, id) => sum + statement.run(id, before).changes, 0),
    )();
  }

  private vacuum(): void {
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    this.db.pragma("incremental_vacuum");
    this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  /** `ok` when SQLite finds the file sound. */
  integrity(): string {
    return this.db.pragma("integrity_check", { simple: true }) as string;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
