/**
 * Alarm events from successive alarm logs: an alarm seen active for the first time is `raised`, an
 * alarm seen active before and now with an end date is `cleared`. The first log seen is the
 * baseline (no events: a restart does not announce old alarms again). Alarms are told apart by
 * code and start date (the log's index shifts as new records arrive).
 */
import { alarmNames } from "../../catalog/alarm-names.js";
import type { Alarm } from "../../port/index.js";

export interface AlarmEvent {
  event_type: "raised" | "cleared";
  code: number;
  name: string;
  check: string | null;
  from_date: string;
  to_date: string | null;
}

const keyOf = (alarm: Alarm) => `${alarm.code}@${alarm.fromDate}`;

export class AlarmEventTracker {
  /** Key → whether the alarm was active when last seen; undefined before the first log. */
  private seen: Map<string, boolean> | undefined;

  /** The events the new log brings (none for the first one). */
  next(alarms: readonly Alarm[]): AlarmEvent[] {
    const previous = this.seen;
    const seen = new Map<string, boolean>();
    const events: AlarmEvent[] = [];
    // Oldest first, so that events come in the order things happened.
    for (const alarm of [...alarms].reverse()) {
      const key = keyOf(alarm);
      const active = alarm.toDate === null;
      seen.set(key, active);
      if (!previous) continue;
      const before = previous.get(key);
      const event = (event_type: AlarmEvent["event_type"]): AlarmEvent => ({
        event_type,
        code: alarm.code,
        ...alarmNames(alarm.code),
        from_date: alarm.fromDate,
        to_date: alarm.toDate,
      });
      if (active && before === undefined) events.push(event("raised"));
      else if (!active && before === true) events.push(event("cleared"));
    }
    this.seen = seen;
    return events;
  }
}
