/**
 * A link supervisor double for bus unit tests: records what the bus writes and lets the test
 * inject bytes as if devices had sent them. (Integration tests use the real simulator.)
 */
import { EventEmitter } from "node:events";
import { decodeFrame, encodeFrameOrThrow, type Frame } from "../../src/protocol/index.js";
import type { LinkState } from "../../src/transport/link-supervisor.js";

export class FakeLink extends EventEmitter {
  state: LinkState = "up";
  readonly written: Frame[] = [];
  failWrites = false;

  write(bytes: Buffer): Promise<void> {
    if (this.failWrites) return Promise.reject(new Error("write failed"));
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) throw decoded.error;
    this.written.push({ ...decoded.value, payload: Buffer.from(decoded.value.payload) });
    this.emit("written", decoded.value);
    return Promise.resolve();
  }

  /** Delivers a frame to the bus as received bytes. */
  deliver(frame: Frame): void {
    this.emit("data", encodeFrameOrThrow(frame));
  }

  deliverBytes(bytes: Buffer): void {
    this.emit("data", bytes);
  }

  goDown(): void {
    this.state = "waiting";
    this.emit("down", { error: new Error("gone"), retryInMs: 1000, attempt: 1 });
  }

  goUp(): void {
    this.state = "up";
    this.emit("up", {});
  }
}
