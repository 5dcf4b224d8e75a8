import { afterEach, describe, expect, it } from "vitest";
import {
  Command,
  encodeFrameOrThrow,
  encodeModifyRequest,
  encodeValue,
  WriteAuth,
} from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { SimulationOptionsError } from "../../src/sim/options.js";
import { Simulation } from "../../src/sim/simulation.js";
import { quietSimulation, TestClient } from "./helpers.js";

let sims: Simulation[] = [];
afterEach(async () => {
  for (const sim of sims) await sim.stop();
  sims = [];
});

function track<T extends { sim: Simulation }>(created: T): T {
  sims.push(created.sim);
  return created;
}

const identify = encodeFrameOrThrow({
  destination: 1,
  source: 114,
  command: Command.IDENTIFY,
  payload: Buffer.alloc(0),
});

describe("attach(): endpoints on the wire", () => {
  it("receives what others transmit, never its own echo, and gets unique names", async () => {
    const { sim, clock } = track(quietSimulation());
    const gateway = sim.attach();
    const sniffer = sim.attach("sniffer");
    const second = sim.attach("sniffer");
    expect([gateway.name, sniffer.name, second.name]).toEqual(["gateway", "sniffer", "sniffer#2"]);
    const toGateway: Buffer[] = [];
    const toSniffer: Buffer[] = [];
    gateway.on("data", (chunk: Buffer) => toGateway.push(chunk));
    sniffer.on("data", (chunk: Buffer) => toSniffer.push(chunk));
    gateway.write(identify);
    await clock.runFor(50);
    const sniffed = Buffer.concat(toSniffer);
    expect(sniffed.subarray(0, identify.length)).toEqual(identify); // the request, as seen on the wire
    expect(sniffed.length).toBeGreaterThan(identify.length); // and the controller's answer
    expect(Buffer.concat(toGateway)).toEqual(sniffed.subarray(identify.length)); // only the answer
    expect(sim.bus.log.entries.map((e) => e.sender)).toEqual(["gateway", "controller"]);
  });

  it("detaches when ended or destroyed", async () => {
    const { sim, clock } = track(quietSimulation());
    const gateway = sim.attach();
    const other = sim.attach("other");
    let received = 0;
    gateway.on("data", () => received++);
    gateway.end();
    await clock.runFor(10);
    expect(gateway.attached).toBe(false);
    expect(sim.attachedEndpoints.map((e) => e.name)).toEqual(["other"]);
    other.write(identify);
    await clock.runFor(50);
    expect(received).toBe(0);
    other.destroy();
    await clock.runFor(10);
    expect(sim.attachedEndpoints).toEqual([]);
  });

  it("garbles a gateway's frame that it sends while a device is talking", async () => {
    const { sim, clock } = track(quietSimulation());
    const gateway = sim.attach();
    gateway.write(identify);
    await clock.runFor(1.3); // the request ends at 0.955 ms; the 84-byte answer starts at ~2.96 ms
    await clock.runFor(2);
    gateway.write(identify); // mid-answer
    await clock.runFor(50);
    const entries = sim.bus.log.entries;
    expect(entries.filter((e) => e.collided).length).toBeGreaterThanOrEqual(2);
    expect(sim.bus.stats.collisions).toBe(1);
  });

  it("reports the parameter count of each space", () => {
    const { sim } = track(quietSimulation());
    expect([sim.controller.parameterCount, sim.panel.parameterCount, sim.thermostat.parameterCount]).toEqual([
      1447, 423, 35,
    ]);
    expect(sim.getValue(10_001)).toBe(20.73);
    expect(sim.getValue(103)).toBe(46);
  });

  it("cannot attach to a stopped simulation", async () => {
    const { sim } = track(quietSimulation());
    await sim.stop();
    expect(() => sim.attach()).toThrow(/stopped/);
    expect(() => sim.start()).toThrow(/cannot be restarted/);
  });
});

describe("live values", () => {
  it("moves counters and measurements the way the capture does; flags and settings stay", async () => {
    const clock = new VirtualClock();
    const sim = new Simulation({ clock, panelCycle: false, poller: false });
    sims.push(sim);
    sim.start();
    const before = new Map(
      [4, 32, 63, 524, 924, 925, 1047, 1138].map((i) => [i, sim.controller.getValue(i)]),
    );
    const flags = Array.from({ length: 1447 }, (_, i) => sim.controller.space.getFlag(i));
    const thermostatRun = sim.thermostat.getValue(30) as number;
    clock.advance(60_000);
    expect(sim.controller.getValue(924)).toBe((before.get(924) as number) + 60);
    expect(sim.controller.getValue(925)).toBe((before.get(925) as number) + 60);
    const moved = [4, 32, 63, 524, 1047, 1138].filter((i) => sim.controller.getValue(i) !== before.get(i));
    expect(moved.length).toBeGreaterThanOrEqual(4);
    expect(
      Math.abs((sim.controller.getValue(63) as number) - (before.get(63) as number)),
    ).toBeLessThanOrEqual(2);
    expect(sim.controller.getValue(103)).toBe(46); // a setting does not drift
    expect(sim.controller.getValue(31)).toBe(999); // "no sensor" stays
    expect(Array.from({ length: 1447 }, (_, i) => sim.controller.space.getFlag(i))).toEqual(flags);
    expect(sim.thermostat.getValue(30)).toBe(thermostatRun + 60);
    expect(sim.thermostat.getValue(3)).toBe(sim.thermostat.getValue(0));
  });

  it("keeps written values for the run", async () => {
    const { sim, clock } = track(quietSimulation({ liveValues: true }));
    const client = new TestClient(sim.attach(), clock);
    const value = encodeValue(7, 23.5);
    if (!value.ok) throw value.error;
    await client.request({
      destination: 1,
      command: Command.MODIFY_PARAM,
      payload: encodeModifyRequest({ ...WriteAuth.GATEWAY, index: 288, valueBytes: value.value }),
    });
    await clock.runFor(30_000);
    expect(sim.controller.getValue(288)).toBe(23.5);
  });

  it("is reproducible from the seed", () => {
    const run = (seed: number) => {
      const clock = new VirtualClock();
      const sim = new Simulation({ clock, seed, panelCycle: false, poller: false });
      sims.push(sim);
      sim.start();
      clock.advance(20_000);
      return [4, 32, 63, 1047, 1138].map((i) => sim.controller.getValue(i));
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });
});

describe("options", () => {
  it("rejects bad options with a message naming the option", () => {
    const clock = new VirtualClock();
    expect(() => new Simulation({ clock, baudRate: 0 })).toThrow(SimulationOptionsError);
    expect(() => new Simulation({ clock, panelCycleMs: 0 })).toThrow(
      /panelCycleMs must be a duration > 0 ms/,
    );
    expect(() => new Simulation({ clock, scanAddresses: [120, 70_000] })).toThrow(/scanAddresses\[1\]/);
    expect(() => new Simulation({ clock, controllerAddress: 100 })).toThrow(/distinct/);
    expect(
      () =>
        new Simulation({
          clock,
          caps: { controllerValues: { maxCount: 300, maxPayloadBytes: 100 } } as never,
        }),
    ).toThrow(/caps.controllerValues.maxCount/);
  });

  it("runs at 38400 baud and with another controller address", async () => {
    const { sim, clock } = track(quietSimulation({ baudRate: 38_400, controllerAddress: 2 }));
    const client = new TestClient(sim.attach(), clock);
    const reply = await client.request({
      destination: 2,
      command: Command.IDENTIFY,
      payload: Buffer.alloc(0),
    });
    expect(reply?.source).toBe(2);
    const [request, answer] = sim.bus.log.entries;
    // 11 bytes at 38400 baud = 2.865 ms; the answer starts after the 2 ms latency.
    expect(answer!.timeMs - request!.timeMs).toBeCloseTo(11 * (10_000 / 38_400) + 2, 6);
  });
});
