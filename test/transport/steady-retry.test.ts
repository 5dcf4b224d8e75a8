/**
 * Reopening a lost link on an injected clock: for the first minute of an outage every
 * RECONNECT_DELAY_MIN (so a short outage is over for the gateway within that of its end), then
 * doubling up to RECONNECT_DELAY_MAX — and, with no window, doubling from the first failure.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/sim/index.js";
import { type Link, LinkError, type LinkEvents } from "../../src/transport/link.js";
import { LinkSupervisor } from "../../src/transport/link-supervisor.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

/** A link that opens only while `plugged` says so. */
class PluggableLink extends EventEmitter<LinkEvents> implements Link {
  readonly kind = "serial" as const;
  readonly target = "/dev/ttyTEST";
  readonly latencyBudgetMs = 0;
  isOpen = false;
  constructor(private readonly plugged: () => boolean) {
    super();
  }
  async open(): Promise<void> {
    if (!this.plugged()) throw new LinkError("not-found", "/dev/ttyTEST does not exist");
    this.isOpen = true;
  }
  async write(): Promise<void> {}
  async close(): Promise<void> {
    this.isOpen = false;
  }
}

function supervised(steadyRetryWindowMs: number | undefined) {
  const clock = new VirtualClock();
  let plugged = false;
  const attempts: number[] = [];
  const supervisor = new LinkSupervisor({
    createLink: () => {
      attempts.push(clock.now());
      return new PluggableLink(() => plugged);
    },
    reconnectDelayMinMs: 500,
    reconnectDelayMaxMs: 30_000,
    silenceTimeoutMs: 0,
    steadyRetryWindowMs,
    clock: gatewayClockOn(clock),
  });
  return { clock, supervisor, attempts, plug: (on: boolean) => (plugged = on) };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe("reopen attempts", () => {
  it("stay RECONNECT_DELAY_MIN apart for the window, then double up to the maximum", async () => {
    const { clock, supervisor, attempts } = supervised(60_000);
    supervisor.start();
    await clock.runFor(3 * 60_000);
    const early = attempts.filter((t) => t < 60_000);
    expect(new Set(gaps(early))).toEqual(new Set([500]));
    const late = gaps(attempts.filter((t) => t >= 60_000));
    expect(late.slice(0, 6)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(late.at(-1)).toBe(30_000);
    await supervisor.stop();
  });

  it("notice a link back within RECONNECT_DELAY_MIN of its return, and start the window again at the next loss", async () => {
    const { clock, supervisor, attempts, plug } = supervised(60_000);
    supervisor.start();
    await clock.runFor(20_250);
    plug(true);
    const back = clock.now();
    await clock.runUntil(() => supervisor.state === "up", 5_000);
    expect(clock.now() - back).toBeLessThanOrEqual(500);
    // The bus talks: the outage is over.
    supervisor.frameReceived();
    plug(false);
    await supervisor.restart("unplugged again");
    const lostAt = clock.now();
    await clock.runFor(10_000);
    expect(new Set(gaps(attempts.filter((t) => t >= lostAt)))).toEqual(new Set([500]));
    await supervisor.stop();
  });

  it("keep backing off while the link opens but drops before carrying a frame (a converter without its port)", async () => {
    const { clock, supervisor, attempts, plug } = supervised(10_000);
    plug(true);
    // Each open succeeds, then the peer closes before any frame.
    supervisor.on("up", () => void supervisor.restart("closed by the peer"));
    supervisor.start();
    await clock.runFor(40_000);
    const late = gaps(attempts.filter((t) => t >= 10_000));
    expect(late.slice(0, 4)).toEqual([500, 1_000, 2_000, 4_000]);
    expect(supervisor.failedAttempts).toBeGreaterThan(20);
    await supervisor.stop();
  });

  it("double from the first failure without a window (the default)", async () => {
    const { clock, supervisor, attempts } = supervised(undefined);
    supervisor.start();
    await clock.runFor(60_000);
    expect(gaps(attempts).slice(0, 5)).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    await supervisor.stop();
  });
});
