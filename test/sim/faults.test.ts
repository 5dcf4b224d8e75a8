/**
 * Fault injection: each fault happens at its configured rate (seeded, so reproducible; checked
 * against binomial bounds) and never by default.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Command, isServiceFunction, ServiceFunction } from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { LinkUnpluggedError } from "../../src/sim/endpoint.js";
import { FaultSpecError, parseFaultSpec } from "../../src/sim/fault-spec.js";
import type { FaultOptions } from "../../src/sim/faults.js";
import { Simulation } from "../../src/sim/simulation.js";

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function run(faults: Partial<FaultOptions>, seconds = 30, seed = 11) {
  const clock = new VirtualClock();
  sim = new Simulation({ clock, seed, faults });
  sim.start();
  clock.advance(seconds * 1000);
  return { sim, clock };
}

/** Observed count of `p`-events among `n` trials lies within 4 standard deviations. */
function expectBinomial(observed: number, n: number, p: number): void {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(n).toBeGreaterThan(100);
  expect(Math.abs(observed - n * p)).toBeLessThanOrEqual(4 * sigma + 1);
}

describe("faults are off by default", () => {
  it("a default run has no corrupted, dropped, truncated, delayed or noise frame", () => {
    const { sim: s } = run({});
    expect(Object.values(s.faults.counts).every((count) => count === 0)).toBe(true);
    const entries = s.bus.log.entries;
    expect(entries.every((e) => e.frame !== undefined && !e.collided)).toBe(true);
    expect(entries.some((e) => e.sender === "noise")).toBe(false);
    expect(s.poller!.stats.timeouts).toBe(0);
    expect(s.faults.config).toMatchObject({
      crcErrorRate: 0,
      dropResponseRate: 0,
      truncateRate: 0,
      noiseRate: 0,
      extraLatencyRate: 0,
      tokenGrants: true,
      controllerSilence: undefined,
      linkUnplug: undefined,
      tokenStall: undefined,
    });
    expect(s.faults.controllerSilent).toBe(false);
    expect(s.faults.unplugged).toBe(false);
  });

  it("rejects a rate outside 0..1", () => {
    expect(() => new Simulation({ clock: new VirtualClock(), faults: { crcErrorRate: 1.5 } })).toThrow(
      /crcErrorRate must be a probability/,
    );
  });
});

describe("rate faults", () => {
  it("corrupts the CRC of the configured share of the controller's frames", () => {
    const { sim: s } = run({ crcErrorRate: 0.2, appliesTo: [1] });
    const controller = s.bus.log.entries.filter((e) => e.sender === "controller");
    const corrupted = controller.filter((e) => e.frame === undefined);
    expect(corrupted.length).toBe(s.faults.counts.crcErrors);
    expectBinomial(corrupted.length, controller.length, 0.2);
    // Whole frames with only the CRC wrong: same length as a frame, END marker intact.
    for (const entry of corrupted) {
      expect(entry.bytes.length).toBe(entry.bytes.readUInt16LE(1) + 6);
      expect(entry.bytes.at(-1)).toBe(0x16);
    }
    expect(s.bus.log.entries.filter((e) => e.sender !== "controller").every((e) => e.frame)).toBe(true);
  });

  it("drops the configured share of replies", () => {
    const { sim: s } = run({ dropResponseRate: 0.25, appliesTo: [1] });
    const requests = s.controller.requestCounts.GET_PARAMS ?? 0;
    expectBinomial(
      s.faults.counts.droppedResponses,
      requests + (s.controller.requestCounts.MODIFY_PARAM ?? 0),
      0.25,
    );
    const poller = s.poller!.stats;
    expect(poller.timeouts + poller.replies).toBe(poller.requests - (s.poller!.busy ? 1 : 0));
    expect(poller.timeouts).toBeGreaterThan(0);
  });

  it("truncates the configured share of frames", () => {
    const { sim: s } = run({ truncateRate: 0.15, appliesTo: [1] });
    const controller = s.bus.log.entries.filter((e) => e.sender === "controller");
    const truncated = controller.filter((e) => e.frame === undefined);
    expect(truncated.length).toBe(s.faults.counts.truncatedFrames);
    expectBinomial(truncated.length, controller.length, 0.15);
    for (const entry of truncated) expect(entry.bytes.length).toBeLessThan(entry.bytes.readUInt16LE(1) + 6);
  });

  it("puts noise bytes between the configured share of frames, and the devices resynchronise", () => {
    const { sim: s } = run({ noiseRate: 0.1, noiseMaxBytes: 8 });
    const entries = s.bus.log.entries;
    const noise = entries.filter((e) => e.sender === "noise");
    const frames = entries.filter((e) => e.sender !== "noise");
    expect(noise.length).toBe(s.faults.counts.noiseBursts);
    expectBinomial(noise.length, frames.length, 0.1);
    for (const entry of noise) {
      expect(entry.frame).toBeUndefined();
      expect(entry.bytes.length).toBeGreaterThanOrEqual(1);
      expect(entry.bytes.length).toBeLessThanOrEqual(8);
    }
    expect(noise.some((e) => e.bytes[0] === 0x68 && e.bytes.length >= 3)).toBe(true); // false frame starts
    // Every poller request was still understood and answered.
    expect(s.poller!.stats.timeouts).toBe(0);
  });

  it("delays the configured share of replies by extraLatencyMs", () => {
    const { sim: s } = run({ extraLatencyRate: 0.3, extraLatencyMs: 50, appliesTo: [1] });
    const entries = s.bus.log.entries;
    const byteMs = s.bus.byteTimeMs;
    const delays: number[] = [];
    entries.forEach((entry, i) => {
      if (entry.sender !== "poller") return;
      const reply = entries
        .slice(i + 1)
        .find((e) => e.sender === "controller" && e.frame?.destination === 0xffff);
      if (reply) delays.push(reply.timeMs - (entry.timeMs + entry.bytes.length * byteMs));
    });
    const delayed = delays.filter((d) => d >= 50);
    expect(delays.filter((d) => d < 50).every((d) => d < 5)).toBe(true);
    expectBinomial(delayed.length, delays.length, 0.3);
    expect(s.faults.counts.delayedResponses).toBeGreaterThanOrEqual(delayed.length);
  });

  it("applies rates only to the listed device addresses", () => {
    const { sim: s } = run({ crcErrorRate: 1, appliesTo: [165] });
    const bad = s.bus.log.entries.filter((e) => e.frame === undefined);
    expect(bad.length).toBeGreaterThan(0);
    expect(new Set(bad.map((e) => e.sender))).toEqual(new Set(["thermostat"]));
  });
});

describe("timed faults", () => {
  it("silences the controller for N ms", () => {
    const clock = new VirtualClock();
    sim = new Simulation({ clock });
    sim.start();
    clock.advance(5_000);
    sim.faults.silenceController(4_000);
    expect(sim.faults.controllerSilent).toBe(true);
    clock.advance(10_000);
    const controller = sim.bus.log.entries.filter((e) => e.sender === "controller").map((e) => e.timeMs);
    expect(controller.filter((t) => t >= 5_000 && t < 9_000)).toEqual([]);
    expect(controller.filter((t) => t >= 9_000).length).toBeGreaterThan(10);
    expect(sim.faults.counts.silencedRequests).toBeGreaterThan(0);
    // The poller's requests in the window went unanswered (the panel's writes were silenced too).
    expect(sim.poller!.stats.timeouts).toBeGreaterThan(0);
    expect(sim.poller!.stats.timeouts).toBeLessThanOrEqual(sim.faults.counts.silencedRequests);
  });

  it("unplugs the link: endpoints are dropped, attach fails until it is plugged back", async () => {
    const clock = new VirtualClock();
    sim = new Simulation({ clock, panelCycle: false, poller: false });
    sim.start();
    const endpoint = sim.attach();
    const failed = new Promise<Error>((resolve) => endpoint.once("error", resolve));
    sim.faults.unplug(1_000);
    expect(await failed).toBeInstanceOf(LinkUnpluggedError);
    expect(endpoint.destroyed).toBe(true);
    expect(() => sim!.attach()).toThrow(LinkUnpluggedError);
    clock.advance(999);
    expect(() => sim!.attach()).toThrow(/unplugged/);
    clock.advance(1);
    const again = sim.attach();
    expect(again.attached).toBe(true);
    expect(sim.faults.counts.unplugs).toBe(1);
  });
});

describe("scheduled silence and unplug (the faults option and --faults)", () => {
  it("parses silence= and unplug= as AFTER_MS:DURATION_MS[:EVERY_MS]", () => {
    expect(parseFaultSpec("silence=5000:2000:20000, unplug=60000:3000")).toEqual({
      controllerSilence: { afterMs: 5000, durationMs: 2000, everyMs: 20000 },
      linkUnplug: { afterMs: 60000, durationMs: 3000 },
    });
    expect(parseFaultSpec("crc=0.1,silence=0:1")).toEqual({
      crcErrorRate: 0.1,
      controllerSilence: { afterMs: 0, durationMs: 1 },
    });
  });

  it("parses stall= (the panel grants no token for a while) as AFTER_MS:DURATION_MS[:EVERY_MS]", () => {
    expect(parseFaultSpec("stall=30000:25000:60000,crc=0.05")).toEqual({
      tokenStall: { afterMs: 30000, durationMs: 25000, everyMs: 60000 },
      crcErrorRate: 0.05,
    });
    expect(() => parseFaultSpec("stall=1000:0")).toThrow(/stall DURATION_MS must be > 0, got 0/);
    expect(() => parseFaultSpec("stall=0:5000:5000")).toThrow(
      /stall EVERY_MS \(5000\) must be longer than DURATION_MS \(5000\)/,
    );
  });

  it("rejects bad silence and unplug specs with a clear error", () => {
    const cases: [string, RegExp][] = [
      ["silence=5000", /silence: "5000" must be AFTER_MS:DURATION_MS or AFTER_MS:DURATION_MS:EVERY_MS/],
      ["unplug=1:2:3:4", /unplug: "1:2:3:4" must be AFTER_MS:DURATION_MS/],
      ["silence=soon:2000", /silence AFTER_MS: "soon" is not a number/],
      ["unplug=1000:", /unplug DURATION_MS: "" is not a number/],
      ["silence=-1:2000", /silence AFTER_MS must be ≥ 0, got -1/],
      ["unplug=1000:0", /unplug DURATION_MS must be > 0, got 0/],
      ["silence=0:2000:2000", /silence EVERY_MS \(2000\) must be longer than DURATION_MS \(2000\)/],
      ["unplug", /fault "unplug" needs a value/],
      ["toString=1", /unknown fault "toString"/],
    ];
    for (const [spec, message] of cases) {
      expect(() => parseFaultSpec(spec), spec).toThrow(FaultSpecError);
      expect(() => parseFaultSpec(spec), spec).toThrow(message);
    }
  });

  it("rejects bad schedules in the faults option, naming the field", () => {
    const make = (faults: Partial<FaultOptions>) => () =>
      new Simulation({ clock: new VirtualClock(), faults });
    expect(make({ controllerSilence: { afterMs: -5, durationMs: 10 } })).toThrow(
      /controllerSilence\.afterMs must be a duration ≥ 0 ms, got -5/,
    );
    expect(make({ linkUnplug: { afterMs: 0, durationMs: Number.NaN } })).toThrow(
      /linkUnplug\.durationMs must be a duration > 0 ms/,
    );
    expect(make({ linkUnplug: { afterMs: 0, durationMs: 100, everyMs: 50 } })).toThrow(
      /linkUnplug\.everyMs must be longer than durationMs \(100 ms\), got 50/,
    );
  });

  it("silences the controller at the configured times on the virtual clock, repeatedly", () => {
    const clock = new VirtualClock();
    sim = new Simulation({
      clock,
      faults: parseFaultSpec("silence=5000:2000:10000"),
    });
    sim.start();
    const silentAt = (ms: number) => {
      clock.advance(ms - clock.now());
      return sim!.faults.controllerSilent;
    };
    expect(silentAt(4_999)).toBe(false);
    expect(silentAt(5_000)).toBe(true);
    expect(silentAt(6_999)).toBe(true);
    expect(silentAt(7_000)).toBe(false);
    expect(silentAt(14_999)).toBe(false);
    expect(silentAt(15_000)).toBe(true);
    expect(silentAt(17_000)).toBe(false);
    expect(silentAt(25_500)).toBe(true);
    clock.advance(30_000 - clock.now());
    // Nothing from the controller inside the windows (a reply already due at the start aside).
    const controller = sim.bus.log.entries.filter((e) => e.sender === "controller").map((e) => e.timeMs);
    for (const start of [5_000, 15_000, 25_000]) {
      expect(controller.filter((t) => t >= start + 10 && t < start + 2_000)).toEqual([]);
      expect(controller.filter((t) => t >= start + 2_000 && t < start + 10_000).length).toBeGreaterThan(10);
    }
    expect(sim.faults.counts.silencedRequests).toBeGreaterThan(0);
    expect(sim.poller!.stats.timeouts).toBeGreaterThan(0);
  });

  it("stalls the panel's token grants at the configured times, then grants resume by themselves", () => {
    const clock = new VirtualClock();
    sim = new Simulation({
      clock,
      poller: false,
      liveValues: false,
      registeredGateways: [114],
      faults: parseFaultSpec("stall=30000:25000:60000"),
    });
    sim.start();
    const stalledAt = (ms: number) => {
      clock.advance(ms - clock.now());
      return sim!.faults.tokenGrantsStopped;
    };
    expect(stalledAt(29_999)).toBe(false);
    expect(stalledAt(30_000)).toBe(true);
    expect(stalledAt(54_999)).toBe(true);
    expect(stalledAt(55_000)).toBe(false);
    expect(stalledAt(90_000)).toBe(true);
    clock.advance(150_000 - clock.now());
    // The field cadence grants about every 10.4 s; inside a stall not one grant goes out.
    const grants = sim.bus.log
      .frames(
        (f) =>
          f.command === Command.SERVICE &&
          f.destination === 114 &&
          isServiceFunction(f.payload, ServiceFunction.TOKEN_GRANT),
      )
      .map((e) => e.timeMs);
    for (const start of [30_000, 90_000]) {
      expect(grants.filter((t) => t >= start + 100 && t < start + 25_000)).toEqual([]);
    }
    expect(grants.filter((t) => t < 30_000).length).toBeGreaterThanOrEqual(2);
    expect(grants.filter((t) => t >= 55_000 && t < 90_000).length).toBeGreaterThanOrEqual(2);
    expect(grants.filter((t) => t >= 115_000).length).toBeGreaterThanOrEqual(2);
    expect(sim.faults.counts.skippedTokenGrants).toBeGreaterThanOrEqual(4);
    expect(sim.faults.config.tokenGrants).toBe(true);
  });

  it("unplugs the link at the configured times and plugs it back after the duration", async () => {
    const clock = new VirtualClock();
    sim = new Simulation({
      clock,
      panelCycle: false,
      poller: false,
      faults: { linkUnplug: { afterMs: 3_000, durationMs: 1_000, everyMs: 10_000 } },
    });
    sim.start();
    const endpoint = sim.attach();
    const failed = new Promise<Error>((resolve) => endpoint.once("error", resolve));
    clock.advance(2_999);
    expect(endpoint.attached).toBe(true);
    expect(sim.faults.unplugged).toBe(false);
    clock.advance(1);
    expect(sim.faults.unplugged).toBe(true);
    expect(await failed).toBeInstanceOf(LinkUnpluggedError);
    expect(() => sim!.attach()).toThrow(LinkUnpluggedError);
    clock.advance(999);
    expect(sim.faults.unplugged).toBe(true);
    clock.advance(1);
    expect(sim.faults.unplugged).toBe(false);
    const again = sim.attach();
    const failedAgain = new Promise<Error>((resolve) => again.once("error", resolve));
    clock.advance(13_000 - 1 - clock.now());
    expect(again.attached).toBe(true);
    clock.advance(1);
    expect(sim.faults.unplugged).toBe(true);
    expect(await failedAgain).toBeInstanceOf(LinkUnpluggedError);
    expect(again.destroyed).toBe(true);
    clock.advance(1_000);
    expect(sim.faults.unplugged).toBe(false);
    expect(sim.faults.counts.unplugs).toBe(2);
  });

  it("a schedule set while running counts from that moment; stop() cancels it", async () => {
    const clock = new VirtualClock();
    sim = new Simulation({ clock, panelCycle: false, poller: false });
    sim.start();
    clock.advance(2_000);
    sim.faults.set({ controllerSilence: { afterMs: 500, durationMs: 100 } });
    clock.advance(499);
    expect(sim.faults.controllerSilent).toBe(false);
    clock.advance(1);
    expect(sim.faults.controllerSilent).toBe(true);
    sim.faults.set({ linkUnplug: { afterMs: 1_000, durationMs: 100 } });
    await sim.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
