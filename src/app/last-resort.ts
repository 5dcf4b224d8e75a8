/**
 * The process's last resort, for an error that escaped every handler boundary.
 *
 * Errors raised while handling one request or one frame never get here: each boundary catches its
 * own and answers for that piece of work alone — Fastify's error handler (HTTP, 500 in the error
 * shape), the bus's frame handler (the frame is dropped) and its send sequence (that request fails
 * `unsendable`), the MQTT message handler, the write path (a WriteError per request). So the
 * gateway survives any single bad request, command or frame.
 *
 * What does get here escaped all of them: a timer or a promise chain nobody awaited. Such code was
 * in the middle of changing state when it threw — a bus sequence neither answered nor failed, a
 * token held with nothing to give it back. Keeping that process alive (a bare `uncaughtException`
 * listener) would leave a gateway that looks healthy and does nothing, or worse holds the panel's
 * token. So this handler logs the error loudly with its stack, stops within a deadline (which
 * returns the token and saves the snapshot), and exits with 70 (EX_SOFTWARE): systemd
 * (`Restart=on-failure`) and Docker (`restart: unless-stopped`) start a clean process, which is
 * serving again from its snapshot within seconds.
 */
import type { EventEmitter } from "node:events";

/** EX_SOFTWARE (sysexits.h): an internal error; the service manager restarts the gateway. */
export const INTERNAL_ERROR_EXIT_CODE = 70;

export type EscapedErrorKind = "uncaughtException" | "unhandledRejection";

export interface LastResortOptions {
  /** Says what happened (a fatal log line with the stack). */
  report(error: unknown, kind: EscapedErrorKind): void;
  /** Stops the gateway gracefully (token back, snapshot saved). */
  stop(): Promise<void>;
  /** How long the stop may take before the process exits anyway. */
  stopDeadlineMs: number;
  exit(code: number): void;
  /** Where the events come from (default: process). */
  target?: EventEmitter;
}

/** Installs the handlers; returns a function that removes them (after a graceful stop). */
export function installLastResort(options: LastResortOptions): () => void {
  const target = options.target ?? process;
  let handling = false;
  const onEscaped = (kind: EscapedErrorKind) => (error: unknown) => {
    options.report(error, kind);
    // A second error while stopping is reported too, but the first one already decided the exit.
    if (handling) return;
    handling = true;
    let exited = false;
    const exit = () => {
      if (exited) return;
      exited = true;
      options.exit(INTERNAL_ERROR_EXIT_CODE);
    };
    const deadline = setTimeout(exit, options.stopDeadlineMs);
    deadline.unref?.();
    options
      .stop()
      .catch(() => {})
      .finally(() => {
        clearTimeout(deadline);
        exit();
      });
  };
  const uncaught = onEscaped("uncaughtException");
  const unhandled = onEscaped("unhandledRejection");
  target.on("uncaughtException", uncaught);
  target.on("unhandledRejection", unhandled);
  return () => {
    target.off("uncaughtException", uncaught);
    target.off("unhandledRejection", unhandled);
  };
}
