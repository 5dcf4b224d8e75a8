import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AddressManager } from "../../src/bus/address.js";
import { Gm3Bus } from "../../src/bus/bus.js";
import { Command, encodeFrameOrThrow, encodeTokenGrant } from "../../src/protocol/index.js";
import { LinkError } from "../../src/transport/link.js";
import { LinkSupervisor } from "../../src/transport/link-supervisor.js";
import { SerialLink } from "../../src/transport/serial-link.js";
import { TcpLink } from "../../src/transport/tcp-link.js";
import { eventually } from "../helpers/sim-gateway.js";

function timersAndSockets(): number {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === "Timeout" || r === "TCPSocketWrap" || r === "TCPWRAP").length;
}

describe("links", () => {
  it("reports a missing serial device as not-found, with what to do", async () => {
    const link = new SerialLink("/dev/does-not-exist-gm3", 115_200);
    const error = await link.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).code).toBe("not-found");
    expect((error as LinkError).hint).toMatch(/plugged in|SERIAL_PORT/);
  });

  it("reports a refused TCP connection as refused", async () => {
    const link = new TcpLink("tcp://127.0.0.1:1", "127.0.0.1", 1);
    const error = (await link.open().catch((e: unknown) => e)) as LinkError;
    expect(error.code).toBe("refused");
    expect(error.hint).toMatch(/ser2net|listening/);
  });
});

describe("TcpLink.close", () => {
  it("leaves no timer behind once the socket has closed", async () => {
    const peers: Socket[] = [];
    const peer = createServer((socket) => {
      peers.push(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
    const port = (peer.address() as { port: number }).port;
    try {
      const link = new TcpLink(`tcp://127.0.0.1:${port}`, "127.0.0.1", port);
      await link.open();
      await eventually(() => peers.length === 1, "connection accepted");
      // Fake timers only: the sockets stay real. The fallback timer is unref'd, so it is counted here.
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      await link.close(); // the peer answers the FIN at once
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
      for (const s of peers) s.destroy();
      await new Promise<void>((resolve) => peer.close(() => resolve()));
    }
  });
});

describe("LinkSupervisor", () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it("doubles the wait after each failure up to the maximum", () => {
    const supervisor = new LinkSupervisor({
      createLink: () => new TcpLink("x", "127.0.0.1", 1),
      reconnectDelayMinMs: 1_000,
      reconnectDelayMaxMs: 30_000,
      silenceTimeoutMs: 0,
    });
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => supervisor.backoffMs(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("retries a refused link again and again without leaking timers, sockets or listeners, and stops cleanly, also during an attempt", async () => {
    const before = timersAndSockets();
    let stopAtNextAttempt = false;
    let stopping: Promise<void> | undefined;
    const supervisor = new LinkSupervisor({
      createLink: () => {
        if (stopAtNextAttempt) {
          stopAtNextAttempt = false;
          // Once this attempt's connection is opening and its refusal not yet in.
          queueMicrotask(() => {
            stopping = supervisor.stop();
          });
        }
        return new TcpLink("tcp://127.0.0.1:1", "127.0.0.1", 1);
      },
      reconnectDelayMinMs: 1,
      reconnectDelayMaxMs: 4,
      silenceTimeoutMs: 0,
    });
    let failures = 0;
    supervisor.on("down", ({ error }) => {
      failures++;
      expect(error.code).toBe("refused");
    });
    supervisor.start();
    await eventually(() => failures >= 60, "60 failed attempts", 10_000);
    expect(timersAndSockets() - before).toBeLessThanOrEqual(2);
    expect(supervisor.listenerCount("down")).toBe(1);
    stopAtNextAttempt = true;
    await eventually(() => stopping !== undefined, "a stop during an attempt");
    await stopping;
    const failuresAtStop = failures;
    expect(supervisor.state).toBe("stopped");
    // The attempt in flight ends on its own (the refusal arrives, its socket closes): wait for the
    // count to come back down, bounded, rather than for a guessed while.
    await eventually(() => timersAndSockets() <= before, "every timer and socket released", 5_000);
    // With no timer and no socket left nothing can try again; the attempt that was in flight
    // ended without reporting a failure or scheduling a retry.
    expect(failures).toBe(failuresAtStop);
    expect(supervisor.state).toBe("stopped");
  });

  it("reconnects when the peer closes, and when the line stays silent", async () => {
    let connections = 0;
    server = createServer((socket) => {
      connections++;
      sockets.push(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const supervisor = new LinkSupervisor({
      createLink: () => new TcpLink(`tcp://127.0.0.1:${port}`, "127.0.0.1", port),
      reconnectDelayMinMs: 5,
      reconnectDelayMaxMs: 20,
      silenceTimeoutMs: 300,
    });
    const downs: string[] = [];
    supervisor.on("down", ({ error }) => downs.push(error.message));
    const received: Buffer[] = [];
    supervisor.on("data", (chunk) => received.push(chunk));
    supervisor.start();
    await eventually(() => supervisor.state === "up" && connections === 1, "first connection");
    sockets[0]!.write(Buffer.from([1, 2, 3]));
    await eventually(() => received.length > 0, "data");
    await supervisor.write(Buffer.from([9]));
    sockets[0]!.destroy(); // the converter drops the connection
    await eventually(
      () => connections === 2 && supervisor.state === "up",
      "reconnected after the peer closed",
    );
    expect(downs[0]).toMatch(/closed|ECONNRESET/);
    // Nothing arrives now: the silence watchdog reopens the link.
    await eventually(() => connections === 3, "reopened after silence", 3_000);
    expect(downs.some((d) => /no valid frame on the bus/.test(d))).toBe(true);
    await supervisor.stop();
  });

  /** A supervisor with a bus on a local TCP server that sends `chunk()` every 20 ms. */
  async function busOnServer(chunk: () => Buffer) {
    let connections = 0;
    const timers: NodeJS.Timeout[] = [];
    server = createServer((socket) => {
      connections++;
      sockets.push(socket);
      socket.on("error", () => {});
      const timer = setInterval(() => socket.write(chunk()), 20);
      timers.push(timer);
      socket.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const supervisor = new LinkSupervisor({
      createLink: () => new TcpLink(`tcp://127.0.0.1:${port}`, "127.0.0.1", port),
      reconnectDelayMinMs: 5,
      reconnectDelayMaxMs: 20,
      silenceTimeoutMs: 300,
    });
    const address = new AddressManager({
      fixedAddress: 114,
      tentativeTimeoutMs: 20_000,
      persist: async () => {},
    });
    const bus = new Gm3Bus(supervisor, address, {
      panelAddress: 100,
      turnaroundMs: 2,
      responseTimeoutMs: 250,
      retryAttempts: 1,
      retryBackoffMs: 5,
      tokenRequired: true,
      tokenWaitTimeoutMs: 1_000,
      maxTokenHoldMs: 5_000,
      answerProbes: false,
    });
    const downs: string[] = [];
    supervisor.on("down", ({ error }) => downs.push(error.message));
    supervisor.start();
    const stop = async () => {
      for (const timer of timers) clearInterval(timer);
      await bus.close();
      await supervisor.stop();
    };
    return { supervisor, bus, downs, connections: () => connections, stop };
  }

  it("treats a line with only noise as silent and reopens the link", async () => {
    // Bytes that never form a frame (no 0x68 start byte).
    const { downs, connections, stop, bus } = await busOnServer(() => Buffer.from([0x00, 0x55, 0xff, 0x13]));
    try {
      await eventually(() => connections() >= 2, "reopened although bytes kept coming", 5_000);
      expect(downs.some((d) => /no valid frame on the bus/.test(d))).toBe(true);
      expect(bus.stats.discardedBytes).toBeGreaterThan(0);
      expect(bus.stats.framesIn).toBe(0);
    } finally {
      await stop();
    }
  });

  it("keeps the link while valid frames arrive", async () => {
    const grantToAnother = encodeFrameOrThrow({
      destination: 131,
      source: 100,
      command: Command.SERVICE,
      payload: encodeTokenGrant(),
    });
    const { downs, supervisor, stop, bus } = await busOnServer(() => grantToAnother);
    try {
      await eventually(() => bus.stats.framesIn >= 50, "50 frames (about three silence timeouts)", 5_000);
      expect(downs).toEqual([]);
      expect(supervisor.state).toBe("up");
    } finally {
      await stop();
    }
  });
});
