/** Test helpers: a minimal "gateway" on a simulated bus, built only from src/protocol/. */
import { encodeFrameOrThrow, type Frame, type FramedFrame, Framer } from "../../src/protocol/index.js";
import type { VirtualClock } from "../../src/sim/clock.js";
import { VirtualClock as Clock } from "../../src/sim/clock.js";
import type { BusEndpoint } from "../../src/sim/endpoint.js";
import type { SimulationOptions } from "../../src/sim/options.js";
import { Simulation } from "../../src/sim/simulation.js";

export const GATEWAY = 114;

export function frameBytes(frame: Frame): Buffer {
  return encodeFrameOrThrow(frame);
}

/** Reads frames from an endpoint; sends requests and waits (in simulated time) for the reply. */
export class TestClient {
  readonly frames: FramedFrame[] = [];
  private readonly framer = new Framer();

  constructor(
    readonly endpoint: BusEndpoint,
    private readonly clock: VirtualClock,
    readonly address = GATEWAY,
  ) {
    endpoint.on("data", (chunk: Buffer) => this.frames.push(...this.framer.push(chunk)));
  }

  send(frame: Omit<Frame, "source"> & { source?: number }): void {
    this.endpoint.write(frameBytes({ source: this.address, ...frame }));
  }

  /** Sends and returns the first frame to us from `frame.destination` (or undefined after maxMs). */
  async request(
    frame: Omit<Frame, "source"> & { source?: number },
    maxMs = 2_000,
    match?: (reply: FramedFrame) => boolean,
  ): Promise<FramedFrame | undefined> {
    const from = this.frames.length;
    const source = frame.source ?? this.address;
    const isReply =
      match ?? ((reply: FramedFrame) => reply.destination === source && reply.source === frame.destination);
    this.send(frame);
    let found: FramedFrame | undefined;
    await this.clock.runUntil(() => {
      found = this.frames.slice(from).find(isReply);
      return found !== undefined;
    }, maxMs);
    return found;
  }

  /** Waits until a frame matching `match` arrives after the call. */
  async waitFor(match: (frame: FramedFrame) => boolean, maxMs: number): Promise<FramedFrame | undefined> {
    const from = this.frames.length;
    let found: FramedFrame | undefined;
    await this.clock.runUntil(() => {
      found = this.frames.slice(from).find(match);
      return found !== undefined;
    }, maxMs);
    return found;
  }
}

/** A started simulation on a virtual clock; no panel cycle or poller unless the options say otherwise. */
export function quietSimulation(options: Partial<SimulationOptions> = {}): {
  sim: Simulation;
  clock: VirtualClock;
} {
  const clock = options.clock instanceof Clock ? options.clock : new Clock();
  const sim = new Simulation({
    clock,
    poller: false,
    panelCycle: false,
    liveValues: false,
    ...options,
  });
  sim.start();
  return { sim, clock };
}
