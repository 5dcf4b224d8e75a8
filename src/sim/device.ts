/**
 * Base of the simulated devices: a framer on the wire, replies after a latency and only when the
 * wire is free, request/response exchanges with timeouts, fault injection on what it transmits, and
 * timers that all die with {@link SimDevice.stop}.
 */
import { EventEmitter } from "node:events";
import {
  BROADCAST_ADDRESS,
  Command,
  commandName,
  decodeRangeRequest,
  encodeFrameOrThrow,
  type Frame,
  type FramedFrame,
  Framer,
} from "../protocol/index.js";
import type { SimClock, TimerHandle } from "./clock.js";
import type { Faults } from "./faults.js";
import type { ParameterSpace, ResponseCap } from "./parameter-space.js";
import type { Transceiver, Wire } from "./wire.js";

export interface DeviceContext {
  clock: SimClock;
  wire: Wire;
  faults: Faults;
}

interface Exchange {
  match: (frame: FramedFrame) => boolean;
  done: (reply: FramedFrame | undefined) => void;
  timer: TimerHandle | undefined;
}

export interface RequestOptions {
  timeoutMs: number;
  /** Whether a received frame is the awaited reply. */
  match: (frame: FramedFrame) => boolean;
  /** The reply, or undefined after the timeout (counted from the end of the request's transmission). */
  done: (reply: FramedFrame | undefined) => void;
}

/** `Events`: the subclass's event map (see Node's typed EventEmitter). */
export abstract class SimDevice<
  Events extends Record<keyof Events, unknown[]> = Record<string, unknown[]>,
> extends EventEmitter<Events> {
  /** Frames addressed to this device (or broadcast), by command name. */
  readonly requestCounts: Record<string, number> = {};
  /** Frames this device transmitted. */
  framesSent = 0;
  protected readonly clock: SimClock;
  protected readonly wire: Wire;
  protected readonly faults: Faults;
  private readonly framer = new Framer();
  private readonly transceiver: Transceiver;
  private readonly timers = new Set<TimerHandle>();
  private disconnect: (() => void) | undefined;
  private exchange: Exchange | undefined;

  constructor(
    readonly name: string,
    public address: number,
    context: DeviceContext,
    protected replyLatencyMs: number,
  ) {
    super();
    this.clock = context.clock;
    this.wire = context.wire;
    this.faults = context.faults;
    this.transceiver = { name, kind: "device", receive: (bytes) => this.receive(bytes) };
  }

  get running(): boolean {
    return this.disconnect !== undefined;
  }

  start(): void {
    if (this.disconnect) return;
    this.disconnect = this.wire.connect(this.transceiver);
    this.onStart();
  }

  stop(): void {
    this.disconnect?.();
    this.disconnect = undefined;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    if (this.exchange) this.clock.clearTimeout(this.exchange.timer);
    this.exchange = undefined;
    this.onStop();
  }

  protected onStart(): void {}
  protected onStop(): void {}

  /** Handles a frame from the wire (any destination; the device filters). */
  protected abstract onFrame(frame: FramedFrame): void;

  /** True when the frame is for this device (its address or broadcast). */
  protected isForMe(frame: Frame): boolean {
    return frame.destination === this.address || frame.destination === BROADCAST_ADDRESS;
  }

  protected count(frame: Frame): void {
    const name = commandName(frame.command);
    this.requestCounts[name] = (this.requestCounts[name] ?? 0) + 1;
  }

  /** A timer that {@link stop} cancels. */
  protected after(delayMs: number, callback: () => void): TimerHandle {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      callback();
    }, delayMs);
    this.timers.add(handle);
    return handle;
  }

  protected cancel(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.clock.clearTimeout(handle);
    this.timers.delete(handle);
  }

  private receive(bytes: Buffer): void {
    for (const frame of this.framer.push(bytes)) {
      const exchange = this.exchange;
      if (exchange?.match(frame)) {
        this.exchange = undefined;
        this.cancel(exchange.timer);
        exchange.done(frame);
      }
      if (this.running) this.onFrame(frame);
    }
  }

  /** Answers `request` after the reply latency, when the wire is free (faults may interfere). */
  protected reply(request: Frame, command: number, payload: Buffer = Buffer.alloc(0)): void {
    const bytes = encodeFrameOrThrow({ destination: request.source, source: this.address, command, payload });
    const plan = this.faults.planTransmission(this.address, bytes, true);
    if (!plan.bytes) return;
    const out = plan.bytes;
    this.after(this.replyLatencyMs + plan.extraDelayMs, () => this.put(out));
  }

  /**
   * Answers a GET_PARAMS or GET_PARAMS_STRUCT(_WITH_RANGE) request from `space`, capped per reply;
   * NO_DATA at or past its end. A malformed request gets ERROR, or nothing (`malformed: "ignore"`).
   */
  protected serveRange(
    frame: FramedFrame,
    space: ParameterSpace,
    options: {
      withRange: boolean;
      valueCap: ResponseCap;
      descriptorCap: ResponseCap;
      malformed: "error" | "ignore";
    },
  ): void {
    const range = decodeRangeRequest(frame.payload);
    if (!range.ok) {
      if (options.malformed === "error") this.reply(frame, Command.ERROR);
      return;
    }
    const { firstIndex, count } = range.value;
    const payload =
      frame.command === Command.GET_PARAMS
        ? space.valuesResponse(firstIndex, count, options.valueCap)
        : space.descriptorsResponse(firstIndex, count, options.withRange, options.descriptorCap);
    if (payload === undefined) this.reply(frame, Command.NO_DATA);
    else this.reply(frame, frame.command | 0x80, payload);
  }

  /** Transmits a frame of its own as soon as the wire is free. */
  protected send(frame: Omit<Frame, "source">, onSent?: () => void): void {
    const bytes = encodeFrameOrThrow({ ...frame, source: this.address });
    const plan = this.faults.planTransmission(this.address, bytes, false);
    this.put(plan.bytes ?? bytes, onSent);
  }

  private put(bytes: Buffer, onSent?: () => void): void {
    if (!this.running) return;
    this.framesSent++;
    this.wire.transmitWhenFree(this.transceiver, bytes, onSent);
  }

  /** Sends a request and waits for the matching reply (one exchange at a time per device). */
  protected request(frame: Omit<Frame, "source">, options: RequestOptions): void {
    if (this.exchange) this.cancel(this.exchange.timer);
    const exchange: Exchange = { match: options.match, done: options.done, timer: undefined };
    this.exchange = exchange;
    this.send(frame, () => {
      if (this.exchange !== exchange) return; // already answered
      exchange.timer = this.after(options.timeoutMs, () => {
        if (this.exchange !== exchange) return;
        this.exchange = undefined;
        exchange.done(undefined);
      });
    });
  }
}
