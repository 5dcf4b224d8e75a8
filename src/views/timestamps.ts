/**
 * Timestamps as the reference gateway writes them (HA-COMPAT.md §3, §6): the gateway's local time,
 * ISO 8601 without a zone suffix. JavaScript clocks have millisecond resolution, so the six
 * fractional digits end in 000.
 */

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `2026-02-06T12:00:00` in local time. */
export function naiveLocalIsoSeconds(ms: number): string {
  const d = new Date(ms);
  return (
    `${String(d.getFullYear()).padStart(4, "0")}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}` +
    `T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

/** `2026-02-06T12:00:00.123000` in local time (microsecond field, as Python's isoformat()). */
export function naiveLocalIso(ms: number): string {
  const millis = ((Math.trunc(ms) % 1000) + 1000) % 1000;
  return `${naiveLocalIsoSeconds(ms)}.${String(millis).padStart(3, "0")}000`;
}

/** UTC ISO 8601 with `Z` for the gateway's own diagnostics (/api/status), or null. */
export function utcIso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** Seconds between `ms` and `now`, rounded to 0.1 s, or null. */
export function ageSeconds(ms: number | undefined, now: number): number | null {
  return ms === undefined ? null : Math.round((now - ms) / 100) / 10;
}
