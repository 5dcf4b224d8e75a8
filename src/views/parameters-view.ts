/**
 * GET /api/parameters is Home Assistant's every-10-seconds call and ~200 KB of JSON: the body is
 * built from the store and kept as bytes (plus a gzip copy, compressed off the event loop, made
 * eagerly after each change once a client has asked for gzip).
 *
 * It is rebuilt when a poll completes, when a write is confirmed (the next GET must show it), when
 * the definitions change — not for every value a poll batch brings in, so a poll costs one rebuild
 * and the body is a consistent picture of the last complete poll. Values from a poll that did not
 * complete are picked up once the body is older than `maxStaleMs` (two poll intervals).
 */
import { gzip } from "node:zlib";
import type { ParameterChange, ParameterEntry, ParameterReadModel } from "../port/index.js";
import { naiveLocalIso } from "./timestamps.js";
import { limitJson, valueJson } from "./values.js";

/** The parts of an entry's JSON that only change with the definitions. */
interface StaticParts {
  /** `"103":{"index":103,"name":"HDWTSetPoint","value":` */
  head: string;
  /** `,"type":4,"unit":0,"writable":true,"min":` */
  middle: string;
}

function staticParts(entry: ParameterEntry): StaticParts {
  const { definition } = entry;
  return {
    head: `"${definition.index}":{"index":${definition.index},"name":${JSON.stringify(definition.name)},"value":`,
    middle: `,"type":${definition.type},"unit":${definition.unit.code},"writable":${definition.writable ? "true" : "false"},"min":`,
  };
}

/** `"index":…,"name":…,…,"max":…` — the fields of one parameter (HA-COMPAT.md §3), without braces. */
export function parameterFieldsJson(store: ParameterReadModel, entry: ParameterEntry): string {
  const { definition } = entry;
  const limits = store.limitsOf(entry);
  return (
    `"index":${definition.index},"name":${JSON.stringify(definition.name)},` +
    `"value":${valueJson(definition.type, entry.value)},"type":${definition.type},` +
    `"unit":${definition.unit.code},"writable":${definition.writable ? "true" : "false"},` +
    `"min":${limitJson(limits.min)},"max":${limitJson(limits.max)}`
  );
}

export interface ParametersViewOptions {
  /** Longest a body may lag values that arrived without a completed poll. */
  maxStaleMs: number;
}

export class ParametersView {
  private body: Buffer | undefined;
  private builtAt = 0;
  private gzipped: Buffer | undefined;
  private parts: (StaticParts | undefined)[] | undefined;
  /** Values changed by polling since the body was built. */
  private pendingPollChanges = false;
  /** Bumped on every invalidation, so a compression of an outdated body is dropped. */
  private version = 0;
  private compressing = false;
  private builds = 0;
  /** A client asked for gzip: from then on the copy is made as soon as the body changes. */
  private wantsGzip = false;
  private prepareScheduled = false;
  /** Called when a compression ends (however it ended). */
  private readonly compressionWaiters: (() => void)[] = [];
  private disposed = false;

  private readonly invalidate = () => {
    this.version++;
    this.body = undefined;
    this.gzipped = undefined;
    this.pendingPollChanges = false;
    if (this.wantsGzip) this.schedulePrepare();
  };
  private readonly onDefinitions = () => {
    this.parts = undefined;
    this.invalidate();
  };
  private readonly onChange = (change: ParameterChange) => {
    if (change.origin === "write") this.invalidate();
    else this.pendingPollChanges = true;
  };

  constructor(
    private readonly store: ParameterReadModel,
    private readonly options: ParametersViewOptions,
  ) {
    store.on("change", this.onChange);
    store.on("definitions", this.onDefinitions);
    store.on("pollComplete", this.invalidate);
  }

  /** How often the body was rebuilt (for tests and the benchmark). */
  get buildCount(): number {
    return this.builds;
  }

  /** The full body as UTF-8 bytes. */
  json(now = this.store.clock.now()): Buffer {
    if (this.body && this.pendingPollChanges && now - this.builtAt >= this.options.maxStaleMs) {
      this.invalidate();
    }
    if (this.body) return this.body;
    const parts = this.staticParts();
    const chunks: string[] = [];
    let i = 0;
    for (const entry of this.store.all()) {
      const part = parts[i++];
      if (!part) continue;
      const { definition } = entry;
      const limits = this.store.limitsOf(entry);
      chunks.push(
        `${part.head}${valueJson(definition.type, entry.value)}${part.middle}${limitJson(limits.min)},"max":${limitJson(limits.max)}}`,
      );
    }
    // The time of the data: the last complete poll, else the snapshot the values were restored from.
    const timestamp = naiveLocalIso(this.store.lastPollAt ?? this.store.restoredAt ?? now);
    this.body = Buffer.from(`{"timestamp":"${timestamp}","parameters":{${chunks.join(",")}}}`, "utf8");
    this.builtAt = now;
    this.builds++;
    return this.body;
  }

  /**
   * The gzip copy if it is ready; otherwise undefined, and a compression of the current body starts
   * in the background (the caller sends the plain body meanwhile).
   */
  gzip(now = this.store.clock.now()): Buffer | undefined {
    this.wantsGzip = true;
    const body = this.json(now);
    if (this.gzipped) return this.gzipped;
    if (this.compressing) return undefined;
    const version = this.version;
    this.compressing = true;
    gzip(body, (error, compressed) => {
      this.compressing = false;
      for (const wake of this.compressionWaiters.splice(0)) wake();
      if (!error && version === this.version) this.gzipped = compressed;
      // The body changed while compressing: compress the new one now, not at the next request.
      else if (version !== this.version) this.schedulePrepare();
    });
    return undefined;
  }

  /**
   * The gzip copy, waiting up to `waitMs` for a compression under way (a few ms for ~200 KB);
   * undefined when none is ready by then (the caller sends the plain body).
   */
  async gzipSoon(waitMs: number): Promise<Buffer | undefined> {
    const ready = this.gzip();
    if (ready || !this.compressing) return ready;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.compressionWaiters.push(resolve);
      timer = setTimeout(resolve, waitMs);
    });
    clearTimeout(timer);
    return this.gzipped;
  }

  /**
   * Builds the body and its gzip copy right after a change (poll complete, confirmed write,
   * definitions), once a client has asked for gzip: Home Assistant polls every 10 s, and a copy
   * made only on request would miss nearly every one of them.
   */
  private schedulePrepare(): void {
    if (this.prepareScheduled || this.disposed) return;
    this.prepareScheduled = true;
    setImmediate(() => {
      this.prepareScheduled = false;
      if (!this.disposed) this.gzip();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.store.off("change", this.onChange);
    this.store.off("definitions", this.onDefinitions);
    this.store.off("pollComplete", this.invalidate);
  }

  /** Per entry in store order: its static JSON parts, or undefined when it is not served. */
  private staticParts(): (StaticParts | undefined)[] {
    if (!this.parts) {
      const parts: (StaticParts | undefined)[] = [];
      for (const entry of this.store.all())
        parts.push(entry.definition.exposed ? staticParts(entry) : undefined);
      this.parts = parts;
    }
    return this.parts;
  }
}
