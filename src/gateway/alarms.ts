/**
 * The panel's alarm history (PROTOCOL.md §16.4): records 0, 1, 2, … until the end marker, a
 * missing reply or index 255; served newest first, an active alarm without an end date.
 */
import type { Gm3Bus } from "../bus/bus.js";
import { readAlarmRequest } from "../bus/requests.js";
import { formatAlarmDate } from "../protocol/index.js";

export interface Alarm {
  /** Position in the panel's log (the read index). */
  index: number;
  code: number;
  /** Naive ISO 8601, the controller's local time. */
  fromDate: string;
  /** null while the alarm is active. */
  toDate: string | null;
}

/** The alarm index is one byte. */
const MAX_ALARM_INDEX = 255;

export async function readAlarmHistory(
  bus: Gm3Bus,
  options: { panelAddress: number; deadline?: number },
): Promise<Alarm[]> {
  const alarms: Alarm[] = [];
  for (let index = 0; index < MAX_ALARM_INDEX; index++) {
    const reply = await bus.request(
      readAlarmRequest({ panel: options.panelAddress, alarmIndex: index, deadline: options.deadline }),
    );
    if ("end" in reply || !reply.from) break;
    alarms.push({
      index,
      code: reply.code,
      fromDate: formatAlarmDate(reply.from),
      toDate: reply.to ? formatAlarmDate(reply.to) : null,
    });
  }
  return sortNewestFirst(alarms);
}

export function sortNewestFirst(alarms: readonly Alarm[]): Alarm[] {
  // Naive ISO strings of the same layout sort chronologically as text.
  return [...alarms].sort((a, b) =>
    a.fromDate < b.fromDate ? 1 : a.fromDate > b.fromDate ? -1 : a.index - b.index,
  );
}

export function sameAlarms(a: readonly Alarm[], b: readonly Alarm[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i]!;
      return x.index === y.index && x.code === y.code && x.fromDate === y.fromDate && x.toDate === y.toDate;
    })
  );
}
