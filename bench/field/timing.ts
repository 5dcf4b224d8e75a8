/** Waiting, bounded: every wait of the field bench ends by itself. */
export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Calls `probe` every `everyMs` until it returns a value; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  everyMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const seconds = (ms: number | undefined, digits = 1) =>
  ms === undefined ? "n/a" : `${(ms / 1000).toFixed(digits)} s`;
