/**
 * The history's SQLite file: opened in WAL mode with `synchronous=NORMAL` (a transaction that
 * committed survives the process being killed; only a power cut may lose the last ones), with
 * incremental auto-vacuum so pruned pages can be given back to the file system. One table per
 * tier, keyed by (parameter, time), without rowids.
 */
import Database from "better-sqlite3";

export type HistoryDatabase = Database.Database;

export const TIERS = ["raw", "minute", "hour"] as const;
export type Tier = (typeof TIERS)[number];

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS parameter (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  unit TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS raw (
  p INTEGER NOT NULL,
  t INTEGER NOT NULL,
  v REAL NOT NULL,
  PRIMARY KEY (p, t)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS minute (
  p INTEGER NOT NULL,
  t INTEGER NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  avg REAL NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (p, t)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hour (
  p INTEGER NOT NULL,
  t INTEGER NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  avg REAL NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (p, t)
) WITHOUT ROWID;
`;

export function openHistoryDatabase(path: string): HistoryDatabase {
  const db = new Database(path);
  // auto_vacuum only takes effect on a database without tables yet.
  db.pragma("auto_vacuum = INCREMENTAL");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 2000");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(`${path} was written by a newer gateway (history schema ${version})`);
  }
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return db;
}

/** Bytes the data occupies: the main file's used pages plus the WAL. */
export function usedBytes(db: HistoryDatabase): number {
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const pages = db.pragma("page_count", { simple: true }) as number;
  const free = db.pragma("freelist_count", { simple: true }) as number;
  return (pages - free) * pageSize;
}
