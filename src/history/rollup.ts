/**
 * Rollups of one parameter in buckets of a fixed width (a minute, an hour). The recorded samples
 * are read as a step function: a value holds from its sample until the next one, but at most
 * `maxHoldMs` (a gap in recording is a gap, not a flat line). A bucket exists only if a sample
 * falls in it; its min and max cover every value held in it (the one carried in from before its
 * first sample included), its average is weighted by how long each value held, over the part of
 * the bucket some value covers. `count` is the number of samples in the bucket.
 */

export interface RollupRow {
  /** Start of the bucket (ms since epoch). */
  t: number;
  min: number;
  max: number;
  avg: number;
  count: number;
}

interface OpenBucket {
  start: number;
  min: number;
  max: number;
  weighted: number;
  covered: number;
  count: number;
}

export class RollupBuilder {
  private bucket: OpenBucket | undefined;
  private last: { at: number; value: number } | undefined;

  constructor(
    readonly widthMs: number,
    private readonly maxHoldMs: number,
  ) {}

  /** Adds a sample; returns the bucket it closed, if any. Samples older than the last are ignored. */
  add(at: number, value: number): RollupRow | undefined {
    if (this.last && at < this.last.at) return undefined;
    const start = Math.floor(at / this.widthMs) * this.widthMs;
    let closed: RollupRow | undefined;
    if (this.bucket && start > this.bucket.start) {
      closed = this.close();
    }
    if (!this.bucket) {
      this.bucket = { start, min: value, max: value, weighted: 0, covered: 0, count: 0 };
      // The value carried in from before the bucket, for as long as it still holds.
      if (this.last) {
        const span = this.heldUntil(at) - start;
        if (span > 0) this.hold(this.last.value, span);
      }
    } else if (this.last) {
      this.hold(this.last.value, this.heldUntil(at) - this.last.at);
    }
    const bucket = this.bucket;
    bucket.min = Math.min(bucket.min, value);
    bucket.max = Math.max(bucket.max, value);
    bucket.count += 1;
    this.last = { at, value };
    return closed;
  }

  /** The open bucket as it would close now (for queries of the current bucket), or undefined. */
  peek(): RollupRow | undefined {
    if (!this.bucket || !this.last) return undefined;
    const end = this.bucket.start + this.widthMs;
    const span = Math.max(0, this.heldUntil(end) - this.last.at);
    return this.row(this.bucket, this.last.value, span);
  }

  private heldUntil(at: number): number {
    return Math.min(at, (this.last?.at ?? at) + this.maxHoldMs);
  }

  private hold(value: number, span: number): void {
    const bucket = this.bucket!;
    if (span <= 0) return;
    bucket.min = Math.min(bucket.min, value);
    bucket.max = Math.max(bucket.max, value);
    bucket.weighted += value * span;
    bucket.covered += span;
  }

  private close(): RollupRow {
    const bucket = this.bucket!;
    const last = this.last!;
    const end = bucket.start + this.widthMs;
    const row = this.row(bucket, last.value, Math.max(0, this.heldUntil(end) - last.at));
    this.bucket = undefined;
    return row;
  }

  private row(bucket: OpenBucket, lastValue: number, lastSpan: number): RollupRow {
    const weighted = bucket.weighted + lastValue * lastSpan;
    const covered = bucket.covered + lastSpan;
    return {
      t: bucket.start,
      min: bucket.min,
      max: bucket.max,
      avg: covered > 0 ? weighted / covered : lastValue,
      count: bucket.count,
    };
  }
}
