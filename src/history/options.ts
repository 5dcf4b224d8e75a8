/**
 * How long the history keeps each tier, how big it may grow, and how often it writes. The
 * defaults are the (raw 7 days, minute rollups 90 days, hourly 5 years, 200 MB).
 */
const MS_PER_DAY = 86_400_000;

export interface HistoryRetention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

export interface HistoryOptions {
  retention: HistoryRetention;
  /** Disk budget of the database (main file + WAL) in bytes. */
  maxBytes: number;
  /** Pending samples are written in one transaction this often. */
  flushIntervalMs: number;
  /** Retention and budget are enforced this often. */
  pruneIntervalMs: number;
  /** A value holds (in rollups) until the next sample, at most this long after it. */
  maxHoldMs: number;
}

export const DEFAULT_RETENTION: HistoryRetention = {
  rawMs: 7 * MS_PER_DAY,
  minuteMs: 90 * MS_PER_DAY,
  hourMs: 5 * 365 * MS_PER_DAY,
};

export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = {
  retention: DEFAULT_RETENTION,
  maxBytes: 200 * 1024 * 1024,
  flushIntervalMs: 5_000,
  pruneIntervalMs: 3_600_000,
  maxHoldMs: 30 * 60_000,
};

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
