/**
 * The last-resort handler: an error that escaped every boundary is reported, the gateway is
 * stopped (token back, snapshot saved) and the process exits 70 for the service manager to restart
 * it — also when the stop hangs, then after the deadline.
 */
import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { INTERNAL_ERROR_EXIT_CODE, installLastResort } from "../../src/app/last-resort.js";

describe("installLastResort", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(stop: () => Promise<void>) {
    const target = new EventEmitter();
    const events: string[] = [];
    const remove = installLastResort({
      target,
      report: (error, kind) => events.push(`report ${kind}: ${(error as Error).message}`),
      stop: async () => {
        events.push("stop");
        await stop();
        events.push("stopped");
      },
      stopDeadlineMs: 10_000,
      exit: (code) => events.push(`exit ${code}`),
    });
    return { target, events, remove };
  }

  it("reports an uncaught exception, stops gracefully, then exits 70", async () => {
    const { target, events } = setup(() => new Promise((resolve) => setTimeout(resolve, 500)));
    target.emit("uncaughtException", new Error("timer bug"));
    expect(events).toEqual(["report uncaughtException: timer bug", "stop"]);
    await vi.advanceTimersByTimeAsync(500);
    expect(events).toEqual([
      "report uncaughtException: timer bug",
      "stop",
      "stopped",
      `exit ${INTERNAL_ERROR_EXIT_CODE}`,
    ]);
    expect(INTERNAL_ERROR_EXIT_CODE).toBe(70);
  });

  it("exits after the deadline when the stop hangs, and only once for errors that follow", async () => {
    const { target, events } = setup(() => new Promise(() => {}));
    target.emit("unhandledRejection", new Error("lost promise"));
    target.emit("uncaughtException", new Error("second"));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(events).toEqual([
      "report unhandledRejection: lost promise",
      "stop",
      "report uncaughtException: second",
    ]);
    await vi.advanceTimersByTimeAsync(1);
    expect(events.at(-1)).toBe("exit 70");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events.filter((e) => e.startsWith("exit"))).toHaveLength(1);
  });

  it("removes its listeners when the gateway stopped normally", () => {
    const { target, remove } = setup(async () => {});
    expect(target.listenerCount("uncaughtException")).toBe(1);
    expect(target.listenerCount("unhandledRejection")).toBe(1);
    remove();
    expect(target.listenerCount("uncaughtException")).toBe(0);
    expect(target.listenerCount("unhandledRejection")).toBe(0);
  });
});
