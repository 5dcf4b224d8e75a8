/** A test-side MQTT client that records every message it sees and waits for conditions. */
import { connectAsync, type IClientPublishOptions, type MqttClient } from "mqtt";

export interface SeenMessage {
  topic: string;
  payload: string;
  retain: boolean;
  /** Wall-clock arrival time (ms), for latency figures. */
  at: number;
  /** Position in the order of arrival: what `mark()` and the `after` option compare. */
  seq: number;
}

export class MqttObserver {
  readonly messages: SeenMessage[] = [];

  private constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      this.messages.push({
        topic,
        payload: payload.toString("utf8"),
        retain: packet.retain,
        at: Date.now(),
        seq: this.messages.length,
      });
    });
  }

  static async connect(url: string, filters: string[] = ["#"]): Promise<MqttObserver> {
    const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000 });
    const observer = new MqttObserver(client);
    await client.subscribeAsync(filters, { qos: 1 });
    return observer;
  }

  /** The last payload seen on `topic`. */
  latest(topic: string): string | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i]!.topic === topic) return this.messages[i]!.payload;
    }
    return undefined;
  }

  /**
   * A mark in the order of arrival: messages seen from now on have `seq >= mark()`. Tests wait for
   * "the next message" with it rather than with a time, which two messages can share to the ms.
   */
  mark(): number {
    return this.messages.length;
  }

  on(topic: string): SeenMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Waits (bounded) until `predicate` holds for the messages seen so far. */
  async waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Waits for a message on `topic` (seen at or after the mark `after`) matching `payload` if given. */
  async waitForMessage(
    topic: string,
    options: { payload?: string | ((payload: string) => boolean); after?: number; timeoutMs?: number } = {},
  ): Promise<SeenMessage> {
    const matches = (m: SeenMessage) =>
      m.topic === topic &&
      m.seq >= (options.after ?? 0) &&
      (options.payload === undefined ||
        (typeof options.payload === "string" ? m.payload === options.payload : options.payload(m.payload)));
    await this.waitFor(() => this.messages.some(matches), `a message on ${topic}`, options.timeoutMs);
    return this.messages.filter(matches).at(-1)!;
  }

  async publish(topic: string, payload: string, options: IClientPublishOptions = {}): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, ...options });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
