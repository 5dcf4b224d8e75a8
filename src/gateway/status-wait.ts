/** Waiting for a condition on the core's state, re-checked at every `status` event. */
import type { EventEmitter } from "node:events";
import type { Clock } from "../util/clock.js";
import type { GatewayCoreEvents } from "./core-types.js";

/**
 * Resolves once `ready()` holds, or rejects after `timeoutMs` or when `signal` aborts. Whichever
 * ends the wait removes the others: a timer left behind keeps a CLI process alive.
 */
export function waitUntil(
  core: EventEmitter<GatewayCoreEvents>,
  clock: Clock,
  ready: () => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  if (ready()) return Promise.resolve();
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      clock.clearTimeout(timer);
      core.off("status", check);
      signal?.removeEventListener("abort", aborted);
      if (error === undefined) resolve();
      else reject(error);
    };
    const timer = clock.setTimeout(
      () => finish(new Error(`no complete poll within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const check = () => {
      if (ready()) finish();
    };
    const aborted = () => finish(signal?.reason ?? new Error("aborted"));
    core.on("status", check);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
