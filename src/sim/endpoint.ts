/**
 * A transceiver on the simulated wire for an external party: the gateway in process, a TCP client,
 * the pseudo-terminal. A Node `Duplex`: bytes written are transmitted on the wire (no carrier sense
 * — transmitting while someone else does is a collision); every byte other parties put on the
 * wire is readable (never its own echo). Ending or destroying it detaches it.
 */
import { Duplex } from "node:stream";
import type { Transceiver, Wire } from "./wire.js";

/** The link is unplugged (fault injection): nothing can attach, attached endpoints are dropped. */
export class LinkUnpluggedError extends Error {
  override readonly name = "LinkUnpluggedError";
  readonly code = "ELINKUNPLUGGED";
  constructor(message = "the simulated RS-485 link is unplugged; retry after it is plugged back in") {
    super(message);
  }
}

export interface BusEndpointOptions {
  /** Received bytes held for a reader that does not read, before they are dropped (default 1 MiB). */
  maxBufferedBytes?: number;
}

export class BusEndpoint extends Duplex {
  /** Bytes dropped because the reader fell more than `maxBufferedBytes` behind (an overrun). */
  overrunBytes = 0;
  private readonly transceiver: Transceiver;
  private detachFromWire: (() => void) | undefined;
  private readonly maxBufferedBytes: number;

  constructor(
    readonly name: string,
    private readonly wire: Wire,
    options: BusEndpointOptions = {},
  ) {
    super({ allowHalfOpen: false });
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.transceiver = { name, kind: "endpoint", receive: (bytes) => this.deliver(bytes) };
    this.detachFromWire = wire.connect(this.transceiver);
  }

  /** True until the endpoint is ended or destroyed. */
  get attached(): boolean {
    return this.detachFromWire !== undefined;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.attached) {
      callback(new Error(`endpoint ${this.name} is detached from the simulated bus`));
      return;
    }
    // Like a serial port's write + drain: done once the bytes have left on the wire, so a writer
    // that closes after its last write does not cut its own frame off.
    this.wire.transmit(this.transceiver, chunk, () => callback());
  }

  override _read(): void {}

  override _final(callback: (error?: Error | null) => void): void {
    this.detach();
    this.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.detach();
    callback(error);
  }

  private detach(): void {
    const detach = this.detachFromWire;
    this.detachFromWire = undefined;
    detach?.();
  }

  private deliver(bytes: Buffer): void {
    if (this.destroyed || this.readableEnded) return;
    if (this.readableLength + bytes.length > this.maxBufferedBytes) {
      this.overrunBytes += bytes.length;
      return;
    }
    this.push(bytes);
  }
}
