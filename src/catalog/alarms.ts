/**
 * Alarm code → name and what to check, as data (src/catalog/alarms.json), from public sources named
 * there per code. A code without an entry reads "Alarm N (unknown — please report)".
 */
import data from "./alarms.json" with { type: "json" };

export interface AlarmInfo {
  code: number;
  name: string;
  /** What to check; undefined for an unknown code. */
  check?: string;
  /** Whether the table knows the code. */
  known: boolean;
}

interface AlarmsFile {
  sources: Readonly<Record<string, string>>;
  alarms: Readonly<Record<string, { name: string; check: string; source: string }>>;
}

export const ALARMS_FILE = data as unknown as AlarmsFile;

export function unknownAlarmName(code: number): string {
  return `Alarm ${code} (unknown — please report)`;
}

export function alarmInfo(code: number): AlarmInfo {
  const entry = Object.hasOwn(ALARMS_FILE.alarms, String(code))
    ? ALARMS_FILE.alarms[String(code)]
    : undefined;
  if (!entry) return { code, name: unknownAlarmName(code), known: false };
  return { code, name: entry.name, check: entry.check, known: true };
}
