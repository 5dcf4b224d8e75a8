/**
 * How the core's parts are connected: the link's ups and downs start and stop the session loop
 * and are logged (without flooding the log when an adapter is unplugged), the bus's token grants
 * feed the grant-interval figures, its faults, state moves and protocol errors are logged, and
 * every change of status lets the write gate (and with it a queued job) go.
 */
import { logEvent, rawHex } from "../log/index.js";
import { commandName } from "../protocol/index.js";
import type { CoreParts } from "./core-types.js";
import type { LinkWaiters } from "./link-waiters.js";
import type { SessionLoop } from "./session-loop.js";
import type { LinkStatus } from "./status.js";
import type { WriteQueue } from "./write-queue.js";

export interface CoreLinks {
  loop: SessionLoop;
  linkWaiters: LinkWaiters;
  writes: WriteQueue;
  /** Listens to the core's `status` event. */
  onStatus(listener: () => void): void;
}

export function setLinkState(p: CoreParts, state: LinkStatus["state"]): void {
  p.state.linkStatus.state = state;
  p.state.linkStatus.since = p.clock.now();
  p.emit("status");
}

export function wireCoreEvents(p: CoreParts, links: CoreLinks): void {
  /** A link.up not logged when the link opened (a run of attempts), logged with its first frame. */
  let linkUpUnlogged: string | undefined;
  p.supervisor.on("up", (link) => {
    if (p.state.linkStatus.state === "waiting") {
      p.state.linkStatus.reconnects++;
      p.state.checkCause = "reconnect";
    }
    p.state.polledSinceConnect = false;
    p.state.linkUpAt = p.clock.now();
    links.linkWaiters.up();
    // Whatever was verified before, the controller behind a reopened link is checked again.
    p.state.verification = "pending";
    setLinkState(p, "up");
    p.state.linkStatus.lastError = undefined;
    // A converter that accepts and drops the connection again and again (ser2net without its
    // serial port) is one line per ten attempts, not two lines a second.
    // The line that is not logged at the open is logged with the first frame: the link is back.
    const attempts = p.supervisor.failedAttempts;
    if (attempts <= 1 || attempts % 10 === 0) logEvent(p.log, "link.up", { endpoint: link.target });
    else linkUpUnlogged = link.target;
    links.loop.start();
  });
  p.supervisor.on("down", ({ error, retryInMs, attempt }) => {
    links.loop.abort();
    linkUpUnlogged = undefined;
    p.state.verification = "pending";
    if (p.state.check.state === "running") p.state.check = { ...p.state.check, state: "pending" };
    p.grants.interrupted();
    p.state.linkStatus.lastError = { code: error.code, message: error.message, hint: error.hint };
    setLinkState(p, "waiting");
    // A loss after frames came, then one line per ten retries (whether the attempt failed to open
    // or the link dropped before carrying a frame): an unplugged adapter must not flood the log.
    if (attempt <= 1 || attempt % 10 === 0) {
      logEvent(p.log, "link.down", {
        endpoint: p.options.link.target,
        reason: `${error.message}${error.hint ? ` — ${error.hint}` : ""}`,
        reconnectInMs: retryInMs,
      });
    }
  });
  p.address.on("change", ({ address, state, previous }) => {
    if (address === undefined && previous !== undefined) {
      logEvent(p.log, "address.released", {
        address: previous,
        reason: "the panel did not confirm the claim",
      });
    } else if (state === "tentative") {
      p.log.debug({ address }, `answering the panel's probe of the free address ${address}`);
    }
    p.emit("status");
  });
  p.bus.on("frame", () => {
    if (linkUpUnlogged === undefined) return;
    logEvent(p.log, "link.up", { endpoint: linkUpUnlogged });
    linkUpUnlogged = undefined;
  });
  p.bus.on("token", (token) => {
    if (token.holding) {
      p.state.lastTokenGrantAt = p.clock.now();
      p.grants.grant(p.state.lastTokenGrantAt);
    }
    p.emit("token", token);
  });
  // A job may go once the link is up and a poll has refreshed the values since.
  links.onStatus(() => links.writes.poke());
  p.bus.on("fault", (error, context) => {
    // A bug the bus survived (it dropped the frame or failed the request): said loudly.
    p.log.error({ err: error }, `internal error ${context}, survived: ${error.message}`);
  });
  p.bus.on("state", ({ machine, from, to, why }) => {
    if (p.log.isLevelEnabled(machine === "token" ? "debug" : "trace"))
      logEvent(p.log, "bus.state", { machine, from, to, why });
  });
  p.bus.on("protocolError", ({ reason, raw, frame }) => {
    if (!p.log.isLevelEnabled("debug")) return; // the hex is only worth building when shown
    logEvent(p.log, "protocol.error", {
      reason,
      rawHex: rawHex(raw),
      source: frame?.source,
      destination: frame?.destination,
      command: frame ? commandName(frame.command) : undefined,
    });
  });
  // Every change of state may open the write gate, and with it let a queued job go.
  links.onStatus(() => p.writeGate.changed());
}
