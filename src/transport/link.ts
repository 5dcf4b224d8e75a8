/**
 * A byte link to the bus. The rest of the gateway cannot tell a USB adapter, a ser2net socket
 * and the in-process simulator apart: each is opened from a URL and moves raw bytes.
 */
import type { EventEmitter } from "node:events";

export type LinkKind = "serial" | "tcp" | "sim";

export type LinkErrorCode =
  /** The device path or host does not exist. */
  | "not-found"
  | "permission-denied"
  /** The path exists but is not a serial device (a plain file, /dev/null). */
  | "not-a-tty"
  | "busy"
  | "refused"
  | "timeout"
  /** The link was open and went away (unplugged adapter, closed socket). */
  | "lost"
  | "write-failed"
  | "invalid-url"
  | "other";

/** Why a link could not be opened or was lost, with a hint for the operator. */
export class LinkError extends Error {
  override readonly name = "LinkError";
  constructor(
    readonly code: LinkErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface LinkEvents {
  data: [chunk: Buffer];
  /** The link closed by itself (not through close()); `error` says why. */
  lost: [error: LinkError];
}

export interface Link extends EventEmitter<LinkEvents> {
  readonly kind: LinkKind;
  /** What it connects to, for logs and status (no secrets). */
  readonly target: string;
  /** Extra time a reply needs on this link beyond the wire itself (network, USB buffering). */
  readonly latencyBudgetMs: number;
  readonly isOpen: boolean;
  /** Opens the link; rejects with a LinkError. */
  open(): Promise<void>;
  /** Writes and waits until the bytes are handed to the device/OS. Rejects with a LinkError. */
  write(bytes: Buffer): Promise<void>;
  /** Closes the link; never rejects; no "lost" event follows. */
  close(): Promise<void>;
}
