/**
 * When a discovery fails, the next attempt waits: one poll interval after the first failure,
 * doubling with each further failure, never more than five minutes. A discovery keeps the bus busy
 * for seconds, so a controller that keeps failing it (or a setting that rejects its result) must not
 * have it repeated every poll interval for as long as the gateway runs.
 */

/** The longest wait between two discovery attempts. */
export const MAX_DISCOVERY_RETRY_MS = 5 * 60_000;

/** Milliseconds to wait after `failures` discoveries in a row have failed (1 for the first). */
export function discoveryRetryDelayMs(failures: number, pollIntervalMs: number): number {
  if (failures < 1) return 0;
  const doubled = pollIntervalMs * 2 ** Math.min(failures - 1, 20);
  return Math.max(pollIntervalMs, Math.min(doubled, MAX_DISCOVERY_RETRY_MS));
}
