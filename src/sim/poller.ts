/**
 * The 0xFFFF poller (PROTOCOL.md §10.2, §10.3, §21): after each IDENTIFY from the panel to the cue
 * address (131), it sweeps the controller — GET_PARAMS of 100 values from 0, 100, … 1400 — each
 * request waiting for the controller's reply to DST 0xFFFF. Its replies are the noise a gateway must
 * not mistake for its own.
 *
 * Like the real one it never talks while another party holds the token — unless `ignoresToken` is
 * set (a stress option): then it also sweeps while the token is away, starting right after each grant
 * and sweeping again and again until the token comes back, so its requests and the controller's
 * replies to 0xFFFF land amid the holder's own exchanges.
 */
import {
  Address,
  Command,
  decodeService,
  encodeRangeRequest,
  type FramedFrame,
  ServiceFunction,
} from "../protocol/index.js";
import { type DeviceContext, SimDevice } from "./device.js";

export interface PollerOptions {
  controllerAddress: number;
  panelAddress: number;
  /** The panel's IDENTIFY to this address starts a sweep. */
  cueAddress: number;
  /** Values per request (100 in the capture). */
  blockSize: number;
  /** Requests per sweep (15 for 1,447 parameters). */
  blockCount: number;
  /** Pause after a reply before the next request. */
  turnaroundMs: number;
  /** Wait for the controller's reply before moving on. */
  replyTimeoutMs: number;
  /** Cues sooner than this after the last sweep started are ignored. */
  minSweepIntervalMs: number;
  /** Also sweep while another party holds the token (default false, as on real buses). */
  ignoresToken?: boolean;
}

export interface PollerStats {
  sweeps: number;
  requests: number;
  replies: number;
  timeouts: number;
  /** Requests sent while another party held the token (only with `ignoresToken`). */
  requestsDuringGrants: number;
}

export class SimPoller extends SimDevice {
  readonly stats: PollerStats = { sweeps: 0, requests: 0, replies: 0, timeouts: 0, requestsDuringGrants: 0 };
  private sweeping = false;
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  /** Who holds the token as seen on the wire (a grant from the panel), or undefined. */
  private tokenHolder: number | undefined;

  constructor(
    context: DeviceContext,
    private readonly options: PollerOptions,
  ) {
    super("poller", Address.POLLER, context, options.turnaroundMs);
  }

  get busy(): boolean {
    return this.sweeping;
  }

  protected override onStop(): void {
    this.sweeping = false;
    this.tokenHolder = undefined;
  }

  /** True while another party holds the token, as the poller saw it on the wire. */
  get tokenAway(): boolean {
    return this.tokenHolder !== undefined;
  }

  protected onFrame(frame: FramedFrame): void {
    this.trackToken(frame);
    if (this.options.ignoresToken && this.tokenHolder !== undefined && !this.sweeping) {
      this.startSweep();
      return;
    }
    const cue =
      frame.command === Command.IDENTIFY &&
      frame.source === this.options.panelAddress &&
      frame.destination === this.options.cueAddress;
    if (!cue || this.sweeping) return;
    if (this.clock.now() - this.lastSweepAt < this.options.minSweepIntervalMs) return;
    this.startSweep();
  }

  /** A grant from the panel gives the token away; the holder's return or any panel frame ends it. */
  private trackToken(frame: FramedFrame): void {
    const { panelAddress } = this.options;
    if (frame.command !== Command.SERVICE) {
      if (frame.source === panelAddress) this.tokenHolder = undefined;
      return;
    }
    const service = decodeService(frame.payload);
    const fn = service.ok ? service.value.function : undefined;
    if (frame.source === panelAddress) {
      this.tokenHolder = fn === ServiceFunction.TOKEN_GRANT ? frame.destination : undefined;
    } else if (
      fn === ServiceFunction.TOKEN_RETURN &&
      frame.source === this.tokenHolder &&
      frame.destination === panelAddress
    ) {
      this.tokenHolder = undefined;
    }
  }

  private startSweep(): void {
    this.lastSweepAt = this.clock.now();
    this.sweeping = true;
    this.stats.sweeps++;
    this.after(this.options.turnaroundMs, () => this.requestBlock(0));
  }

  private sweepDone(): void {
    this.sweeping = false;
    // While the token is away, an overlapping poller starts over at once.
    if (this.options.ignoresToken && this.tokenHolder !== undefined) this.startSweep();
  }

  private requestBlock(block: number): void {
    if (block >= this.options.blockCount) {
      this.sweepDone();
      return;
    }
    const firstIndex = block * this.options.blockSize;
    const { controllerAddress } = this.options;
    this.stats.requests++;
    if (this.tokenHolder !== undefined) this.stats.requestsDuringGrants++;
    this.request(
      {
        destination: controllerAddress,
        command: Command.GET_PARAMS,
        payload: encodeRangeRequest({ count: this.options.blockSize, firstIndex }),
      },
      {
        timeoutMs: this.options.replyTimeoutMs,
        match: (reply) =>
          reply.source === controllerAddress &&
          reply.destination === Address.POLLER &&
          (reply.command === Command.NO_DATA ||
            (reply.command === Command.GET_PARAMS_RESPONSE &&
              reply.payload.length >= 3 &&
              reply.payload.readUInt16LE(1) === firstIndex)),
        done: (reply) => {
          if (reply) this.stats.replies++;
          else this.stats.timeouts++;
          if (reply?.command === Command.NO_DATA) {
            this.sweepDone();
            return;
          }
          this.after(this.options.turnaroundMs, () => this.requestBlock(block + 1));
        },
      },
    );
  }
}
