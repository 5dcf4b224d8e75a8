/**
 * The link supervisor's silence watchdog on an injected clock: reopened exactly BUS_SILENCE_TIMEOUT
 * after the last valid frame, never while frames keep coming, and with one timer at a time.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/sim/index.js";
import type { Link, LinkEvents } from "../../src/transport/link.js";
import { LinkSupervisor } from "../../src/transport/link-supervisor.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

const SILENCE_MS = 30_000;

class QuietLink extends EventEmitter<LinkEvents> implements Link {
  readonly kind = "sim" as const;
  readonly target = "quiet://";
  readonly latencyBudgetMs = 0;
  isOpen = false;
  async open(): Promise<void> {
    this.isOpen = true;
  }
  async write(): Promise<void> {}
  async close(): Promise<void> {
    this.isOpen = false;
  }
}

function supervised() {
  const clock = new VirtualClock();
  const opened: number[] = [];
  const drops: { at: number; message: string }[] = [];
  const supervisor = new LinkSupervisor({
    createLink: () => {
      opened.push(clock.now());
      return new QuietLink();
    },
    reconnectDelayMinMs: 1_000,
    reconnectDelayMaxMs: 30_000,
    silenceTimeoutMs: SILENCE_MS,
    clock: gatewayClockOn(clock),
  });
  supervisor.on("down", ({ error }) => drops.push({ at: clock.now(), message: error.message }));
  return { clock, supervisor, opened, drops };
}

describe("the silence watchdog", () => {
  it("keeps the link while frames come, and reopens it one timeout after the last frame", async () => {
    const { clock, supervisor, drops } = supervised();
    supervisor.start();
    await clock.runFor(0);
    expect(supervisor.state).toBe("up");
    // A frame every 10 s for two minutes: four timeouts' worth of time, never silent for one.
    let lastFrameAt = 0;
    for (let i = 0; i < 12; i++) {
      await clock.runFor(10_000);
      supervisor.frameReceived();
      lastFrameAt = clock.now();
    }
    expect(drops).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntil(() => drops.length > 0, 2 * SILENCE_MS);
    expect(drops).toEqual([{ at: lastFrameAt + SILENCE_MS, message: "no valid frame on the bus for 30 s" }]);
    await supervisor.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it("counts the silence from the moment the link came up when no frame ever arrives", async () => {
    const { clock, supervisor, opened, drops } = supervised();
    supervisor.start();
    await clock.runUntil(() => drops.length > 0, 2 * SILENCE_MS);
    expect(drops[0]!.at).toBe(opened[0]! + SILENCE_MS);
    // Reopened after the first back-off step.
    await clock.runUntil(() => opened.length > 1, 2_000);
    expect(opened[1]).toBe(drops[0]!.at + 1_000);
    await supervisor.stop();
  });
});
