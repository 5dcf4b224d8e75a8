/**
 * One WebSocket client's outgoing messages: a bounded queue drained only as fast as the socket
 * accepts data. A client that falls further behind than `maxQueueMessages` is closed with 4008 and
 * a reason (and its connection dropped if it does not complete the close), so a slow or stalled
 * client never holds the gateway's memory or time.
 */

/** The part of a `ws` WebSocket the channel uses. */
export interface LiveSocket {
  readonly readyState: number;
  /** Bytes accepted by send() but not yet handed to the operating system. */
  readonly bufferedAmount: number;
  send(data: string, callback: (error?: Error) => void): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

/** WebSocket readyState OPEN. */
const OPEN = 1;

/** Close code for a client that cannot keep up (application range; cf. 1008 policy violation). */
export const CLOSE_TOO_SLOW = 4008;
/** The gateway is stopping. */
export const CLOSE_GOING_AWAY = 1001;

export interface ChannelOptions {
  maxQueueMessages: number;
  /** Stop handing messages to the socket while this many bytes wait in it. */
  highWaterBytes: number;
  /** After a close for slowness, drop the connection if the close handshake has not ended by then. */
  closeGraceMs: number;
}

export class ClientChannel {
  private queue: string[] = [];
  private head = 0;
  private closing = false;
  private terminateTimer: NodeJS.Timeout | undefined;
  /** Messages handed to the socket. */
  sent = 0;

  constructor(
    private readonly socket: LiveSocket,
    private readonly options: ChannelOptions,
    private readonly onTooSlow: (queued: number) => void,
  ) {}

  get queued(): number {
    return this.queue.length - this.head;
  }

  get closed(): boolean {
    return this.closing || this.socket.readyState !== OPEN;
  }

  push(message: string): void {
    if (this.closed) return;
    this.queue.push(message);
    if (this.queued > this.options.maxQueueMessages) {
      this.closeTooSlow();
      return;
    }
    this.flush();
  }

  /** Closes (server stopping, auth change); pending messages are dropped. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.queue = [];
    this.head = 0;
    if (this.socket.readyState === OPEN) this.socket.close(code, reason);
    this.terminateTimer = setTimeout(() => this.socket.terminate(), this.options.closeGraceMs);
    this.terminateTimer.unref();
  }

  /** The socket closed: nothing more to do. */
  dispose(): void {
    this.closing = true;
    this.queue = [];
    this.head = 0;
    if (this.terminateTimer) clearTimeout(this.terminateTimer);
  }

  private flush(): void {
    while (
      this.head < this.queue.length &&
      !this.closing &&
      this.socket.readyState === OPEN &&
      this.socket.bufferedAmount < this.options.highWaterBytes
    ) {
      const message = this.queue[this.head]!;
      this.queue[this.head++] = "";
      this.sent++;
      this.socket.send(message, (error) => {
        if (!error) this.flush();
      });
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      // Compact now and then instead of shifting on every send.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private closeTooSlow(): void {
    this.onTooSlow(this.queued);
    this.close(
      CLOSE_TOO_SLOW,
      `too slow: more than ${this.options.maxQueueMessages} messages waiting (WS_MAX_QUEUE); reconnect to get a fresh snapshot`,
    );
  }
}
