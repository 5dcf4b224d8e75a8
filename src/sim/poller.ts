/**
 * The 0xFFFF poller (PROTOCOL.md §10.2, §10.3, §21): after each IDENTIFY from the panel to the cue
 * address (131), it sweeps the controller — GET_PARAMS of 100 values from 0, 100, … 1400 — each
 * request waiting for the controller's reply to DST 0xFFFF. Its replies are the noise a gateway must
 * not mistake for its own.
 */
import { Address, Command, encodeRangeRequest, type FramedFrame } from "../protocol/index.js";
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
}

export interface PollerStats {
  sweeps: number;
  requests: number;
  replies: number;
  timeouts: number;
}

export class SimPoller extends SimDevice {
  readonly stats: PollerStats = { sweeps: 0, requests: 0, replies: 0, timeouts: 0 };
  private sweeping = false;
  private lastSweepAt = Number.NEGATIVE_INFINITY;

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
  }

  protected onFrame(frame: FramedFrame): void {
    const cue =
      frame.command === Command.IDENTIFY &&
      frame.source === this.options.panelAddress &&
      frame.destination === this.options.cueAddress;
    if (!cue || this.sweeping) return;
    if (this.clock.now() - this.lastSweepAt < this.options.minSweepIntervalMs) return;
    this.lastSweepAt = this.clock.now();
    this.sweeping = true;
    this.stats.sweeps++;
    this.after(this.options.turnaroundMs, () => this.requestBlock(0));
  }

  private requestBlock(block: number): void {
    if (block >= this.options.blockCount) {
      this.sweeping = false;
      return;
    }
    const firstIndex = block * this.options.blockSize;
    const { controllerAddress } = this.options;
    this.stats.requests++;
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
            this.sweeping = false;
            return;
          }
          this.after(this.options.turnaroundMs, () => this.requestBlock(block + 1));
        },
      },
    );
  }
}
