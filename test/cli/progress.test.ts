import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { showDiscoveryProgress } from "../../src/cli/progress.js";
import type { GatewayCore } from "../../src/gateway/core.js";

/** The two events and the status the progress display reads from a core. */
function fakeCore() {
  const events = new EventEmitter();
  const discovery = {
    state: "running",
    regulatorCount: 0,
    panelCount: 0,
    lastDurationMs: undefined as number | undefined,
  };
  const core = Object.assign(events, { store: { size: 0 }, status: () => ({ discovery }) });
  return { core: core as unknown as GatewayCore, events, discovery };
}

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, write: (text: string) => writes.push(text) };
}

describe("discovery progress", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("redraws a bar in place on a terminal, with counts and an estimate, then a summary line", () => {
    const { core, events, discovery } = fakeCore();
    const out = stream(true);
    const stop = showDiscoveryProgress(core, out);
    events.emit("progress", { space: "regulator", discovered: 100 });
    vi.advanceTimersByTime(1_000);
    events.emit("progress", { space: "regulator", discovered: 935 });
    vi.advanceTimersByTime(1_000);
    events.emit("progress", { space: "panel", discovered: 100 });
    expect(out.writes).toHaveLength(3);
    for (const text of out.writes)
      expect(text).toMatch(/^\r\[[#-]{24}\] discovering (regulator|panel) parameters: /);
    // 935 of ~1870 after 1 s: half the bar, about 1 s left.
    expect(out.writes[1]).toContain(`[${"#".repeat(12)}${"-".repeat(12)}]`);
    expect(out.writes[1]).toContain("935/~1870, ~1 s left");
    // The panel's count adds to the regulator's.
    expect(out.writes[2]).toContain("1035/~1870");
    discovery.state = "complete";
    discovery.regulatorCount = 1447;
    discovery.panelCount = 423;
    discovery.lastDurationMs = 5_800;
    events.emit("status");
    expect(out.writes.at(-1)).toBe("\rdiscovered 1447 + 423 parameters in 5.8 s\u001b[K\n");
    stop();
    expect(events.listenerCount("progress")).toBe(0);
    expect(events.listenerCount("status")).toBe(0);
  });

  it("writes plain lines at most every 3 s when not on a terminal, without control characters", () => {
    const { core, events } = fakeCore();
    const out = stream(false);
    const stop = showDiscoveryProgress(core, out);
    for (let i = 1; i <= 70; i++) {
      events.emit("progress", { space: "regulator", discovered: i * 20 });
      vi.advanceTimersByTime(100);
    }
    // 7 s of progress: lines at 0, 3 and 6 s.
    expect(out.writes).toHaveLength(3);
    for (const text of out.writes) {
      expect(text).toMatch(/^discovering regulator parameters: \d+\/~1870(, ~\d+ s left)?\n$/);
      expect(text.includes("\r") || text.includes("\u001b")).toBe(false);
    }
    stop();
    expect(out.writes).toHaveLength(3);
  });

  it("ends a bar left on the terminal with a newline when stopped early", () => {
    const { core, events } = fakeCore();
    const out = stream(true);
    const stop = showDiscoveryProgress(core, out);
    events.emit("progress", { space: "regulator", discovered: 10 });
    stop();
    expect(out.writes.at(-1)).toBe("\n");
  });
});
