/**
 * Discovery progress on stderr: a bar redrawn in place on a terminal, a plain line every few
 * seconds otherwise (logs, pipes).
 */
import type { GatewayCore } from "../gateway/core.js";

/** Parameters of an ecoMAX360i (1,447 + 423), for an estimate when nothing better is known. */
const TYPICAL_PARAMETER_COUNT = 1870;
const BAR_WIDTH = 24;
const PLAIN_LINE_INTERVAL_MS = 3_000;

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function showDiscoveryProgress(core: GatewayCore, stream: ProgressStream): () => void {
  const tty = stream.isTTY === true;
  const expected = core.store.size > 0 ? core.store.size : TYPICAL_PARAMETER_COUNT;
  let regulatorDone = 0;
  let started: number | undefined;
  let lastPlain = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const onProgress = (p: { space: "regulator" | "panel"; discovered: number }) => {
    const now = Date.now();
    started ??= now;
    if (p.space === "regulator") regulatorDone = p.discovered;
    const done = p.space === "regulator" ? p.discovered : regulatorDone + p.discovered;
    const fraction = Math.min(1, done / expected);
    const elapsedS = (now - started) / 1000;
    const etaS = fraction > 0.1 ? Math.max(0, elapsedS / fraction - elapsedS) : undefined;
    const text = `discovering ${p.space} parameters: ${done}/~${expected}${etaS === undefined ? "" : `, ~${etaS.toFixed(0)} s left`}`;
    if (tty) {
      const filled = Math.round(fraction * BAR_WIDTH);
      stream.write(`\r[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${text}\u001b[K`);
      drawn = true;
    } else if (now - lastPlain >= PLAIN_LINE_INTERVAL_MS) {
      stream.write(`${text}\n`);
      lastPlain = now;
    }
  };
  const onStatus = () => {
    const { discovery } = core.status();
    if (discovery.state !== "complete" || started === undefined) return;
    const summary = `discovered ${discovery.regulatorCount} + ${discovery.panelCount} parameters in ${((discovery.lastDurationMs ?? 0) / 1000).toFixed(1)} s`;
    stream.write(tty ? `\r${summary}\u001b[K\n` : `${summary}\n`);
    drawn = false;
    started = undefined;
  };
  core.on("progress", onProgress);
  core.on("status", onStatus);
  return () => {
    core.off("progress", onProgress);
    core.off("status", onStatus);
    if (drawn && tty) stream.write("\n");
  };
}
