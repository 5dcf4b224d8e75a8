/**
 * Issue 16 point 5: the simulated panel pairs the gateway's virtual ecoSTER_40 (src/thermostat/)
 * by beacon and by tentative IDENTIFY claim, checks its identity byte for byte, polls it every
 * ~10 s beside the wired ecoSTER and copies its temperature into the circuit — all at the field
 * cadence on the VirtualClock. The thermostat is driven the way the gateway's bus layer will drive
 * it: every received frame goes to `handle()`, its reply is written at once (pairing answers after
 * their 20 ms turnaround).
 */
import { afterEach, describe, expect, it } from "vitest";
import { Command, encodeFrameOrThrow, type Frame, Framer } from "../../src/protocol/index.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Simulation } from "../../src/sim/simulation.js";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { gatewayClockOn } from "../helpers/gateway-clock.js";

let running: Simulation | undefined;
let thermostatInUse: VirtualThermostat | undefined;
afterEach(async () => {
  thermostatInUse?.close();
  await running?.stop();
  running = undefined;
  thermostatInUse = undefined;
});

interface Setup {
  /** Changes a reply before it goes on the wire (a thermostat that differs from a real one). */
  tamper?: (frame: Frame) => Frame;
  wiredThermostat?: boolean;
}

async function setup(options: Setup = {}) {
  const clock = new VirtualClock();
  const sim = new Simulation({ clock, wiredThermostat: options.wiredThermostat ?? true });
  running = sim;
  const thermostat = await VirtualThermostat.open({ clock: gatewayClockOn(clock), enabled: true });
  thermostatInUse = thermostat;
  sim.start();
  const endpoint = sim.attach("virtual-thermostat");
  const framer = new Framer();
  let replies = 0;
  endpoint.on("data", (chunk: Buffer) => {
    for (const frame of framer.push(chunk)) {
      const reply = thermostat.handle(frame);
      if (!reply) continue;
      const bytes = encodeFrameOrThrow(options.tamper ? options.tamper(reply.frame) : reply.frame);
      replies++;
      if (reply.turnaroundMs > 0) clock.setTimeout(() => endpoint.write(bytes), reply.turnaroundMs);
      else endpoint.write(bytes);
    }
  });
  return { clock, sim, thermostat, replies: () => replies };
}

/** Flips one byte of an identity answer (the model "ecoSTER_40" → "ecoSTER_41"). */
function oneByteOff(frame: Frame): Frame {
  const isIdentity =
    frame.command === Command.IDENTIFY_RESPONSE ||
    (frame.command === Command.SERVICE_RESPONSE && frame.payload.length === 67);
  if (!isIdentity) return frame;
  const payload = Buffer.from(frame.payload);
  const at = payload.indexOf("ecoSTER_40") + 9;
  payload[at] = "1".charCodeAt(0);
  return { ...frame, payload };
}

/** Until both sides agree: the thermostat is paired and the panel lists it. */
async function runUntilPaired(
  clock: VirtualClock,
  sim: Simulation,
  thermostat: VirtualThermostat,
  maxMs: number,
) {
  await clock.runUntil(() => {
    const { pairing_state, bus_address } = thermostat.status();
    return pairing_state === "paired" && sim.panel.thermostats.includes(bus_address!);
  }, maxMs);
}

describe("the simulated panel and the virtual thermostat (PROTOCOL.md §17.5)", () => {
  it("pairs by beacon: identity accepted, address assigned and served, temperature reaches the circuit", async () => {
    const { clock, sim, thermostat } = await setup();
    await clock.runFor(5_000);
    expect(thermostat.startPairing().ok).toBe(true);
    sim.panel.startPairing(60_000);
    await runUntilPaired(clock, sim, thermostat, 10_000);
    const address = thermostat.status().bus_address!;
    expect(sim.panel.thermostats).toEqual([address]);
    expect(address).not.toBe(165);
    expect(sim.panel.stats.identityRejections).toBe(0);
    // The pairing answer came from 163 after the beacon, then the assignment answer from the new address.
    const answers = sim.bus.log.frames(
      (f) => f.command === Command.SERVICE_RESPONSE && f.destination === 100,
    );
    expect(answers.map((entry) => entry.frame!.source)).toEqual([163, address]);

    thermostat.acceptTemperature(23.4);
    await clock.runFor(25_000); // ≤ 2 panel polls
    expect(sim.panel.thermostatValues(address).get(0)).toBeCloseTo(23.4, 4);
    const circuitTemp = sim.controllerIndexOf("Circuit2thermostatTemp")!;
    const circuitThermostat = sim.controllerIndexOf("Circuit2ThermostatAddress")!;
    expect(sim.controller.getValue(circuitThermostat)).toBe(address);
    expect(sim.controller.getValue(circuitTemp) as number).toBeCloseTo(23.4, 4);
    // The wired ecoSTER is still polled beside it.
    expect(sim.panel.thermostatValues(165).get(0)).toBeTypeOf("number");
    expect(sim.panel.stats.thermostatPollsFailed).toBe(0);
  });

  it("pairs by tentative IDENTIFY claim in 160–199 when the gateway did not ask to pair", async () => {
    const { clock, sim, thermostat } = await setup();
    await clock.runFor(35_000); // a device table has been broadcast
    expect(thermostat.status().pairing_state).toBe("unpaired");
    sim.panel.startPairing(60_000);
    await clock.runUntil(() => thermostat.status().pairing_state !== "unpaired", 30_000);
    expect(thermostat.status().pairing_state).toBe("tentative");
    await runUntilPaired(clock, sim, thermostat, 60_000);
    const address = thermostat.status().bus_address!;
    expect(address).toBeGreaterThanOrEqual(160);
    expect(address).toBeLessThanOrEqual(199);
    expect(sim.panel.thermostats).toEqual([address]);
    expect(sim.panel.stats.identityRejections).toBe(0);
    // Confirmed by the device table that lists it.
    await clock.runFor(70_000);
    expect(thermostat.status().pairing_state).toBe("paired");
  });

  it("rejects a thermostat whose identity differs by one byte, on either path", async () => {
    const { clock, sim, thermostat } = await setup({ tamper: oneByteOff });
    await clock.runFor(35_000);
    const rejected: { address: number; offset: number; at: number }[] = [];
    sim.panel.on("thermostat-rejected", (address, offset) =>
      rejected.push({ address, offset, at: clock.now() }),
    );
    thermostat.startPairing();
    sim.panel.startPairing(150_000);
    await clock.runFor(150_000);
    // First the beacon answer from 163; once the thermostat's own 60 s window has closed, its
    // tentative claim's IDENTIFY answer — both wrong at byte 25 (the model's last digit).
    expect(rejected.length).toBeGreaterThanOrEqual(2);
    expect(rejected[0]!.address).toBe(163);
    expect(rejected.slice(1).every((r) => r.address >= 160 && r.address <= 199)).toBe(true);
    expect(new Set(rejected.map((r) => r.offset))).toEqual(new Set([25]));
    // The panel read again: it kept beaconing after the first rejection.
    const beaconsAfter = sim.bus.log.frames(
      (f) =>
        f.command === Command.SERVICE && f.destination === 0xffff && f.payload.readUInt16LE(0) === 0x2004,
    );
    expect(beaconsAfter.filter((entry) => entry.timeMs > rejected[0]!.at).length).toBeGreaterThan(100);
    expect(sim.panel.thermostats).toEqual([]);
    expect(thermostat.status().pairing_state).not.toBe("paired");
    expect(sim.panel.stats.identityRejections).toBe(rejected.length);
  });

  it("answers every panel poll over 30 simulated minutes at the field cadence", async () => {
    const { clock, sim, thermostat } = await setup();
    await clock.runFor(5_000);
    thermostat.startPairing();
    sim.panel.startPairing(60_000);
    await runUntilPaired(clock, sim, thermostat, 10_000);
    const address = thermostat.status().bus_address!;
    const polls = { answered: 0, failed: 0 };
    sim.panel.on("thermostat-polled", (polled, answered) => {
      if (polled === address) polls[answered ? "answered" : "failed"]++;
    });
    const circuitTemp = sim.controllerIndexOf("Circuit2thermostatTemp")!;
    let lag = 0;
    for (let minute = 0; minute < 30; minute++) {
      const temperature = 20 + minute / 10;
      thermostat.acceptTemperature(temperature); // HA posts; the panel's next poll carries it
      await clock.runFor(60_000);
      if (Math.abs((sim.controller.getValue(circuitTemp) as number) - temperature) > 1e-4) lag++;
    }
    // ~10 s cadence: about 6 polls a minute.
    expect(polls.answered).toBeGreaterThanOrEqual(150);
    expect(polls.failed).toBe(0);
    expect(lag).toBe(0);
    expect(sim.panel.stats.thermostatPollsFailed).toBe(0);
    expect(thermostat.status()).toMatchObject({ pairing_state: "paired", bus_address: address });
  }, 120_000);
});
