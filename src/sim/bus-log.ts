/**
 * What a sniffer on the simulated wire would record: every frame (or run of undecodable bytes) in
 * wire order, with its sender. Bounded: the oldest entries go first.
 */
import type { Frame } from "../protocol/index.js";

export interface BusLogEntry {
  /** Simulated time (ms) at which the entry's first byte went on the wire. */
  timeMs: number;
  /** Device (`controller`, `panel`, `thermostat`, `poller`, `noise`) or endpoint name. */
  sender: string;
  /** The bytes as they were on the wire (after any garbling). */
  bytes: Buffer;
  /** The decoded frame; undefined when the bytes are not a CRC-valid frame (garbled, truncated, noise). */
  frame?: Frame;
  /** True when the transmission carrying these bytes overlapped another one. */
  collided: boolean;
}

export class BusLog implements Iterable<BusLogEntry> {
  private items: BusLogEntry[] = [];
  private start = 0;
  /** Entries dropped because the log was full. */
  droppedEntries = 0;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxLogEntries must be a positive integer, got ${maxEntries}`);
    }
  }

  /** Entries in wire order (a copy). */
  get entries(): BusLogEntry[] {
    return this.items.slice(this.start);
  }

  get length(): number {
    return this.items.length - this.start;
  }

  [Symbol.iterator](): Iterator<BusLogEntry> {
    return this.entries[Symbol.iterator]();
  }

  /** Entries whose frame matches (undecodable entries are skipped). */
  frames(filter: (frame: Frame, entry: BusLogEntry) => boolean = () => true): BusLogEntry[] {
    return this.entries.filter((entry) => entry.frame !== undefined && filter(entry.frame, entry));
  }

  clear(): void {
    this.items = [];
    this.start = 0;
  }

  /** @internal */
  add(entry: BusLogEntry): void {
    this.items.push(entry);
    if (this.length > this.maxEntries) {
      this.start++;
      this.droppedEntries++;
      // Compact now and then so dropping stays O(1) amortised.
      if (this.start >= this.maxEntries) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    }
  }
}

/** One entry as a JSON-friendly record (`gm3 sim --bus-log`, one per line). */
export interface BusLogRecord {
  /** When the first byte went on the wire, ms since the simulation's clock started. */
  time_ms: number;
  /** `time_ms` + its length at the baud rate: when the last byte left (for a frame sent in one piece). */
  end_ms: number;
  sender: string;
  length: number;
  collided: boolean;
  /** False for bytes that are not a CRC-valid frame (garbled, truncated, noise). */
  valid: boolean;
  destination?: number;
  source?: number;
  command?: number;
  hex: string;
}

export function busLogRecord(entry: BusLogEntry, byteTimeMs: number): BusLogRecord {
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  const record: BusLogRecord = {
    time_ms: round(entry.timeMs),
    end_ms: round(entry.timeMs + entry.bytes.length * byteTimeMs),
    sender: entry.sender,
    length: entry.bytes.length,
    collided: entry.collided,
    valid: entry.frame !== undefined,
    hex: entry.bytes.toString("hex"),
  };
  if (entry.frame) {
    record.destination = entry.frame.destination;
    record.source = entry.frame.source;
    record.command = entry.frame.command;
  }
  return record;
}
