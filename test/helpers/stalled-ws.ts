/**
 * A WebSocket client that completes the opening handshake and then never reads another byte, as a
 * hung browser tab or a stopped process would: the server's data piles up in the kernel buffers and
 * then in the server.
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export class StalledWsClient {
  closedAt: number | undefined;

  private constructor(
    readonly socket: Socket,
    /** Bytes that came with the handshake's answer (the first frames). */
    private readonly early: Buffer,
  ) {
    socket.on("close", () => {
      this.closedAt = Date.now();
    });
    socket.on("error", () => {});
  }

  static async connect(port: number, path: string): Promise<StalledWsClient> {
    const socket = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    });
    socket.write(
      [
        `GET ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
        "Sec-WebSocket-Version: 13",
        "",
        "",
      ].join("\r\n"),
    );
    const early = await new Promise<Buffer>((resolve, reject) => {
      let received = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        // From here on nothing is read.
        socket.pause();
        const head = received.subarray(0, end).toString("latin1");
        if (!head.startsWith("HTTP/1.1 101")) reject(new Error(`upgrade refused: ${head.split("\r\n")[0]}`));
        else resolve(received.subarray(end + 4));
      };
      socket.on("data", onData);
    });
    return new StalledWsClient(socket, early);
  }

  get closed(): boolean {
    return this.closedAt !== undefined;
  }

  /**
   * Starts reading again and parses the server's frames until its close frame: what a client that
   * catches up finds at the end of its backlog.
   */
  async readUntilClose(timeoutMs = 10_000): Promise<{ code: number; reason: string; messages: number }> {
    let buffer = Buffer.from(this.early);
    let messages = 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no close frame")), timeoutMs);
      const finish = (result: { code: number; reason: string; messages: number } | Error) => {
        clearTimeout(timer);
        this.socket.off("data", onData);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const onData = (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          if (buffer.length < 2) return;
          const opcode = buffer[0]! & 0x0f;
          let length = buffer[1]! & 0x7f;
          let offset = 2;
          if (length === 126) {
            if (buffer.length < 4) return;
            length = buffer.readUInt16BE(2);
            offset = 4;
          } else if (length === 127) {
            if (buffer.length < 10) return;
            length = Number(buffer.readBigUInt64BE(2));
            offset = 10;
          }
          if (buffer.length < offset + length) return;
          const payload = buffer.subarray(offset, offset + length);
          buffer = buffer.subarray(offset + length);
          if (opcode === 0x8) {
            finish({ code: payload.readUInt16BE(0), reason: payload.subarray(2).toString("utf8"), messages });
            return;
          }
          if (opcode === 0x1) messages++;
        }
      };
      this.socket.on("data", onData);
      this.socket.once("end", () => finish(new Error("the connection ended without a close frame")));
      this.socket.resume();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
