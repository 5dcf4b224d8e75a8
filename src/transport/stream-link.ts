/**
 * A link over any Node duplex stream obtained from a factory — used for the in-process simulator
 * (`sim://`), whose `attach()` hands out a transceiver on the virtual wire.
 */
import { EventEmitter } from "node:events";
import type { Duplex } from "node:stream";
import { type Link, LinkError, type LinkEvents, type LinkKind } from "./link.js";

export class StreamLink extends EventEmitter<LinkEvents> implements Link {
  readonly latencyBudgetMs: number;
  private stream: Duplex | undefined;
  private closing = false;

  constructor(
    readonly kind: LinkKind,
    readonly target: string,
    private readonly openStream: () => Duplex,
    latencyBudgetMs = 0,
  ) {
    super();
    this.latencyBudgetMs = latencyBudgetMs;
  }

  get isOpen(): boolean {
    return this.stream !== undefined && !this.stream.destroyed;
  }

  async open(): Promise<void> {
    this.closing = false;
    let stream: Duplex;
    try {
      stream = this.openStream();
    } catch (error) {
      throw new LinkError(
        "refused",
        `cannot attach to ${this.target}: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    this.stream = stream;
    stream.on("data", (chunk: Buffer) => this.emit("data", chunk));
    stream.on("error", (error: Error) => this.lose(`${this.target} failed: ${error.message}`));
    stream.on("close", () => this.lose(`${this.target} closed`));
    stream.on("end", () => this.lose(`${this.target} ended`));
  }

  private lose(message: string): void {
    if (this.closing || !this.stream) return;
    const stream = this.stream;
    this.stream = undefined;
    stream.removeAllListeners();
    stream.on("error", () => {});
    stream.destroy();
    this.emit("lost", new LinkError("lost", message));
  }

  write(bytes: Buffer): Promise<void> {
    const stream = this.stream;
    if (!stream || stream.destroyed)
      return Promise.reject(new LinkError("write-failed", `${this.target} is not open`));
    return new Promise((resolve, reject) => {
      stream.write(bytes, (error) =>
        error
          ? reject(new LinkError("write-failed", `write to ${this.target} failed: ${error.message}`))
          : resolve(),
      );
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    stream.removeAllListeners();
    stream.on("error", () => {});
    stream.destroy();
  }
}
