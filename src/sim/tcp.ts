/**
 * The simulated bus over TCP, as a ser2net / Ethernet–RS-485 converter would offer it: each client
 * connection is an endpoint on the wire (bytes it sends are transmitted, bytes on the wire are sent
 * to it). While the link is unplugged, connections are refused by closing them at once.
 */
import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import type { Simulation } from "./simulation.js";

export interface SimTcpServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. */
  port: number;
}

export class SimTcpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly host: string;
  private readonly port: number;

  constructor(
    private readonly simulation: Simulation,
    options: SimTcpServerOptions,
  ) {
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port;
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) {
      throw new RangeError(`TCP port must be an integer 0..65535, got ${options.port}`);
    }
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening; resolves with the bound address (the real port when 0 was asked). */
  async listen(): Promise<{ host: string; port: number }> {
    this.server.listen(this.port, this.host);
    await Promise.race([
      once(this.server, "listening"),
      once(this.server, "error").then(([error]) => {
        throw new Error(`cannot listen on ${this.host}:${this.port}: ${(error as Error).message}`);
      }),
    ]);
    return this.address!;
  }

  get address(): { host: string; port: number } | undefined {
    const address = this.server.address() as AddressInfo | null;
    return address ? { host: address.address, port: address.port } : undefined;
  }

  /** Connected clients. */
  get connections(): number {
    return this.sockets.size;
  }

  private accept(socket: Socket): void {
    let endpoint: ReturnType<Simulation["attach"]>;
    try {
      endpoint = this.simulation.attach(`tcp:${socket.remoteAddress}:${socket.remotePort}`);
    } catch {
      socket.destroy(); // unplugged or stopped: the connection drops, the client retries
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      if (!endpoint.destroyed) endpoint.write(chunk);
    });
    endpoint.on("data", (chunk: Buffer) => socket.write(chunk));
    const drop = () => {
      this.sockets.delete(socket);
      endpoint.destroy();
      socket.destroy();
    };
    socket.on("close", drop);
    socket.on("error", drop);
    endpoint.on("error", drop);
    endpoint.on("close", drop);
  }

  /** Stops listening and closes every client. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
