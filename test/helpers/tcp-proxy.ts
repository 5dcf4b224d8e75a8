/**
 * A loopback TCP proxy: lets a test cut a client's connection abruptly (as a pulled cable or a
 * crashed client would) without any hook in the code under test.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  /** While set, new connections are dropped at once (the far side seems unreachable). */
  refusing = false;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async listen(): Promise<void> {
    const server = createServer((client) => {
      if (this.refusing) {
        client.destroy();
        return;
      }
      const upstream = createConnection({ host: "127.0.0.1", port: this.targetPort });
      this.sockets.add(client);
      this.sockets.add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("error", drop);
      upstream.on("error", drop);
      client.on("close", drop);
      upstream.on("close", drop);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Number of live connections through the proxy (each counts two sockets). */
  get connections(): number {
    return this.sockets.size / 2;
  }

  /** Destroys every connection at once, without a goodbye. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
