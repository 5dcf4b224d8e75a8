/**
 * The MQTT side of the virtual room thermostat (issue 16): its state published retained on
 * `<base>/thermostat` (JSON) and `<base>/thermostat/stale` (`ON`/`OFF`) whenever it changes, room
 * temperatures taken from `<base>/thermostat/temperature/set` and from THERMOSTAT_MQTT_TOPIC, the
 * pairing window opened from `<base>/thermostat/pair/set`, and the Home Assistant entities.
 * A value that is not a room temperature is refused, logged at warn with the reason, and nothing
 * is stored; on the gateway's command topics the refusal is also answered on `…/result`.
 * Without a thermostat (or with it disabled) nothing of this is subscribed to or published.
 */
import type { IClientSubscribeOptions, IPublishPacket, MqttClient } from "mqtt";
import { type Logger, logEvent } from "../../log/index.js";
import type { ThermostatPort } from "../../port/index.js";
import type { Clock } from "../../util/clock.js";
import { ThermostatWatch } from "../../views/thermostat-watch.js";
import type { DiscoveredEntity, EntityContext } from "./ha/entity.js";
import { type ThermostatTopics, thermostatEntities, thermostatTopics } from "./ha/thermostat-entities.js";
import {
  parseRoomTemperature,
  stalePayload,
  thermostatResultPayload,
  thermostatStatePayload,
} from "./thermostat-payload.js";

/** A room temperature is a few bytes; anything much longer is not one. */
const MAX_TEMPERATURE_PAYLOAD_BYTES = 256;

export interface MqttThermostatOptions {
  thermostat: ThermostatPort;
  clock: Clock;
  logger: Logger;
  /** THERMOSTAT_MQTT_TOPIC: "" = none. */
  sourceTopic: string;
  /** The bridge's client while connected. */
  client(): MqttClient | undefined;
}

/** What a command did: the fields of its answer, or why nothing was done. */
type Outcome = { ok: true; fields: Record<string, unknown> } | { ok: false; error: string; detail: string };

const refusal = (error: string, detail: string): Outcome => ({ ok: false, error, detail });

export class MqttThermostat {
  private topics: ThermostatTopics | undefined;
  private watch: ThermostatWatch | undefined;

  constructor(private readonly options: MqttThermostatOptions) {}

  /** Starts watching the thermostat (its changes are published while connected). */
  start(): void {
    if (this.watch) return;
    this.watch = new ThermostatWatch(this.options.thermostat, this.options.clock);
    this.watch.onChange(() => this.publishState());
  }

  stop(): void {
    this.watch?.stop();
    this.watch = undefined;
  }

  /** The topics under a (new) base topic. */
  setBase(base: string): void {
    this.topics = thermostatTopics(base);
  }

  get thermostatTopics(): ThermostatTopics | undefined {
    return this.topics;
  }

  /** Subscriptions to add on every connection. */
  subscriptions(command: IClientSubscribeOptions): [string, IClientSubscribeOptions][] {
    const topics = this.topics;
    if (!topics) return [];
    const list: [string, IClientSubscribeOptions][] = [
      [topics.temperatureSet, command],
      [topics.pairSet, command],
    ];
    // Live messages on a retained state topic come unflagged (no retain-as-published): only the
    // broker's stored copy, replayed on subscribing, is flagged, and its age is unknown.
    if (this.options.sourceTopic !== "") list.push([this.options.sourceTopic, { qos: 1 }]);
    return list;
  }

  entities(context: EntityContext): DiscoveredEntity[] {
    return this.topics ? thermostatEntities(context, this.topics) : [];
  }

  /** Publishes the current state (retained); after each connection and on every change. */
  publishState(): void {
    const client = this.options.client();
    const topics = this.topics;
    if (!client?.connected || !topics) return;
    const status = this.options.thermostat.status();
    client.publish(topics.state, thermostatStatePayload(status, this.options.clock.now()), {
      qos: 1,
      retain: true,
    });
    client.publish(topics.stale, stalePayload(status), { qos: 1, retain: true });
  }

  /** Handles a message on one of the thermostat's topics; false if the topic is none of them. */
  handle(topic: string, payload: Buffer, packet: IPublishPacket): boolean {
    const topics = this.topics;
    if (!topics) return false;
    if (topic === topics.temperatureSet)
      this.command(topic, payload, packet, () => this.temperature(payload, true));
    else if (topic === topics.pairSet) this.command(topic, payload, packet, () => this.pair());
    else if (topic === this.options.sourceTopic) this.source(topic, payload, packet);
    else return false;
    return true;
  }

  private command(topic: string, payload: Buffer, packet: IPublishPacket, act: () => Outcome): void {
    if (payload.length === 0) {
      this.ignored(topic, "empty payload (how a retained message is cleared), not a command");
      return;
    }
    // A retained command would be replayed on every reconnection: never act on one.
    const outcome = packet.retain
      ? refusal("retained", "retained thermostat commands are ignored (publish them without the retain flag)")
      : act();
    const now = this.options.clock.now();
    const answer = outcome.ok
      ? thermostatResultPayload({ success: true, ...outcome.fields }, now)
      : thermostatResultPayload({ success: false, error: outcome.error, detail: outcome.detail }, now);
    if (!outcome.ok) this.refused(topic, outcome.detail);
    this.options.client()?.publish(`${topic}/result`, answer, { qos: 1 });
  }

  /** THERMOSTAT_MQTT_TOPIC: a sensor's state, not a command — no answer, a warning when refused. */
  private source(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (payload.length === 0) {
      this.ignored(topic, "empty payload, not a room temperature");
      return;
    }
    if (packet.retain) {
      this.ignored(
        topic,
        "the broker's retained copy (its age is unknown, so it is not taken as a fresh room temperature); waiting for the next value",
      );
      return;
    }
    const outcome = this.temperature(payload, false);
    if (!outcome.ok) this.refused(topic, outcome.detail);
  }

  private temperature(payload: Buffer, json: boolean): Outcome {
    if (payload.length > MAX_TEMPERATURE_PAYLOAD_BYTES) {
      return refusal(
        "payload-too-large",
        `the payload has ${payload.length} bytes; a room temperature has at most ${MAX_TEMPERATURE_PAYLOAD_BYTES}; nothing was stored`,
      );
    }
    const parsed = parseRoomTemperature(payload, { json });
    if (!parsed.ok) return refusal("bad-temperature", `${parsed.reason}; nothing was stored`);
    let accepted: ReturnType<ThermostatPort["acceptTemperature"]>;
    try {
      accepted = this.options.thermostat.acceptTemperature(parsed.temperature, parsed.humidity);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return refusal("bad-temperature", `${error.message}; nothing was stored`);
    }
    this.watch?.check();
    return {
      ok: true,
      fields: {
        temperature: accepted.temperature,
        ...(parsed.humidity !== undefined ? { humidity: parsed.humidity } : {}),
        previous_age_seconds: accepted.previousAgeSeconds,
      },
    };
  }

  private pair(): Outcome {
    const result = this.options.thermostat.startPairing();
    this.watch?.check();
    const status = this.options.thermostat.status();
    if (result.ok) {
      return {
        ok: true,
        fields: {
          pairing_state: status.pairing_state,
          pairing_window_seconds: status.pairing_window_seconds,
          message: "pairing window open: start the thermostat search on the panel now",
        },
      };
    }
    return result.reason === "window-open"
      ? refusal(
          "window-open",
          `a pairing window is already open (${status.pairing_state}, ${status.pairing_window_seconds ?? 0} s left)`,
        )
      : refusal("disabled", "the virtual thermostat is disabled (THERMOSTAT_ENABLED)");
  }

  private refused(topic: string, reason: string): void {
    logEvent(this.options.logger, "mqtt.command.refused", { topic, reason });
  }

  private ignored(topic: string, reason: string): void {
    logEvent(this.options.logger, "mqtt.command.ignored", { topic, reason });
  }
}
