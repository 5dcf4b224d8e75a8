/**
 * The only code that writes to the wire. One queue of requests (writes before alarm reads before
 * polls), one request outstanding at a time, the RS-485 turnaround before each transmission,
 * per-attempt timeouts with late replies dropped, replies matched by destination (us), source,
 * command and payload (first index), retries with back-off, and token passing: transmit only
 * while holding the token (when required), and always give it back.
 */
import { EventEmitter } from "node:events";
import {
  Command,
  commandName,
  type DeviceTableEntry,
  decodeDeviceTable,
  encodeFrame,
  encodeFrameOrThrow,
  encodeIdentity,
  encodeTokenReturn,
  type Frame,
  type FramedFrame,
  Framer,
  GATEWAY_IDENTITY,
  isServiceFunction,
  ServiceFunction,
} from "../protocol/index.js";
import type { LinkSupervisor } from "../transport/link-supervisor.js";
import { type Clock, type ClockTimer, delay, systemClock } from "../util/clock.js";
import type { AddressManager } from "./address.js";
import { type BusStateChange, BusStateMachine, type TokenState } from "./bus-state.js";
import { BusError, type BusFailureReason } from "./errors.js";
import type { BusRequest } from "./request.js";
import { type BusStats, createBusStats } from "./stats.js";

export interface BusOptions {
  panelAddress: number;
  /** Quiet time before each transmission (RS-485 direction change). */
  turnaroundMs: number;
  /** How long to wait for a reply to one transmission. */
  responseTimeoutMs: number;
  /** Transmissions per request (1 = no retry). Writes override this with 1. */
  retryAttempts: number;
  /** Back-off before a retry: this times the attempt number. */
  retryBackoffMs: number;
  /** Transmit only while holding the panel's token. */
  tokenRequired: boolean;
  /** Without a required token: transmit anyway after waiting this long for a grant. */
  tokenWaitTimeoutMs: number;
  /** Give the token back after this long even with work left (the rest waits for the next grant). */
  maxTokenHoldMs: number;
  /** Answer the panel's IDENTIFY probes (off for a listen-only sniffer). */
  answerProbes?: boolean;
  /** Time source of every wait and timestamp (default: the system clock). */
  clock?: Clock;
  /** Another device the gateway plays on the bus (the virtual thermostat); see {@link BusResponder}. */
  responder?: BusResponder;
}

/**
 * A device the gateway emulates at its own address (the virtual ecoSTER, src/thermostat/). It sees
 * every received frame first; a reply it returns is transmitted ahead of anything pending — at once,
 * or after `turnaroundMs` (pairing answers) — and the frame is then not handled further.
 */
export interface BusResponder {
  handle(frame: Frame): { frame: Frame; turnaroundMs: number } | undefined;
}

export interface BusEvents {
  /** Every valid frame received, in order. */
  frame: [frame: FramedFrame];
  /** Every frame we transmitted. */
  sent: [bytes: Buffer];
  token: [info: { holding: boolean }];
  /** Every change of the token or wire state (bus-state.ts), for the debug log and tests. */
  state: [change: BusStateChange];
  deviceTable: [entries: DeviceTableEntry[]];
  /** A request finally failed. */
  failure: [error: BusError];
  /** Bytes or a frame the bus could not use (discarded, corrupt reply, late reply), for debug logs. */
  protocolError: [error: ProtocolProblem];
  /**
   * An error raised while handling one received frame or sending one request (a bug): the bus
   * dropped that frame or failed that request and carries on. For the error log.
   */
  fault: [error: Error, context: string];
}

export interface ProtocolProblem {
  reason: string;
  raw: Buffer;
  frame?: Pick<FramedFrame, "source" | "destination" | "command">;
}

interface Pending {
  request: BusRequest<unknown>;
  resolve(value: unknown): void;
  /** A BusError, or the error a request's `beforeTransmit` or `withdraw` gave. */
  reject(error: Error): void;
  sequence: number;
  queuedAt: number;
  attempts: number;
  /** Bytes were discarded or a garbled reply seen during the current attempt. */
  sawGarbage: boolean;
  /** A CRC-valid reply whose payload did not parse came in any attempt (not line noise). */
  sawUndecodable?: boolean;
  lastRaw?: Buffer;
  deadlineTimer?: ClockTimer;
}

/**
 * The surface of the link supervisor the bus needs (lets tests use a fake): writing, the link's
 * events and state, and — optional, a fake may leave them out — the silence watchdog's
 * `frameReceived` and the open link (`current`, for its latency budget).
 */
export type BusLink = Pick<LinkSupervisor, "write" | "on" | "off" | "state"> &
  Partial<Pick<LinkSupervisor, "frameReceived" | "current">>;

export class Gm3Bus extends EventEmitter<BusEvents> {
  readonly stats: BusStats = createBusStats();
  readonly clock: Clock;
  private readonly framer: Framer;
  private responder: BusResponder | undefined;
  private readonly queue: Pending[] = [];
  private sequence = 0;
  private inFlight: Pending | undefined;
  private replyTimer: ClockTimer | undefined;
  /** The token's and the wire's states; every change is one move in bus-state.ts's table. */
  private readonly state = new BusStateMachine((change) => this.stateChanged(change));
  private grantedAt = 0;
  private waitingForTokenSince: number | undefined;
  private lingerTimer: ClockTimer | undefined;
  private tokenWaitTimer: ClockTimer | undefined;
  private lastProbeAnswered = false;
  private closed = false;
  /** When a byte was last received or sent (clock.monotonicNow()). */
  private lastWireActivity = 0;
  /** Bumped when the link goes down: sequences started before are void. */
  private epoch = 0;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onUp = () => this.linkUp();
  private readonly onDown = () => this.linkDown();

  constructor(
    private readonly link: BusLink,
    readonly address: AddressManager,
    private readonly options: BusOptions,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.responder = options.responder;
    this.framer = new Framer({
      onDiscard: (bytes, reason) => {
        this.stats.discardedBytes += bytes.length;
        if (reason === "crc-mismatch") this.stats.crcErrors++;
        if (this.inFlight) this.inFlight.sawGarbage = true;
        this.emit("protocolError", { reason: `discarded: ${reason}`, raw: bytes });
      },
    });
    link.on("data", this.onData);
    link.on("up", this.onUp);
    link.on("down", this.onDown);
  }

  /** Sets (or removes) the emulated device that answers frames before the gateway looks at them. */
  setResponder(responder: BusResponder | undefined): void {
    this.responder = responder;
  }

  get holdingToken(): boolean {
    return this.state.token === "held";
  }

  /** The token's state: released, waiting (work queued), held or returning. */
  get tokenState(): TokenState {
    return this.state.token;
  }

  /** No exchange (turnaround, transmission, reply wait, back-off) is running. */
  private get wireFree(): boolean {
    return this.state.wire === "free";
  }

  private stateChanged(change: BusStateChange): void {
    this.emit("state", change);
    if (!change.allowed) {
      this.emit(
        "fault",
        new Error(`bus ${change.machine} state ${change.from} → ${change.to} is not an allowed move`),
        change.why,
      );
    }
  }

  /** Requests waiting to be sent (not counting the one in flight). */
  get queueLength(): number {
    return this.queue.length;
  }

  /** Milliseconds since the current token grant, or undefined when not holding it. */
  get tokenHeldForMs(): number | undefined {
    return this.holdingToken ? this.clock.now() - this.grantedAt : undefined;
  }

  /** One whole reply wait on the current link: the response timeout plus the link's latency budget. */
  get replyWaitMs(): number {
    return this.options.responseTimeoutMs + this.latencyBudgetMs();
  }

  /** Since when requests have been waiting for a grant, if they are. */
  get waitingForTokenSinceTime(): number | undefined {
    return this.waitingForTokenSince;
  }

  /** Queues a request; resolves with the judged reply or rejects with a BusError. */
  request<T>(request: BusRequest<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        request: request as BusRequest<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
        sequence: this.sequence++,
        queuedAt: this.clock.now(),
        attempts: 0,
        sawGarbage: false,
      };
      // Checked before it is queued: a request that cannot become a frame (PROTOCOL.md §2: at most
      // 1,024 bytes) fails now with a reason, instead of throwing inside the bus when its turn comes.
      const encodable = encodeFrame({
        destination: request.destination,
        source: this.address.address ?? 0,
        command: request.command,
        payload: request.payload,
      });
      if (!encodable.ok) {
        this.fail(pending, "unsendable", `${request.label}: ${encodable.error.message}; nothing was sent`);
        return;
      }
      if (this.closed || this.link.state !== "up") {
        this.fail(
          pending,
          "link-down",
          this.closed ? "the gateway is shutting down" : "the bus link is down",
        );
        return;
      }
      if (request.deadline !== undefined) {
        pending.deadlineTimer = this.clock.setTimeout(
          () => this.expire(pending),
          Math.max(0, request.deadline - this.clock.now()),
        );
      }
      this.enqueue(pending);
      this.pump();
    });
  }

  /**
   * Takes a request that is still waiting in the queue (not yet on its way to the wire) out of it:
   * its promise rejects with `error`, nothing is sent and no bus failure is counted. False when the
   * request is no longer queued (being sent, answered or failed).
   */
  withdraw(request: BusRequest<unknown>, error: Error): boolean {
    const at = this.queue.findIndex((pending) => pending.request === request);
    if (at === -1) return false;
    const pending = this.queue.splice(at, 1)[0]!;
    if (pending.deadlineTimer) this.clock.clearTimeout(pending.deadlineTimer);
    pending.deadlineTimer = undefined;
    if (this.queue.length === 0) this.stopWaiting("the queued work was withdrawn");
    pending.reject(error);
    this.pump();
    return true;
  }

  /** Fails queued work, lets the request in flight finish, returns the token, detaches. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.queue.splice(0))
      this.fail(pending, "link-down", "the gateway is shutting down");
    const deadline = this.clock.now() + this.options.responseTimeoutMs + 1_000;
    while (!this.wireFree && this.clock.now() < deadline) await delay(this.clock, 10);
    if (this.holdingToken && this.link.state === "up") await this.returnToken();
    this.clearTimers();
    this.link.off("data", this.onData);
    this.link.off("up", this.onUp);
    this.link.off("down", this.onDown);
  }

  // --- receiving -------------------------------------------------------------------------------

  private receive(chunk: Buffer): void {
    this.lastWireActivity = this.clock.monotonicNow();
    this.stats.bytesIn += chunk.length;
    for (const frame of this.framer.push(chunk)) {
      try {
        this.handleFrame(frame);
      } catch (error) {
        // One frame that trips a bug is dropped; it must not take the link's data handler, and with
        // it the process, down. The frames after it are still handled.
        this.emit(
          "fault",
          error as Error,
          `handling a frame from ${frame.source} (${commandName(frame.command)})`,
        );
      }
    }
  }

  private handleFrame(frame: FramedFrame): void {
    const own = this.address.address;
    if (own !== undefined && frame.source === own) return; // our own echo
    // Only a valid frame from another device shows the bus is alive (noise is not enough).
    this.link.frameReceived?.();
    this.stats.framesIn++;
    this.stats.lastFrameAt = this.clock.now();
    this.emit("frame", frame);
    if (this.respond(frame)) return;
    const fromPanel = frame.source === this.options.panelAddress;
    if (fromPanel && frame.command === Command.IDENTIFY) {
      this.handleProbe(frame);
      return;
    }
    this.lastProbeAnswered = false;
    if (fromPanel && frame.command === Command.SERVICE) {
      if (isServiceFunction(frame.payload, ServiceFunction.DEVICE_TABLE)) {
        const table = decodeDeviceTable(frame.payload);
        if (table.ok) {
          this.address.onDeviceTable(table.value.map((entry) => entry.address));
          this.emit("deviceTable", table.value);
        }
      } else if (
        isServiceFunction(frame.payload, ServiceFunction.TOKEN_GRANT) &&
        own !== undefined &&
        frame.destination === own
      ) {
        this.tokenGranted();
      }
      return; // panel requests are never replies
    }
    this.matchReply(frame);
  }

  /** Lets the responder answer `frame`; true when it did (the frame is its, not ours). */
  private respond(frame: FramedFrame): boolean {
    const reply = this.responder?.handle(frame);
    if (!reply) return false;
    const bytes = encodeFrameOrThrow(reply.frame);
    const send = () => void this.transmit(bytes).catch(() => {});
    // Before anything queued: a slow thermostat reply fails the panel's poll (PROTOCOL.md §17.4).
    if (reply.turnaroundMs > 0) this.clock.setTimeout(send, reply.turnaroundMs);
    else send();
    return true;
  }

  private handleProbe(frame: FramedFrame): void {
    const repeat = this.lastProbeAnswered;
    if (this.options.answerProbes === false || !this.address.onProbe(frame.destination)) {
      this.lastProbeAnswered = false;
      return;
    }
    // The panel probes 2–3 times back to back: answer the first of a run only.
    this.lastProbeAnswered = true;
    if (repeat) return;
    const reply = encodeFrameOrThrow({
      destination: frame.source,
      source: frame.destination,
      command: Command.IDENTIFY_RESPONSE,
      payload: encodeIdentity(GATEWAY_IDENTITY),
    });
    this.stats.identifyAnswers++;
    // Answered at once, without the turnaround, as the panel expects.
    void this.transmit(reply).catch(() => {});
  }

  private matchReply(frame: FramedFrame): void {
    const pending = this.inFlight;
    const own = this.address.address;
    if (own === undefined || frame.destination !== own) return;
    if (!pending) {
      this.stats.lateReplies++; // nothing is waiting: dropped
      this.emit("protocolError", {
        reason: "reply with nothing waiting (late or unasked)",
        raw: frame.raw,
        frame,
      });
      return;
    }
    const expectedSource = pending.request.destination;
    if (frame.source !== expectedSource) return;
    const verdict = pending.request.judge(frame);
    if (!verdict) return;
    this.stopReplyTimer();
    this.inFlight = undefined;
    switch (verdict.kind) {
      case "ok":
        this.stats.responses++;
        this.state.moveWire("free", `answered: ${pending.request.label}`);
        pending.resolve(verdict.value);
        this.pump();
        return;
      case "rejected":
        this.state.moveWire("free", `rejected: ${pending.request.label}`);
        this.fail(pending, "rejected", `${pending.request.label}: ${verdict.reason}`, frame.raw);
        this.pump();
        return;
      case "garbled":
        pending.sawGarbage = true;
        pending.sawUndecodable = true;
        pending.lastRaw = frame.raw;
        this.emit("protocolError", {
          reason: `corrupt reply to ${pending.request.label}: ${verdict.reason}`,
          raw: frame.raw,
          frame,
        });
        this.attemptFailed(pending, "garbled", verdict.reason);
        return;
    }
  }

  // --- token -----------------------------------------------------------------------------------

  private tokenGranted(): void {
    // Persisting the claimed address is the owner's job, and it logs a failure (GatewayCore).
    void this.address.onTokenGrant().catch(() => {});
    this.stats.tokenGrants++;
    if (!this.holdingToken) {
      this.state.moveToken("held", "the panel granted the token");
      this.grantedAt = this.clock.now();
      if (this.waitingForTokenSince !== undefined) {
        this.stats.lastTokenWaitMs = this.grantedAt - this.waitingForTokenSince;
        this.stats.tokenWaitMsTotal += this.stats.lastTokenWaitMs;
        this.waitingForTokenSince = undefined;
      }
      this.emit("token", { holding: true });
    }
    this.pump();
  }

  private async returnToken(): Promise<void> {
    const own = this.address.address;
    if (!this.holdingToken || own === undefined) return;
    this.state.moveToken("returning", "giving the token back");
    this.stats.lastTokenHoldMs = this.clock.now() - this.grantedAt;
    this.stats.tokenHoldMsTotal += this.stats.lastTokenHoldMs;
    this.state.moveWire("turnaround", "before the token return");
    try {
      await delay(this.clock, this.turnaroundRemainingMs());
      if (this.link.state === "up") {
        this.state.moveWire("transmitting", "the token return");
        await this.transmit(
          encodeFrameOrThrow({
            destination: this.options.panelAddress,
            source: own,
            command: Command.SERVICE,
            payload: encodeTokenReturn(),
          }),
        );
        this.stats.tokenReturns++;
      }
    } catch {
      // The link failed while returning: the panel takes the bus back by its own timeout.
    } finally {
      this.state.moveWire("free", "the token return is out");
      if (this.state.token === "returning")
        this.state.moveToken("released", "the token is back with the panel");
      this.emit("token", { holding: false });
      if (this.queue.length > 0) this.markWaitingForToken();
      this.pump();
    }
  }

  // --- sending ---------------------------------------------------------------------------------

  private enqueue(pending: Pending): void {
    const { priority } = pending.request;
    let at = this.queue.length;
    while (at > 0) {
      const before = this.queue[at - 1]!;
      if (
        before.request.priority < priority ||
        (before.request.priority === priority && before.sequence < pending.sequence)
      ) {
        break;
      }
      at--;
    }
    this.queue.splice(at, 0, pending);
  }

  private markWaitingForToken(): void {
    this.waitingForTokenSince ??= this.clock.now();
    if (this.state.token === "released") this.state.moveToken("waiting", "work queued without the token");
  }

  /** No work waits for a grant any more. */
  private stopWaiting(why: string): void {
    this.waitingForTokenSince = undefined;
    if (this.state.token === "waiting") this.state.moveToken("released", why);
  }

  /** Starts the next transmission when the wire, the token and the queue allow it. */
  private pump(): void {
    if (!this.wireFree || this.closed) return;
    if (this.link.state !== "up") return;
    if (this.queue.length === 0) {
      if (this.holdingToken && !this.lingerTimer) {
        // Services queue their next request right after a reply; give them the turnaround to do so.
        this.lingerTimer = this.clock.setTimeout(() => {
          this.lingerTimer = undefined;
          if (this.queue.length === 0 && this.wireFree && this.holdingToken) void this.returnToken();
          else this.pump();
        }, this.options.turnaroundMs);
      }
      return;
    }
    this.clearLinger();
    if (!this.holdingToken) this.markWaitingForToken();
    if (this.address.address === undefined) return; // nothing may be sent without an address
    if (!this.holdingToken) {
      if (this.options.tokenRequired) return;
      const waited = this.clock.now() - (this.waitingForTokenSince ?? this.clock.now());
      if (waited < this.options.tokenWaitTimeoutMs) {
        if (!this.tokenWaitTimer) {
          this.tokenWaitTimer = this.clock.setTimeout(() => {
            this.tokenWaitTimer = undefined;
            this.pump();
          }, this.options.tokenWaitTimeoutMs - waited);
        }
        return;
      }
    } else if (this.clock.now() - this.grantedAt > this.options.maxTokenHoldMs) {
      void this.returnToken();
      return;
    }
    const pending = this.queue.shift()!;
    this.state.moveWire("turnaround", `before ${pending.request.label}`);
    this.sendGuarded(pending);
  }

  /**
   * Runs one transmission sequence. An unexpected error in it fails this request with a reason
   * and frees the wire for the next one, instead of escaping as an unhandled rejection (which ends
   * the process) and leaving the bus marked busy for ever.
   */
  private sendGuarded(pending: Pending): void {
    this.send(pending).catch((error: unknown) => {
      if (this.inFlight === pending) {
        this.inFlight = undefined;
        this.stopReplyTimer();
      }
      this.state.moveWire("free", `a fault while sending ${pending.request.label}`);
      this.emit("fault", error as Error, `sending ${pending.request.label}`);
      this.fail(pending, "unsendable", `${pending.request.label}: ${(error as Error).message}`);
      this.pump();
    });
  }

  /** One attempt of one request: the quiet time, the last checks, the transmission, the reply wait. */
  private async send(pending: Pending): Promise<void> {
    if (pending.deadlineTimer) this.clock.clearTimeout(pending.deadlineTimer);
    pending.deadlineTimer = undefined;
    if (!this.holdingToken && this.queue.length === 0)
      this.stopWaiting("sending without a token (not required)");
    const { request } = pending;
    const encoded = encodeFrame({
      destination: request.destination,
      source: this.address.address!,
      command: request.command,
      payload: request.payload,
    });
    if (!encoded.ok) {
      this.abandon(pending, "unsendable", `${request.label}: ${encoded.error.message}; nothing was sent`);
      return;
    }
    if (pending.attempts === 0) this.stats.requests++;
    const epoch = this.epoch;
    await delay(
      this.clock,
      pending.attempts === 0
        ? this.turnaroundRemainingMs()
        : Math.max(this.options.retryBackoffMs * pending.attempts, this.turnaroundRemainingMs()),
    );
    if (epoch !== this.epoch) {
      // The link dropped (and maybe came back) meanwhile: this sequence is void, the wire was freed.
      this.fail(pending, "link-down", `${request.label}: the bus link went down`);
      return;
    }
    if (this.mayNotGoOut(pending)) return;
    await this.transmitAttempt(pending, encoded.value, epoch);
  }

  /**
   * The last checks before a transmission, now that the wire is ours: shutdown, link, the
   * request's deadline, and its owner's veto. True when the request was settled instead (the wire
   * is free again and the next request may go).
   */
  private mayNotGoOut(pending: Pending): boolean {
    const { request } = pending;
    if (this.closed && pending.attempts === 0) {
      this.abandon(pending, "link-down", "the gateway is shutting down");
      return true;
    }
    if (this.link.state !== "up") {
      this.abandon(pending, "link-down", "the bus link went down");
      return true;
    }
    const now = this.clock.now();
    const tooLate =
      (pending.attempts === 0 && request.deadline !== undefined && now > request.deadline) ||
      (request.finishBy !== undefined && now >= request.finishBy);
    if (tooLate) {
      // The caller's time is up (nothing went out for this attempt).
      if (pending.attempts === 0) {
        this.abandon(
          pending,
          "no-token",
          `${request.label}: not sent, too little time left before its deadline`,
        );
      } else {
        const reason = pending.sawGarbage ? "garbled" : "timeout";
        const tries = `${pending.attempts} attempt${pending.attempts === 1 ? "" : "s"}`;
        this.abandon(
          pending,
          reason,
          `${request.label}: no reply (${tries}; no time left for another)`,
          pending.lastRaw,
        );
      }
      return true;
    }
    // The owner's last word: it may withdraw the request.
    const veto = pending.attempts === 0 ? request.beforeTransmit?.() : undefined;
    if (veto) {
      this.state.moveWire("free", `withdrawn by its owner: ${request.label}`);
      pending.reject(veto);
      this.pump();
      return true;
    }
    return false;
  }

  private async transmitAttempt(pending: Pending, bytes: Buffer, epoch: number): Promise<void> {
    const { request } = pending;
    pending.attempts++;
    pending.sawGarbage = false;
    this.inFlight = pending; // registered before writing: a fast reply cannot come too early
    this.state.moveWire("transmitting", request.label);
    try {
      await this.transmit(bytes);
    } catch (error) {
      if (epoch !== this.epoch) return; // linkDown already failed it
      if (this.inFlight === pending) this.inFlight = undefined;
      this.abandon(pending, "link-down", `${request.label}: ${(error as Error).message}`);
      return;
    }
    if (this.inFlight !== pending) return; // already answered while writing
    this.state.moveWire("awaiting-reply", request.label);
    let timeoutMs = (request.timeoutMs ?? this.options.responseTimeoutMs) + this.latencyBudgetMs();
    // A request with a deadline for its whole life never waits past it.
    if (request.finishBy !== undefined)
      timeoutMs = Math.max(0, Math.min(timeoutMs, request.finishBy - this.clock.now()));
    this.replyTimer = this.clock.setTimeout(() => {
      this.replyTimer = undefined;
      if (this.inFlight !== pending) return;
      this.inFlight = undefined;
      this.stats.timeouts++;
      this.attemptFailed(
        pending,
        pending.sawGarbage ? "garbled" : "timeout",
        `no reply within ${timeoutMs} ms`,
      );
    }, timeoutMs);
  }

  /** Settles a request whose exchange ends here: frees the wire, fails it, lets the next one go. */
  private abandon(pending: Pending, reason: BusFailureReason, message: string, raw?: Buffer): void {
    this.state.moveWire("free", message);
    this.fail(pending, reason, message, raw);
    this.pump();
  }

  private attemptFailed(pending: Pending, reason: "timeout" | "garbled", detail: string): void {
    const maxAttempts = Math.max(1, pending.request.maxAttempts ?? this.options.retryAttempts);
    const mayRetry = pending.attempts < maxAttempts && !this.closed && this.link.state === "up";
    if (mayRetry && this.retryFits(pending)) {
      this.stats.retries[reason]++;
      this.state.moveWire("backoff", `${reason}: ${pending.request.label}`);
      this.sendGuarded(pending); // a retry keeps its place on the wire
      return;
    }
    const cut = mayRetry ? "; no time left for another before the deadline" : "";
    const tries = `${pending.attempts} attempt${pending.attempts === 1 ? "" : "s"}`;
    this.abandon(pending, reason, `${pending.request.label}: ${detail} (${tries}${cut})`, pending.lastRaw);
  }

  /** Whether a retry (after its back-off) still leaves a whole reply wait before `finishBy`. */
  private retryFits(pending: Pending): boolean {
    const { finishBy } = pending.request;
    if (finishBy === undefined) return true;
    const backoff = Math.max(this.options.retryBackoffMs * pending.attempts, this.options.turnaroundMs);
    const replyWait = (pending.request.timeoutMs ?? this.options.responseTimeoutMs) + this.latencyBudgetMs();
    return finishBy - this.clock.now() - backoff >= replyWait;
  }

  private async transmit(bytes: Buffer): Promise<void> {
    await this.link.write(bytes);
    this.lastWireActivity = this.clock.monotonicNow();
    this.stats.framesOut++;
    this.stats.bytesOut += bytes.length;
    this.emit("sent", bytes);
  }

  /**
   * The turnaround is quiet time on the wire before we transmit: counted from the last byte
   * received (or sent), not from when our code got round to sending.
   */
  private turnaroundRemainingMs(): number {
    // Rounded up: timers run in whole milliseconds, and a turnaround must never be short.
    return Math.max(
      0,
      Math.ceil(this.options.turnaroundMs - (this.clock.monotonicNow() - this.lastWireActivity)),
    );
  }

  private latencyBudgetMs(): number {
    const current = this.link.current;
    return current?.latencyBudgetMs ?? 0;
  }

  // --- failures and link changes ---------------------------------------------------------------

  private fail(pending: Pending, reason: BusFailureReason, message: string, raw?: Buffer): void {
    if (pending.deadlineTimer) this.clock.clearTimeout(pending.deadlineTimer);
    pending.deadlineTimer = undefined;
    this.stats.failures[reason]++;
    const error = new BusError(
      reason,
      message,
      describeRequest(pending.request),
      pending.attempts,
      raw,
      reason === "garbled" && pending.sawUndecodable === true,
    );
    pending.reject(error);
    this.emit("failure", error);
  }

  private expire(pending: Pending): void {
    const at = this.queue.indexOf(pending);
    if (at === -1) return; // already sent
    this.queue.splice(at, 1);
    pending.deadlineTimer = undefined;
    const reason: BusFailureReason = this.link.state !== "up" ? "link-down" : "no-token";
    const why =
      this.address.address === undefined
        ? "the gateway has no bus address yet (waiting for the panel to offer one)"
        : "the panel did not grant the token in time";
    this.fail(pending, reason, `${pending.request.label}: ${why}`);
    if (this.queue.length === 0) this.stopWaiting("the queued work expired");
  }

  private linkUp(): void {
    this.framer.reset();
    this.pump();
  }

  private linkDown(): void {
    this.epoch++;
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    this.stopReplyTimer();
    this.clearLinger();
    if (this.holdingToken) {
      this.state.moveToken("released", "the bus link went down");
      this.emit("token", { holding: false });
    }
    this.stopWaiting("the bus link went down");
    if (this.state.token === "returning") this.state.moveToken("released", "the bus link went down");
    if (inFlight) this.fail(inFlight, "link-down", `${inFlight.request.label}: the bus link went down`);
    for (const pending of this.queue.splice(0))
      this.fail(pending, "link-down", `${pending.request.label}: the bus link went down`);
    this.state.moveWire("free", "the bus link went down");
    this.framer.reset();
  }

  private stopReplyTimer(): void {
    if (this.replyTimer) this.clock.clearTimeout(this.replyTimer);
    this.replyTimer = undefined;
  }

  private clearLinger(): void {
    if (this.lingerTimer) this.clock.clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }

  private clearTimers(): void {
    this.stopReplyTimer();
    this.clearLinger();
    if (this.tokenWaitTimer) this.clock.clearTimeout(this.tokenWaitTimer);
    this.tokenWaitTimer = undefined;
  }
}

function describeRequest(request: BusRequest<unknown>): string {
  return `${request.label} → ${request.destination} (${commandName(request.command)})`;
}
