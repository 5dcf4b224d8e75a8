/**
 * A minimal gateway written against src/protocol/ only, on a default simulated bus: it waits for the
 * device table, claims a free address in 105–130 when the panel's scan probes it, and on its first
 * token grant discovers both parameter spaces, reads the alarms and returns the token — the
 * start-up of PROTOCOL.md §13, §15, §16.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  Command,
  decodeDeviceTable,
  decodeStructResponse,
  decodeStructWithRangeResponse,
  END_OF_ALARMS,
  encodeAlarmRequest,
  encodeFrameOrThrow,
  encodeIdentity,
  encodeRangeRequest,
  encodeTokenReturn,
  type Frame,
  type FramedFrame,
  Framer,
  GATEWAY_ADDRESS_RANGE,
  GATEWAY_IDENTITY,
  isServiceFunction,
  ServiceFunction,
} from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import type { BusEndpoint } from "../../src/sim/endpoint.js";
import { Simulation } from "../../src/sim/simulation.js";

const TURNAROUND_MS = 20;

class MiniGateway {
  address: number | undefined;
  tableAddresses: number[] | undefined;
  grants = 0;
  descriptors = { regulator: 0, panel: 0, batches: 0 };
  alarms = 0;
  holdMs: number[] = [];
  private readonly framer = new Framer();
  private pending:
    | { match: (f: FramedFrame) => boolean; resolve: (f: FramedFrame | undefined) => void }
    | undefined;
  private busy = false;

  constructor(
    private readonly link: BusEndpoint,
    private readonly clock: VirtualClock,
  ) {
    link.on("data", (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) this.onFrame(frame);
    });
  }

  private send(frame: Omit<Frame, "source">): void {
    this.link.write(encodeFrameOrThrow({ ...frame, source: this.address! }));
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }

  private async request(frame: Omit<Frame, "source">, match: (f: FramedFrame) => boolean) {
    await this.wait(TURNAROUND_MS);
    const reply = new Promise<FramedFrame | undefined>((resolve) => {
      this.pending = { match, resolve };
      this.clock.setTimeout(() => resolve(undefined), 2_000);
    });
    this.send(frame);
    const result = await reply;
    this.pending = undefined;
    return result;
  }

  private onFrame(frame: FramedFrame): void {
    if (this.pending?.match(frame)) this.pending.resolve(frame);
    if (frame.source !== 100) return;
    if (frame.command === Command.SERVICE && isServiceFunction(frame.payload, ServiceFunction.DEVICE_TABLE)) {
      const table = decodeDeviceTable(frame.payload);
      if (table.ok) this.tableAddresses = table.value.map((d) => d.address);
    }
    const { first, last } = GATEWAY_ADDRESS_RANGE;
    if (
      frame.command === Command.IDENTIFY &&
      this.address === undefined &&
      this.tableAddresses &&
      frame.destination >= first &&
      frame.destination <= last &&
      !this.tableAddresses.includes(frame.destination)
    ) {
      this.address = frame.destination;
    }
    if (frame.command === Command.IDENTIFY && frame.destination === this.address) {
      this.send({
        destination: 100,
        command: Command.IDENTIFY_RESPONSE,
        payload: encodeIdentity(GATEWAY_IDENTITY),
      });
    }
    if (
      frame.command === Command.SERVICE &&
      frame.destination === this.address &&
      isServiceFunction(frame.payload, ServiceFunction.TOKEN_GRANT) &&
      !this.busy
    ) {
      this.grants++;
      void this.holdToken();
    }
  }

  private async discover(destination: number, command: number): Promise<number> {
    let first = 0;
    for (;;) {
      const reply = await this.request(
        { destination, command, payload: encodeRangeRequest({ count: 100, firstIndex: first }) },
        (f) => f.source === destination && f.destination === this.address,
      );
      if (!reply) throw new Error(`no answer from ${destination} at ${first}`);
      if (reply.command === Command.NO_DATA) return first;
      const batch =
        command === Command.GET_PARAMS_STRUCT_WITH_RANGE
          ? decodeStructWithRangeResponse(reply.payload)
          : decodeStructResponse(reply.payload);
      if (!batch.ok) throw batch.error;
      this.descriptors.batches++;
      first += batch.value.entries.length;
    }
  }

  private async holdToken(): Promise<void> {
    this.busy = true;
    const start = this.clock.now();
    if (this.descriptors.regulator === 0) {
      this.descriptors.regulator = await this.discover(1, Command.GET_PARAMS_STRUCT_WITH_RANGE);
      this.descriptors.panel = await this.discover(100, Command.GET_PARAMS_STRUCT);
      for (let index = 0; index < 256; index++) {
        const reply = await this.request(
          { destination: 100, command: Command.SERVICE, payload: encodeAlarmRequest(index) },
          (f) => f.source === 100 && f.command === Command.SERVICE_RESPONSE,
        );
        if (!reply || reply.payload.equals(END_OF_ALARMS)) break;
        this.alarms++;
      }
    }
    await this.wait(TURNAROUND_MS);
    this.send({ destination: 100, command: Command.SERVICE, payload: encodeTokenReturn() });
    this.holdMs.push(this.clock.now() - start);
    this.busy = false;
  }
}

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("a gateway starting up on the default simulated bus", () => {
  it("claims an address, gets the token and discovers 1,447 + 423 parameters in one hold", async () => {
    const clock = new VirtualClock();
    sim = new Simulation({ clock, seed: 21 });
    sim.start();
    const gateway = new MiniGateway(sim.attach(), clock);
    const done = await clock.runUntil(() => gateway.grants >= 2, 180_000);
    expect(done).toBe(true);
    expect(gateway.address).toBeDefined();
    expect(sim.panel.registeredGateways).toEqual([gateway.address]);
    expect(gateway.descriptors).toMatchObject({ regulator: 1447, panel: 423 });
    expect(gateway.alarms).toBe(sim.panel.alarms.length);
    // The whole start-up fits the grant: the panel never took the bus back.
    expect(sim.panel.stats.tokenTimeouts).toBe(0);
    expect(gateway.holdMs[0]).toBeGreaterThan(4_000);
    expect(gateway.holdMs[0]).toBeLessThan(sim.options.tokenReturnTimeoutMs);
    // Token discipline: nothing collided, and every frame from the gateway fell inside a hold.
    expect(sim.bus.stats.collisions).toBe(0);
    expect(sim.bus.log.entries.every((e) => e.frame !== undefined)).toBe(true);
    let holding = false;
    for (const { frame, sender } of sim.bus.log.entries) {
      if (
        frame!.command === Command.SERVICE &&
        isServiceFunction(frame!.payload, ServiceFunction.TOKEN_GRANT)
      ) {
        holding = frame!.destination === gateway.address;
      }
      if (sender !== "gateway" || frame!.command === Command.IDENTIFY_RESPONSE) continue;
      expect(holding).toBe(true);
      if (
        frame!.command === Command.SERVICE &&
        isServiceFunction(frame!.payload, ServiceFunction.TOKEN_RETURN)
      ) {
        holding = false;
      }
    }
  });
});
