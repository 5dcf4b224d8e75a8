/**
 * What the benchmarks read from a gateway they start as its own process: its JSON log events, as
 * they arrive on stdout, and its CPU time and resident memory from /proc (Linux).
 */
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";

/** A pino log line, as far as the benchmarks look at it. */
export type LogEvent = { event?: string } & Record<string, unknown>;

/** Calls `onEvent` for every JSON line on `stream`; other output is skipped. */
export function onLogEvents(stream: Readable, onEvent: (line: LogEvent) => void): void {
  let buffered = "";
  stream.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline = buffered.indexOf("\n");
    while (newline !== -1) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
      let line: LogEvent;
      try {
        line = JSON.parse(text) as LogEvent;
      } catch {
        continue; // not a log line
      }
      onEvent(line);
    }
  });
}

/** User + system CPU time of process `pid` in ms (clock ticks at 100 Hz). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Resident memory of process `pid` in MB. */
export function processRssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}
