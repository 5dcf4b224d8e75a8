/**
 * How long the simulator takes per simulated second of a busy bus (panel cycle + 0xFFFF poller
 * sweeps, ~21 % wire occupancy like the real capture), and whether wire-speed mode tracks the baud
 * rate. Prints figures; asserts nothing.
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

/**
 * The simulator's own bus in real time. Each frame is delivered when its last byte is due on the
 * wire; "lag" is how much later the event loop actually ran that delivery. A lag that stays bounded
 * (no growth from the first to the last second) means the bus tracks the baud rate without drift.
 */
async function wireSpeedRun(baudRate: number, seconds: number): Promise<void> {
  const clock = new RealClock();
  const sim = new Simulation({ clock, baudRate });
  const lags: { at: number; lag: number }[] = [];
  sim.bus.on("frame", () => lags.push({ at: clock.now(), lag: clock.realNow() - clock.now() }));
  sim.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const bytes = busyBytes(sim);
  const elapsed = clock.now();
  await sim.stop();
  const occupancy = (bytes * sim.bus.byteTimeMs) / elapsed;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const firstWindow = lags.filter((l) => l.at < 3000).map((l) => l.lag);
  const lastWindow = lags.filter((l) => l.at >= elapsed - 3000).map((l) => l.lag);
  const bytesPerSecond = bytes / (elapsed / 1000);
  console.log(
    `wire speed ${String(baudRate).padStart(6)} baud, busy bus: ${lags.length} frames, occupancy ${(occupancy * 100).toFixed(1)} %,` +
      ` ${bytesPerSecond.toFixed(0)} B/s; delivery lag mean ${mean(lags.map((l) => l.lag)).toFixed(3)} ms,` +
      ` max ${Math.max(...lags.map((l) => l.lag)).toFixed(3)} ms, first 3 s ${mean(firstWindow).toFixed(3)} ms → last 3 s ${mean(lastWindow).toFixed(3)} ms`,
  );
}

/**
 * A gateway saturating the wire: back-to-back GET_PARAMS of 100 values, each sent when the previous
 * answer arrived. From the bus log: the time from a request's first byte to the end of its answer,
 * against theory (both frames' wire time + the controller's latency), and the client's own
 * turnaround between an answer and its next request (event-loop time, not the simulator's).
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
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    const request = encodeFrameOrThrow({
      destination: 1,
      source: 114,
      command: Command.GET_PARAMS,
      payload: encodeRangeRequest({ count: 100, firstIndex: (i % 14) * 100 }),
    });
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        if (framer.push(chunk).some((f) => f.source === 1)) {
          endpoint.off("data", onData);
          resolve();
        }
      };
      endpoint.on("data", onData);
      endpoint.write(request);
    });
  }
  const wallMs = performance.now() - start;
  const entries = sim.bus.log.entries;
  const byteMs = sim.bus.byteTimeMs;
  let measured = 0;
  let theory = 0;
  let turnaround = 0;
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const [request, reply] = [entries[i]!, entries[i + 1]!];
    const replyEnd = reply.timeMs + reply.bytes.length * byteMs;
    measured += replyEnd - request.timeMs;
    theory += (request.bytes.length + reply.bytes.length) * byteMs + latencyMs;
    const next = entries[i + 2];
    if (next) turnaround += next.timeMs - replyEnd;
  }
  await sim.stop();
  console.log(
    `saturated ${String(baudRate).padStart(6)} baud, ${requests} exchanges: request→answer ${measured.toFixed(1)} ms vs theory ` +
      `${theory.toFixed(1)} ms (ratio ${(measured / theory).toFixed(4)}); client turnaround ${(turnaround / (requests - 1)).toFixed(3)} ms ` +
      `per exchange; wall ${wallMs.toFixed(0)} ms = wire ${theory.toFixed(0)} + client ${turnaround.toFixed(0)} ms`,
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
