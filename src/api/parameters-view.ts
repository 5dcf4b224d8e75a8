/**
 * GET /api/parameters is Home Assistant's every-10-seconds call and ~250 KB of JSON: the body is
 * built once from the store and kept as bytes (plus a gzip copy, compressed off the event loop)
 * until a value, the definitions or the poll time change.
 */
import { gzip } from "node:zlib";
import type { ParameterEntry, ParameterStore } from "../store/parameter-store.js";
import { naiveLocalIso } from "./timestamps.js";
import { limitJson, valueJson } from "./values.js";

/** `"index":…,"name":…,…,"max":…` — the fields of one parameter (HA-COMPAT.md §3), without braces. */
export function parameterFieldsJson(store: ParameterStore, entry: ParameterEntry): string {
  const { definition } = entry;
  const limits = store.limitsOf(entry);
  return (
    `"index":${definition.index},"name":${JSON.stringify(definition.name)},` +
    `"value":${valueJson(definition.type, entry.value)},"type":${definition.type},` +
    `"unit":${definition.unit.code},"writable":${definition.writable ? "true" : "false"},` +
    `"min":${limitJson(limits.min)},"max":${limitJson(limits.max)}`
  );
}

export class ParametersView {
  private body: Buffer | undefined;
  private gzipped: Buffer | undefined;
  /** Bumped on every invalidation, so a compression of an outdated body is dropped. */
  private version = 0;
  private compressing = false;
  private builds = 0;
  private readonly invalidate = () => {
    this.version++;
    this.body = undefined;
    this.gzipped = undefined;
  };

  constructor(private readonly store: ParameterStore) {
    store.on("change", this.invalidate);
    store.on("definitions", this.invalidate);
    store.on("pollComplete", this.invalidate);
  }

  /** How often the body was rebuilt (for tests and the benchmark). */
  get buildCount(): number {
    return this.builds;
  }

  /** Exposed parameters in index order, as served. */
  get exposedCount(): number {
    let count = 0;
    for (const entry of this.store.all()) if (entry.definition.exposed) count++;
    return count;
  }

  /** The full body as UTF-8 bytes. */
  json(now = Date.now()): Buffer {
    if (this.body) return this.body;
    const parts: string[] = [];
    for (const entry of this.store.all()) {
      if (!entry.definition.exposed) continue;
      parts.push(`"${entry.definition.index}":{${parameterFieldsJson(this.store, entry)}}`);
    }
    const timestamp = naiveLocalIso(this.store.lastPollAt ?? now);
    this.body = Buffer.from(`{"timestamp":"${timestamp}","parameters":{${parts.join(",")}}}`, "utf8");
    this.builds++;
    return this.body;
  }

  /**
   * The gzip copy if it is ready; otherwise undefined, and a compression of the current body starts
   * in the background (the caller sends the plain body meanwhile).
   */
  gzip(): Buffer | undefined {
    if (this.gzipped) return this.gzipped;
    if (this.compressing) return undefined;
    const body = this.json();
    const version = this.version;
    this.compressing = true;
    gzip(body, (error, compressed) => {
      this.compressing = false;
      if (!error && version === this.version) this.gzipped = compressed;
    });
    return undefined;
  }

  dispose(): void {
    this.store.off("change", this.invalidate);
    this.store.off("definitions", this.invalidate);
    this.store.off("pollComplete", this.invalidate);
  }
}
