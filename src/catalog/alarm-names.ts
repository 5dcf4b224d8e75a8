/** The fields an alarm gains in the API, WebSocket and MQTT payloads: its name and what to check. */
import { alarmInfo } from "./alarms.js";

export function alarmNames(code: number): { name: string; check: string | null } {
  const info = alarmInfo(code);
  return { name: info.name, check: info.check ?? null };
}
