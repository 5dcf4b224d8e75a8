/**
 * The insights the API serves, from the history of the ecoMAX360i's parameters: compressor
 * frequency (1365), electric and heating power (1047, 1048), the energy counters consumed total and
 * produced heating (1285, 1290, in 0.01 kWh).
 */
import type { HistoryStore } from "./history-store.js";
import { compressorCycling, dailyEnergy, liveCop, type Point } from "./insights.js";

export const INSIGHT_INDICES = {
  compressorHz: 1365,
  electricKw: 1047,
  heatKw: 1048,
  electricCounter: 1285,
  heatCounter: 1290,
} as const;

const COUNTER_KWH = 0.01;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface InsightsReport {
  /** ms since epoch. */
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

/** More short cycles than this in 24 h is worth a warning. */
export const EXCESSIVE_SHORT_CYCLES_PER_DAY = 6;

export function insightsReport(
  store: HistoryStore,
  now: number,
  shortCycleMs: number,
  live: { heatKw?: number; electricKw?: number; compressorHz?: number },
): InsightsReport {
  const series = (index: number, from: number): Point[] => {
    const before = store.sampleBefore(index, from);
    return [...(before ? [before] : []), ...store.samples(index, from, now)].map((s) => ({ t: s.t, v: s.v }));
  };
  const compressor = series(INSIGHT_INDICES.compressorHz, now - DAY_MS);
  const day = compressorCycling(compressor, now - DAY_MS, now, shortCycleMs);
  const hour = compressorCycling(compressor, now - HOUR_MS, now, shortCycleMs);
  const scale = (points: Point[]) => points.map((p) => ({ t: p.t, v: p.v * COUNTER_KWH }));
  const energy = dailyEnergy(
    scale(series(INSIGHT_INDICES.electricCounter, now - 7 * DAY_MS)),
    scale(series(INSIGHT_INDICES.heatCounter, now - 7 * DAY_MS)),
  );
  const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 6000) / 10);
  const running = (live.compressorHz ?? 0) > 0;
  return {
    at: now,
    cycling: {
      starts24h: day.starts,
      startsLastHour: hour.starts,
      shortCycles24h: day.shortCycles,
      meanRunMinutes: minutes(day.meanRunMs),
      meanPauseMinutes: minutes(day.meanPauseMs),
      excessive: day.shortCycles > EXCESSIVE_SHORT_CYCLES_PER_DAY,
    },
    energy,
    liveCop: liveCop(live.heatKw ?? Number.NaN, live.electricKw ?? Number.NaN, running),
  };
}
