/**
 * The simulated bus as a real gateway reaches it: a TCP socket (ser2net-like) and a pseudo-terminal
 * opened with `serialport` (a real tty made by socat). Each completes a request/response.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import {
  CONTROLLER_IDENTITY,
  Command,
  decodeIdentity,
  encodeFrameOrThrow,
  type FramedFrame,
  Framer,
} from "../../src/protocol/index.js";
import { SimPty } from "../../src/sim/pty.js";
import { Simulation } from "../../src/sim/simulation.js";
import { SimTcpServer } from "../../src/sim/tcp.js";

const socatAvailable = spawnSync("socat", ["-V"]).status === 0;
const identify = encodeFrameOrThrow({
  destination: 1,
  source: 114,
  command: Command.IDENTIFY,
  payload: Buffer.alloc(0),
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A quiet real-time simulation (no panel cycle, no poller): only our request is on the wire. */
function quietRealTime(): Simulation {
  const sim = new Simulation({ panelCycle: false, poller: false, liveValues: false });
  sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

/** Collects frames from a byte stream until one matches (bounded by a real-time deadline). */
function nextFrame(
  stream: NodeJS.ReadableStream,
  match: (frame: FramedFrame) => boolean,
  timeoutMs = 5_000,
): Promise<FramedFrame> {
  const framer = new Framer();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.off("data", onData);
      reject(new Error(`no matching frame within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      const found = framer.push(chunk).find(match);
      if (found) {
        clearTimeout(timer);
        stream.off("data", onData);
        resolve(found);
      }
    };
    stream.on("data", onData);
  });
}

const isIdentity = (f: FramedFrame) =>
  f.command === Command.IDENTIFY_RESPONSE && f.source === 1 && f.destination === 114;

describe("TCP exposure", () => {
  it("serves a client like ser2net: request out, the controller's answer back", async () => {
    const sim = quietRealTime();
    const server = new SimTcpServer(sim, { port: 0 });
    cleanups.push(() => server.close());
    const { host, port } = await server.listen();
    expect(host).toBe("127.0.0.1");
    const socket: Socket = connect(port, host);
    cleanups.push(() => void socket.destroy());
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const reply = nextFrame(socket, isIdentity);
    socket.write(identify);
    expect(decodeIdentity((await reply).payload)).toEqual(CONTROLLER_IDENTITY);
    expect(sim.bus.log.frames((f) => f.source === 114)).toHaveLength(1);
    expect(server.connections).toBe(1);
  });

  it("drops clients when the link is unplugged and refuses new ones until it is back", async () => {
    const sim = quietRealTime();
    const server = new SimTcpServer(sim, { port: 0 });
    cleanups.push(() => server.close());
    const { host, port } = await server.listen();
    const first = connect(port, host);
    cleanups.push(() => void first.destroy());
    await new Promise<void>((resolve) => first.once("connect", resolve));
    await waitUntil(() => server.connections === 1);
    const closed = new Promise<void>((resolve) => first.once("close", () => resolve()));
    sim.faults.unplug();
    await closed;
    const refused = connect(port, host);
    cleanups.push(() => void refused.destroy());
    await new Promise<void>((resolve) => refused.once("close", () => resolve()));
    expect(server.connections).toBe(0);
    sim.faults.plugIn();
    const again = connect(port, host);
    cleanups.push(() => void again.destroy());
    await new Promise<void>((resolve) => again.once("connect", resolve));
    const reply = nextFrame(again, isIdentity);
    again.write(identify);
    expect((await reply).command).toBe(Command.IDENTIFY_RESPONSE);
  });
});

describe.skipIf(!socatAvailable)("pseudo-terminal exposure (skipped without socat)", () => {
  it("is a real tty that serialport opens like a USB adapter", async () => {
    const sim = quietRealTime();
    const dir = mkdtempSync(join(tmpdir(), "gm3-pty-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "tty");
    const pty = new SimPty(sim, { path });
    cleanups.push(() => pty.stop());
    await pty.start();
    expect(existsSync(path)).toBe(true);
    const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    cleanups.push(
      () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
    );
    const reply = nextFrame(port, isIdentity);
    port.write(identify);
    expect(decodeIdentity((await reply).payload)).toEqual(CONTROLLER_IDENTITY);
    await pty.stop();
    expect(existsSync(path)).toBe(false);
  });

  it("disappears while the link is unplugged and comes back when plugged in", async () => {
    const sim = quietRealTime();
    const dir = mkdtempSync(join(tmpdir(), "gm3-pty-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "tty");
    const pty = new SimPty(sim, { path });
    cleanups.push(() => pty.stop());
    await pty.start();
    sim.faults.unplug();
    await waitUntil(() => !existsSync(path));
    sim.faults.plugIn();
    await waitUntil(() => existsSync(path) && sim.attachedEndpoints.length === 1);
    expect(pty.starts).toBe(2);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
