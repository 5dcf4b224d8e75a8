/** A TCP byte stream to a ser2net or Ethernet–RS-485 converter (`tcp://host:port`). */
import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { type Link, LinkError, type LinkEvents } from "./link.js";

/** A LAN round trip plus converter buffering: added to reply timeouts (ebusd does the same). */
const TCP_LATENCY_BUDGET_MS = 100;
const CONNECT_TIMEOUT_MS = 5_000;
const KEEPALIVE_DELAY_MS = 10_000;

export class TcpLink extends EventEmitter<LinkEvents> implements Link {
  readonly kind = "tcp";
  readonly latencyBudgetMs = TCP_LATENCY_BUDGET_MS;
  private socket: Socket | undefined;
  private closing = false;

  constructor(
    readonly target: string,
    private readonly host: string,
    private readonly port: number,
    private readonly connectTimeoutMs = CONNECT_TIMEOUT_MS,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  open(): Promise<void> {
    this.closing = false;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new LinkError(
            "timeout",
            `no TCP connection to ${this.host}:${this.port} within ${this.connectTimeoutMs} ms`,
            "check the converter's address and that it is powered",
          ),
        );
      }, this.connectTimeoutMs);
      socket.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(tcpError(this.host, this.port, error));
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        socket.setNoDelay(true);
        socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
        this.socket = socket;
        socket.on("data", (chunk: Buffer) => this.emit("data", chunk));
        socket.on("error", (error: Error) =>
          this.lose(`TCP link to ${this.target} failed: ${error.message}`),
        );
        socket.on("close", () => this.lose(`TCP link to ${this.target} closed by the peer`));
        resolve();
      });
    });
  }

  private lose(message: string): void {
    if (this.closing || !this.socket) return;
    const socket = this.socket;
    this.socket = undefined;
    socket.removeAllListeners();
    socket.on("error", () => {});
    socket.destroy();
    this.emit("lost", new LinkError("lost", message, "check the converter and the network"));
  }

  write(bytes: Buffer): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed)
      return Promise.reject(new LinkError("write-failed", `TCP link to ${this.target} is not open`));
    return new Promise((resolve, reject) => {
      socket.write(bytes, (error) =>
        error
          ? reject(new LinkError("write-failed", `write to ${this.target} failed: ${error.message}`))
          : resolve(),
      );
    });
  }

  close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    socket.removeAllListeners();
    socket.on("error", () => {});
    return new Promise((resolve) => {
      // A peer that never finishes the close is cut off after 500 ms; the timer goes with the close.
      const fallback = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 500).unref();
      socket.once("close", () => {
        clearTimeout(fallback);
        resolve();
      });
      socket.end();
      socket.destroySoon();
    });
  }
}

function tcpError(host: string, port: number, error: NodeJS.ErrnoException): LinkError {
  switch (error.code) {
    case "ECONNREFUSED":
      return new LinkError(
        "refused",
        `connection to ${host}:${port} refused`,
        "is ser2net (or the converter) listening on that port?",
        { cause: error },
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new LinkError("not-found", `host ${host} not found`, "check the host name in SERIAL_PORT", {
        cause: error,
      });
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new LinkError(
        "timeout",
        `${host}:${port} is unreachable (${error.code})`,
        "check the network and the converter",
        { cause: error },
      );
    default:
      return new LinkError("other", `cannot connect to ${host}:${port}: ${error.message}`, undefined, {
        cause: error,
      });
  }
}
