/**
 * What the history endpoint needs of the history (src/history's HistoryService satisfies it; the
 * app hands it over, the bridge imports nothing of the store). Absent: HISTORY_ENABLED=false.
 */

export interface HistoryPointView {
  t: number;
  value: number;
  min: number;
  max: number;
}

export interface HistorySeriesView {
  resolution: "raw" | "minute" | "hour";
  stepMs: number;
  points: HistoryPointView[];
}

export interface HistoryApi {
  knows(index: number): boolean;
  series(request: { index: number; from: number; to: number; stepMs?: number }): HistorySeriesView;
}
