/**
 * The history as the application runs it: the file `history.sqlite` in STATE_DIR, the recorder on
 * the parameter store, and the queries the API answers.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { HistoryStore } from "./history-store.js";
import { INSIGHT_INDICES, type InsightsReport, insightsReport } from "./insights-report.js";
import type { HistoryOptions } from "./options.js";
import { type HistorySeries, querySeries, type SeriesRequest } from "./query.js";
import { HistoryRecorder, type HistorySource } from "./recorder.js";
import type { HistorySelection } from "./selection.js";

export const HISTORY_FILE = "history.sqlite";

export interface HistoryServiceOptions {
  stateDir: string;
  selection: HistorySelection;
  maxBytes: number;
  /** Runs shorter than this are short cycles (HISTORY_SHORT_CYCLE_MIN). */
  shortCycleMs?: number;
  options?: Partial<HistoryOptions>;
  onError?: (error: Error, during: "flush" | "prune") => void;
}

export class HistoryService {
  private constructor(
    readonly store: HistoryStore,
    readonly recorder: HistoryRecorder,
    private readonly source: HistorySource,
    private readonly shortCycleMs: number,
  ) {}

  static open(source: HistorySource, settings: HistoryServiceOptions): HistoryService {
    mkdirSync(settings.stateDir, { recursive: true });
    const store = HistoryStore.open(join(settings.stateDir, HISTORY_FILE));
    const recorder = new HistoryRecorder(store, source, {
      selection: settings.selection,
      options: { ...settings.options, maxBytes: settings.maxBytes },
      onError: settings.onError,
    });
    recorder.start();
    return new HistoryService(store, recorder, source, settings.shortCycleMs ?? 10 * 60_000);
  }

  /** Whether the parameter is recorded now or has a history from before. */
  knows(index: number): boolean {
    return this.recorder.isRecorded(index) || this.store.hasParameter(index);
  }

  series(request: SeriesRequest): HistorySeries {
    return querySeries(this.store, this.recorder, request);
  }

  /** Cycling, energy and live COP now (samples not yet written included). */
  insights(now = this.source.clock.now()): InsightsReport {
    this.recorder.flush();
    const value = (index: number) => {
      const v = this.source.get(index)?.value;
      return typeof v === "number" ? v : undefined;
    };
    return insightsReport(this.store, now, this.shortCycleMs, {
      heatKw: value(INSIGHT_INDICES.heatKw),
      electricKw: value(INSIGHT_INDICES.electricKw),
      compressorHz: value(INSIGHT_INDICES.compressorHz),
    });
  }

  close(): void {
    this.recorder.stop();
    this.store.close();
  }
}
