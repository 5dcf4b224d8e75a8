/** The history: an embedded SQLite store of parameter values and their rollups (docs/history.md). */
export { type HistoryDatabase, openHistoryDatabase, TIERS, type Tier } from "./database.js";
export {
  HistoryStore,
  type ParameterRecord,
  type PruneResult,
  type RollupSample,
  type Sample,
  type WriteBatch,
} from "./history-store.js";
export * from "./insights.js";
export * from "./insights-report.js";
export {
  DEFAULT_HISTORY_OPTIONS,
  DEFAULT_RETENTION,
  type HistoryOptions,
  type HistoryRetention,
  HOUR_MS,
  MINUTE_MS,
} from "./options.js";
export { DEFAULT_RECORD_POLICY, type RecordPolicy, shouldRecord, type UnitPolicy } from "./policy.js";
export {
  type HistoryPoint,
  type HistorySeries,
  MAX_POINTS,
  querySeries,
  type Resolution,
  type SeriesRequest,
} from "./query.js";
export { HistoryRecorder, type HistorySource, type RecorderOptions, type RecorderStats } from "./recorder.js";
export { RollupBuilder, type RollupRow } from "./rollup.js";
export { defaultHistoryIndices, type HistorySelection, isSelected } from "./selection.js";
export { HISTORY_FILE, HistoryService, type HistoryServiceOptions } from "./service.js";
