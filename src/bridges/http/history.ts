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

export interface InsightsView {
  at: number;
  cycling: {
    starts24h: number;
    startsLastHour: number;
    shortCycles24h: number;
    meanRunMinutes: number | null;
    meanPauseMinutes: number | null;
    excessive: boolean;
  };
  energy: { day: number; electricKwh: number; heatKwh: number; cop: number | null }[];
  liveCop: number | null;
}

export interface HistoryApi {
  insights(): InsightsView;
  knows(index: number): boolean;
  series(request: { index: number; from: number; to: number; stepMs?: number }): HistorySeriesView;
}
