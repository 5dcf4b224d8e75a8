/**
 * How long the simulator takes per simulated second of a busy bus (panel cycle + 0xFFFF poller
 * sweeps, ~21 % wire occupancy like the real capture), and whether wire-speed mode tracks the baud
 * rate — measured on the wall clock (performance.now()), never from the simulator's own scheduled
 * times, which match the baud rate by construction. Prints figures; asserts nothing.
 *
 *   npx tsx bench/sim.ts
 */
import { Command, encodeFrameOrThrow, encodeRangeRequest, Framer } from "../src/protocol/index.js";
import { RealClock, VirtualClock } from "../src/sim/clock.js";
import { Simulation } from "../src/sim/simulation.js";

function busyBytes(sim: Simulation): number {
  return sim.bus.log.entries.reduce((sum, e) => sum + e.bytes.length, 0);
}

async function virtualRun(label: string, wireDelay: boolean, simulatedSeconds: number): Promise<void> {
  const clock = new VirtualClock();
  const sim = new Simulation({ clock, wireDelay, maxLogEntries: 1_000_000 });
  sim.start();
  clock.advance(1_000); // warm-up (JIT)
  sim.bus.log.clear();
  const start = performance.now();
  clock.advance(simulatedSeconds * 1000);
  const wallMs = performance.now() - start;
  const frames = sim.bus.log.length;
  const bytes = busyBytes(sim);
  await sim.stop();
  const perSecond = wallMs / simulatedSeconds;
  console.log(
    `${label.padEnd(34)} ${perSecond.toFixed(3).padStart(8)} ms per simulated s` +
      `   ${(1000 / perSecond).toFixed(0).padStart(6)}× real time   ${frames} frames, ${bytes} bytes in ${simulatedSeconds} s`,
  );
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const percentile = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/**
 * The simulator's own busy bus (panel cycle + poller sweeps) in real time, seen by a listening client.
 * Each transmission is due to reach the others when its last byte has left the wire (its end on the
 * simulated timeline); the client notes the wall time (performance.now(), same origin) at which the
 * bytes actually arrive. Figures: simulated seconds of bus delivered vs wall seconds it took (ratio),
 * and the delivery lag (arrival − due) — bounded, not growing, means the bus keeps up with the baud
 * rate.
 */
async function wireSpeedRun(baudRate: number, seconds: number): Promise<void> {
  const clock = new RealClock();
  const sim = new Simulation({ clock, baudRate });
  const listener = sim.attach("listener");
  const arrivals: number[] = [];
  listener.on("data", () => arrivals.push(clock.realNow()));
  const wallStart = clock.realNow();
  sim.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const entries = sim.bus.log.entries;
  const byteMs = sim.bus.byteTimeMs;
  await sim.stop();
  if (arrivals.length < entries.length) {
    console.log(`wire speed ${baudRate}: ${entries.length} transmissions but ${arrivals.length} arrivals`);
  }
  const n = Math.min(arrivals.length, entries.length);
  const due = entries.slice(0, n).map((e) => e.timeMs + e.bytes.length * byteMs);
  const lags = due.map((d, i) => arrivals[i]! - d);
  const simulatedMs = due[n - 1]! - wallStart;
  const wallMs = arrivals[n - 1]! - wallStart;
  const bytes = entries.slice(0, n).reduce((sum, e) => sum + e.bytes.length, 0);
  const occupancy = (bytes * byteMs) / simulatedMs;
  const firstWindow = lags.filter((_, i) => due[i]! - wallStart < 3000);
  const lastWindow = lags.filter((_, i) => due[i]! >= due[n - 1]! - 3000);
  console.log(
    `wire speed ${String(baudRate).padStart(6)} baud, busy bus: ${n} frames, occupancy ${(occupancy * 100).toFixed(1)} %; ` +
      `${(simulatedMs / 1000).toFixed(4)} simulated s delivered in ${(wallMs / 1000).toFixed(4)} wall s (ratio ${(simulatedMs / wallMs).toFixed(4)}); ` +
      `delivery lag mean ${mean(lags).toFixed(3)} ms, p99 ${percentile(lags, 99).toFixed(3)} ms, max ${Math.max(...lags).toFixed(3)} ms, ` +
      `first 3 s ${mean(firstWindow).toFixed(3)} ms → last 3 s ${mean(lastWindow).toFixed(3)} ms`,
  );
}

/**
 * A client saturating the wire: back-to-back GET_PARAMS of 100 values, each sent as soon as the
 * previous answer arrived. Timed by the client on the wall clock (performance.now()): from just
 * before its write to the moment the whole answer has arrived, against theory — both frames' bytes ×
 * 10 bits / baud + the controller's latency. Ratio > 1 and the lag (measured − theory) are what the
 * simulator and the event loop add; the client's own turnaround is the rest of the wall time.
 */
async function saturatedRun(baudRate: number, requests: number): Promise<void> {
  const clock = new RealClock();
  const latencyMs = 2;
  const sim = new Simulation({
    clock,
    baudRate,
    panelCycle: false,
    poller: false,
    liveValues: false,
    controllerLatencyMs: latencyMs,
  });
  sim.start();
  const endpoint = sim.attach("bench");
  const framer = new Framer();
  const byteMs = (10 * 1000) / baudRate;
  const measured: number[] = [];
  const theory: number[] = [];
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    const request = encodeFrameOrThrow({
      destination: 1,
      source: 114,
      command: Command.GET_PARAMS,
      payload: encodeRangeRequest({ count: 100, firstIndex: (i % 14) * 100 }),
    });
    const replyBytes = await new Promise<number>((resolve) => {
      const onData = (chunk: Buffer) => {
        const reply = framer.push(chunk).find((f) => f.source === 1);
        if (reply) {
          measured.push(performance.now() - sent);
          endpoint.off("data", onData);
          resolve(reply.raw.length);
        }
      };
      endpoint.on("data", onData);
      const sent = performance.now();
      endpoint.write(request);
    });
    theory.push((request.length + replyBytes) * byteMs + latencyMs);
  }
  const wallMs = performance.now() - start;
  await sim.stop();
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const lags = measured.map((m, i) => m - theory[i]!);
  console.log(
    `saturated ${String(baudRate).padStart(6)} baud, ${requests} exchanges, wall clock: request→answer ${sum(measured).toFixed(1)} ms ` +
      `vs theory ${sum(theory).toFixed(1)} ms (ratio ${(sum(measured) / sum(theory)).toFixed(4)}); lag per exchange mean ` +
      `${mean(lags).toFixed(3)} ms, p50 ${percentile(lags, 50).toFixed(3)}, max ${Math.max(...lags).toFixed(3)} ms; ` +
      `wall ${wallMs.toFixed(0)} ms = answers ${sum(measured).toFixed(0)} + client ${(wallMs - sum(measured)).toFixed(0)} ms`,
  );
}

console.log("GM3 simulator benchmark (figures only)\n");
await virtualRun("(warm-up)", false, 60);
await virtualRun("fast: virtual clock, no wire delay", false, 300);
await virtualRun("virtual clock, with wire delay", true, 300);
await wireSpeedRun(115_200, 9);
await wireSpeedRun(38_400, 9);
await saturatedRun(115_200, 100);
await saturatedRun(38_400, 40);
