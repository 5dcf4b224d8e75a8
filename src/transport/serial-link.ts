/** A serial device (USB–RS-485 adapter), 8N1 at the configured baud rate, through `serialport`. */
import { EventEmitter } from "node:events";
import type { SerialPort } from "serialport";
import { loadOnDemand } from "../util/optional-module.js";
import { type Link, LinkError, type LinkEvents } from "./link.js";

/** USB adapters deliver bytes in bursts (FTDI latency timer 16 ms): allow for it in timeouts. */
const USB_LATENCY_BUDGET_MS = 40;

export function serialErrorFromOpen(path: string, error: Error): LinkError {
  const text = error.message;
  if (/ENOENT|No such file/i.test(text)) {
    return new LinkError(
      "not-found",
      `serial device ${path} does not exist`,
      "check that the adapter is plugged in and SERIAL_PORT names it (ls /dev/serial/by-id/)",
      { cause: error },
    );
  }
  if (/EACCES|Permission denied/i.test(text)) {
    return new LinkError(
      "permission-denied",
      `no permission to open ${path}`,
      "add the gateway's user to the 'dialout' group (sudo usermod -aG dialout $USER), then log in again",
      { cause: error },
    );
  }
  if (/EBUSY|Resource busy|Cannot lock/i.test(text)) {
    // serialport locks the tty (flock) it opens: another gateway on the same port is refused here.
    return new LinkError(
      "busy",
      `${path} is in use by another program (another gateway?)`,
      "stop it, or give this gateway another port",
      { cause: error },
    );
  }
  if (/ENOTTY|Inappropriate ioctl/i.test(text)) {
    return new LinkError(
      "not-a-tty",
      `${path} is not a serial device (${text.replace(/^Error: /, "")})`,
      "SERIAL_PORT must be a tty such as /dev/ttyUSB0, or tcp://host:port for ser2net",
      { cause: error },
    );
  }
  return new LinkError("other", `cannot open ${path}: ${text}`, undefined, { cause: error });
}

export class SerialLink extends EventEmitter<LinkEvents> implements Link {
  readonly kind = "serial";
  readonly latencyBudgetMs = USB_LATENCY_BUDGET_MS;
  private port: SerialPort | undefined;
  private closing = false;

  constructor(
    readonly target: string,
    private readonly baudRate: number,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  open(): Promise<void> {
    this.closing = false;
    const { SerialPort: Port } = loadOnDemand<typeof import("serialport")>("serialport");
    const port = new Port({
      path: this.target,
      baudRate: this.baudRate,
      dataBits: 8,
      parity: "none",
      stopBits: 1,
      autoOpen: false,
    });
    return new Promise((resolve, reject) => {
      port.open((error) => {
        if (error) {
          port.removeAllListeners();
          reject(serialErrorFromOpen(this.target, error));
          return;
        }
        this.port = port;
        port.on("data", (chunk: Buffer) => this.emit("data", chunk));
        port.on("error", (err: Error) =>
          this.lose(new LinkError("lost", `serial device ${this.target} failed: ${err.message}`)),
        );
        port.on("close", () =>
          this.lose(
            new LinkError(
              "lost",
              `serial device ${this.target} closed`,
              "the adapter may have been unplugged",
            ),
          ),
        );
        resolve();
      });
    });
  }

  private lose(error: LinkError): void {
    if (this.closing || !this.port) return;
    const port = this.port;
    this.port = undefined;
    port.removeAllListeners();
    port.on("error", () => {});
    if (port.isOpen) port.close(() => {});
    this.emit("lost", error);
  }

  write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen)
      return Promise.reject(new LinkError("write-failed", `serial device ${this.target} is not open`));
    return new Promise((resolve, reject) => {
      port.write(bytes, (error) => {
        if (error) {
          reject(new LinkError("write-failed", `write to ${this.target} failed: ${error.message}`));
          return;
        }
        port.drain((drainError) =>
          drainError
            ? reject(new LinkError("write-failed", `drain of ${this.target} failed: ${drainError.message}`))
            : resolve(),
        );
      });
    });
  }

  close(): Promise<void> {
    this.closing = true;
    const port = this.port;
    this.port = undefined;
    if (!port) return Promise.resolve();
    port.removeAllListeners();
    port.on("error", () => {});
    return new Promise((resolve) => {
      if (!port.isOpen) {
        resolve();
        return;
      }
      port.close(() => resolve());
    });
  }
}
