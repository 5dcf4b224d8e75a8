/**
 * The MQTT bridge: retained state topics fed by the store's change events, an availability topic
 * with a last will, the alarm log, `set` topics routed through the core's safe write path, and
 * Home Assistant discovery. It connects once the controller's UID is known (the topics contain it),
 * reconnects with back-off, and re-publishes everything after each (re)connection and on Home
 * Assistant's birth message. Nothing here ever waits on the broker on behalf of polling or HTTP:
 * publishing is skipped while disconnected and done in full after the next connection.
 */

import { randomBytes } from "node:crypto";
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import type { MqttPublishSelection } from "../../config/index.js";
import { maskUrlPassword } from "../../config/index.js";
import { type Logger, logEvent } from "../../log/index.js";
import type {
  Alarm,
  GatewayPort,
  ParameterChange,
  ParameterDefinition,
  ThermostatPort,
  WriteJob,
} from "../../port/index.js";
import { listen, WriteError } from "../../port/index.js";
import { isTypeCode, TYPE_INFO } from "../../protocol/index.js";
import { AlarmEventTracker } from "./alarm-events.js";
import { deviceInfo } from "./ha/device.js";
import { alarmEventTopic } from "./ha/entity.js";
import { linkHealth, linkHealthTopic } from "./ha/link-health.js";
import { runIntent } from "./native-commands.js";
import {
  alarmsPayload,
  parseSetPayload,
  statePayload,
  writeErrorPayload,
  writeJobResultPayload,
} from "./payload.js";
import { buildPlan, dependencyKey, type PublishPlan } from "./plan.js";
import { MqttThermostat } from "./thermostat.js";
import { type BridgeTopics, bridgeTopics, classifyCommandTopic, UID_INDEX, uidOf } from "./topics.js";

/** What the bridge needs of the gateway core. */
export type MqttCore = Pick<
  GatewayPort,
  "store" | "alarms" | "dataReady" | "writes" | "on" | "off" | "clock" | "status"
>;

export interface MqttBridgeOptions {
  /** `mqtt://[user:password@]host[:port]` or `mqtts://…`. */
  url: string;
  /** Base topic; `{uid}` is replaced by the controller's UID. */
  baseTopic: string;
  discovery: boolean;
  discoveryPrefix: string;
  selection: MqttPublishSelection;
  /** "" = `econet-gm3-<uid>-<instanceId>` (see {@link defaultClientId}). */
  clientId: string;
  /**
   * This gateway's instance id (kept in STATE_DIR), which makes the default client id its own: two
   * gateways on one controller would otherwise take each other's session. Random per bridge if absent.
   */
  instanceId?: string;
  /** MQTT 5 (retain-as-published shows retained commands on live delivery) or 3.1.1 for old brokers. */
  protocol: MqttProtocol;
  /** READ_ONLY: every entity is read-only. */
  readOnly: boolean;
  /** Panel parameters are writable entities only with ALLOW_PANEL_WRITES. */
  allowPanelWrites: boolean;
  reconnectDelayMinMs: number;
  reconnectDelayMaxMs: number;
  /** A connection closed sooner than this counts as kicked off: the back-off keeps growing. */
  stableConnectionMs: number;
  connectTimeoutMs: number;
  keepaliveSeconds: number;
  logger: Logger;
  /** The virtual room thermostat; undefined or disabled: nothing of it is subscribed or published. */
  thermostat?: ThermostatPort;
  /** THERMOSTAT_MQTT_TOPIC: a topic whose payload is a room temperature; "" or undefined = none. */
  thermostatSourceTopic?: string;
}

export type MqttProtocol = "5" | "3.1.1";

export const MQTT_DEFAULTS = {
  reconnectDelayMinMs: 1_000,
  reconnectDelayMaxMs: 60_000,
  stableConnectionMs: 60_000,
  connectTimeoutMs: 10_000,
  keepaliveSeconds: 30,
} as const;

const ONLINE = "online";
const OFFLINE = "offline";
/** Log a failing reconnection on the first attempt and then every this many. */
const LOG_EVERY_ATTEMPTS = 10;
/** How long stop() waits for the `offline` message to reach the broker. */
const STOP_PUBLISH_TIMEOUT_MS = 1_000;
/** MQTT 5 DISCONNECT reason "Session taken over": another client connected with our client id. */
const SESSION_TAKEN_OVER = 0x8e;
/**
 * MQTT 3.1.1 brokers close the connection without a reason: this many short connections in a row
 * are taken for another client with the same id (a flaky network rarely drops right after CONNACK
 * three times running).
 */
const SHORT_CONNECTIONS_FOR_KICK = 3;
/** No `set` value that fits a GM3 frame (≤ 1,024 bytes) needs a longer payload. */
export const MAX_COMMAND_PAYLOAD_BYTES = 1_024;

/**
 * The client id when MQTT_CLIENT_ID is empty: the controller's UID (for people reading the broker's
 * log) and this gateway's instance id (so two gateways on one controller do not share an id).
 */
export function defaultClientId(uid: string, instanceId: string): string {
  return `econet-gm3-${uid}-${instanceId}`.replace(/[^\x21-\x7e]/g, "_");
}

export type PublishTrigger = "connect" | "birth" | "definitions" | "values";

export interface MqttBridgeStats {
  connected: boolean;
  connections: number;
  statesPublished: number;
  configsPublished: number;
  configsCleared: number;
  commands: number;
}

export class MqttBridge {
  private client: MqttClient | undefined;
  private topics: BridgeTopics | undefined;
  private uid: string | undefined;
  private plan: PublishPlan | undefined;
  private planKey = "";
  /** Discovery configs this bridge believes are retained on the broker. */
  private readonly retainedConfigs = new Map<string, string>();
  private availability: string | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = 0;
  private rebuildScheduled = false;
  private definitionsPending = false;
  private attempts = 0;
  /** When the current connection came up; for telling a kick-off from a stable connection lost. */
  private connectedAt: number | undefined;
  /** The broker said another client took our session over (MQTT 5). */
  private takenOver = false;
  /** Connections in a row that the broker closed soon after they came up. */
  private shortConnections = 0;
  private readonly instanceId: string;
  private stopped = false;
  private started = false;
  private lastError: string | undefined;
  private readonly broker: string;
  readonly stats: MqttBridgeStats = {
    connected: false,
    connections: 0,
    statesPublished: 0,
    configsPublished: 0,
    configsCleared: 0,
    commands: 0,
  };
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  /** The thermostat's topics and entities, when it is enabled. */
  private readonly thermostat: MqttThermostat | undefined;

  private readonly onChange = (change: ParameterChange) => this.valueChanged(change);
  /**
   * New definitions (a rediscovery): their values arrive with the next poll, and gates read on
   * half-read values would remove and re-add entities. The plan is rebuilt once that poll completes.
   */
  private readonly onDefinitions = () => {
    this.definitionsPending = true;
  };
  private readonly onPollComplete = () => {
    const trigger = this.definitionsPending ? "definitions" : "values";
    this.definitionsPending = false;
    this.refresh(trigger);
    this.publishLinkHealth();
  };
  private readonly onStatus = () => {
    this.refresh("values");
    this.publishLinkHealth();
  };
  private readonly onWriteEnded = () => this.publishLinkHealth();
  private readonly alarmEvents = new AlarmEventTracker();
  private readonly onAlarms = (alarms: Alarm[]) => {
    this.publishAlarms(alarms);
    this.publishAlarmEvents(alarms);
  };

  constructor(
    private readonly core: MqttCore,
    private readonly options: MqttBridgeOptions,
  ) {
    this.broker = maskUrlPassword(options.url);
    this.instanceId = options.instanceId ?? randomBytes(4).toString("hex");
    const thermostat = options.thermostat;
    this.thermostat = thermostat?.enabled
      ? new MqttThermostat({
          thermostat,
          clock: core.clock,
          logger: options.logger,
          sourceTopic: options.thermostatSourceTopic ?? "",
          client: () => this.client,
        })
      : undefined;
  }

  /** The client id used (or to be used) with the broker; undefined until the UID is known. */
  get clientId(): string | undefined {
    if (this.uid === undefined) return undefined;
    return this.options.clientId || defaultClientId(this.uid, this.instanceId);
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** The delay of the reconnection now waiting, in ms; undefined when none is scheduled. */
  get pendingReconnectMs(): number | undefined {
    return this.reconnectTimer === undefined ? undefined : this.reconnectDelayMs;
  }

  /** The base topic in use, once the UID is known. */
  get baseTopic(): string | undefined {
    return this.topics?.base;
  }

  /** Called with true/false whenever the broker connection comes up or goes down. */
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Detaches the bridge from the port's events (set by `start`). */
  private unlisten: () => void = () => {};

  /** Subscribes to the core; connects as soon as the UID is known. Never waits for the broker. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // The log already read is the baseline: only what changes after this start is an event.
    if (this.core.alarms.length > 0 || this.core.dataReady()) this.alarmEvents.next(this.core.alarms);
    this.unlisten = listen(this.core, {
      change: this.onChange,
      definitions: this.onDefinitions,
      pollComplete: this.onPollComplete,
      status: this.onStatus,
      alarms: this.onAlarms,
    });
    this.thermostat?.start();
    this.core.writes.on("ended", this.onWriteEnded);
    this.refresh("values");
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unlisten();
    this.thermostat?.stop();
    this.core.writes.off("ended", this.onWriteEnded);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.disconnect();
  }

  // --- connection -----------------------------------------------------------------------------

  /**
   * Connects once complete data is served (the topics need the UID, the entities the values),
   * switches controllers, updates the plan and availability as the state requires.
   */
  private refresh(trigger: PublishTrigger): void {
    if (this.stopped) return;
    if (this.core.dataReady() && !this.definitionsPending) {
      const uid = uidOf(this.core.store.get(UID_INDEX));
      if (uid !== this.uid) {
        void this.switchController(uid);
        return;
      }
      if (trigger === "definitions") this.republish("definitions");
      else this.rebuildIfNeeded();
    }
    this.publishAvailability();
  }

  private async switchController(uid: string): Promise<void> {
    const previous = this.client;
    this.uid = uid;
    this.topics = bridgeTopics({
      baseTemplate: this.options.baseTopic,
      discoveryPrefix: this.options.discoveryPrefix,
      uid,
    });
    this.thermostat?.setBase(this.topics.base);
    this.plan = undefined;
    this.retainedConfigs.clear();
    this.availability = undefined;
    if (previous) {
      this.client = undefined;
      await this.closeClient(previous);
    }
    if (!this.stopped) this.open();
  }

  private open(): void {
    const topics = this.topics!;
    const options: IClientOptions = {
      clientId: this.clientId!,
      clean: true,
      // Reconnection with back-off is done here (mqtt.js only knows a fixed period).
      reconnectPeriod: 0,
      connectTimeout: this.options.connectTimeoutMs,
      keepalive: this.options.keepaliveSeconds,
      protocolVersion: this.options.protocol === "5" ? 5 : 4,
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: topics.availability, payload: Buffer.from(OFFLINE), qos: 1, retain: true },
    };
    const client = connect(this.options.url, options);
    this.client = client;
    client.on("connect", () => this.whenConnected(client));
    client.on("close", () => this.closed(client));
    client.on("error", (error) => {
      // A broker without MQTT 5 answers its CONNECT with "unacceptable protocol version".
      const noV5 = this.options.protocol === "5" && /protocol version/i.test(error.message);
      this.lastError = noV5
        ? `${error.message}: the broker may not speak MQTT 5; set MQTT_PROTOCOL=3.1.1`
        : error.message;
    });
    // MQTT 5 brokers say why they close a connection; "session taken over" means a kick-off.
    client.on("disconnect", (packet) => {
      if (client !== this.client) return;
      if (packet.reasonCode === SESSION_TAKEN_OVER) this.takenOver = true;
      else this.lastError = `the broker disconnected (reason code ${packet.reasonCode ?? 0})`;
    });
    client.on("message", (topic, payload, packet) => {
      // One message that trips a bug must not end the process (the client's stream would rethrow).
      try {
        this.message(topic, payload, packet);
      } catch (error) {
        this.options.logger.error(
          { err: error, topic: topic.slice(0, 200) },
          `internal error handling an MQTT message, survived: ${(error as Error).message}`,
        );
      }
    });
  }

  private whenConnected(client: MqttClient): void {
    if (client !== this.client) return;
    // The back-off is reset when a connection proves stable (see closed()), not on every CONNACK:
    // two clients with one id would otherwise take turns every second for ever.
    this.connectedAt = Date.now();
    this.lastError = undefined;
    this.stats.connected = true;
    this.stats.connections++;
    this.availability = undefined;
    const topics = this.topics!;
    logEvent(this.options.logger, "mqtt.connected", {
      broker: this.broker,
      clientId: client.options.clientId ?? "",
      baseTopic: topics.base,
    });
    for (const listener of this.connectionListeners) listener(true);
    // The own device's config topics are subscribed to even with discovery off: retained configs
    // left by an earlier run with discovery on arrive there and are cleared (the plan has none).
    // Commands with retain-as-published (MQTT 5): a retained `set` keeps its flag when delivered live,
    // so it is refused on every delivery; no-local keeps our own answers from coming back.
    const command = { qos: 1 as const, rap: true, nl: true };
    const plain = { qos: 1 as const };
    const subscriptions = Object.fromEntries([
      ...topics.commandFilters.map((filter) => [filter, command]),
      ...(this.thermostat?.subscriptions(command) ?? []),
      [topics.haStatus, plain],
      [topics.discoveryFilter, plain],
    ]);
    client.subscribe(subscriptions, (error) => {
      if (error) this.lastError = `subscribing failed: ${error.message}`;
    });
    this.republish("connect");
  }

  private closed(client: MqttClient): void {
    if (client !== this.client) return;
    const wasConnected = this.stats.connected;
    this.stats.connected = false;
    if (wasConnected) for (const listener of this.connectionListeners) listener(false);
    if (this.stopped) return;
    const kickedBy = wasConnected ? this.kickedOff() : undefined;
    this.attempts++;
    const delay = Math.min(
      this.options.reconnectDelayMaxMs,
      this.options.reconnectDelayMinMs * 2 ** Math.min(this.attempts - 1, 20),
    );
    if (wasConnected || this.attempts === 1 || this.attempts % LOG_EVERY_ATTEMPTS === 0) {
      logEvent(this.options.logger, "mqtt.disconnected", {
        broker: this.broker,
        reason: kickedBy ?? this.lastError ?? (wasConnected ? "the connection closed" : "no connection"),
        reconnectInMs: delay,
        attempt: this.attempts,
        connected: wasConnected,
      });
    }
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectDelayMs = delay;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped && this.client === client) client.reconnect();
    }, delay);
  }

  /**
   * After a connection that was up closed: resets the back-off if it had been stable, and says
   * whether another client with our id is kicking us off (the broker said so, or it keeps closing
   * the connection right after it came up).
   */
  private kickedOff(): string | undefined {
    const lasted = Date.now() - (this.connectedAt ?? 0);
    const takenOver = this.takenOver;
    this.takenOver = false;
    this.connectedAt = undefined;
    if (!takenOver && lasted >= this.options.stableConnectionMs) {
      this.shortConnections = 0;
      this.attempts = 0;
      return undefined;
    }
    this.shortConnections++;
    const clientId = this.clientId ?? "";
    const same = `another client with the same client id (${clientId}) is connected to the broker`;
    const fix = "give each gateway its own MQTT_CLIENT_ID (or leave it empty)";
    if (takenOver) return `${same} (it took over the session); ${fix}`;
    if (this.shortConnections < SHORT_CONNECTIONS_FOR_KICK) return undefined;
    return `probably ${same} (the broker closed the connection ${this.shortConnections} times in a row within ${Math.round(this.options.stableConnectionMs / 1000)} s of connecting); ${fix}`;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await this.closeClient(client);
  }

  /** Says `offline` (retained) when connected, then closes; bounded in time. */
  private async closeClient(client: MqttClient): Promise<void> {
    if (client.connected && this.topics) {
      const offline = client.publishAsync(this.topics.availability, OFFLINE, { qos: 1, retain: true });
      await withTimeout(offline, STOP_PUBLISH_TIMEOUT_MS);
      await withTimeout(client.endAsync(), STOP_PUBLISH_TIMEOUT_MS);
    }
    client.end(true);
    if (this.stats.connected) {
      this.stats.connected = false;
      for (const listener of this.connectionListeners) listener(false);
    }
  }

  // --- publishing -----------------------------------------------------------------------------

  private canWrite = (definition: ParameterDefinition): boolean =>
    !this.options.readOnly && (definition.space !== "panel" || this.options.allowPanelWrites);

  private currentPlan(): PublishPlan {
    if (!this.plan) {
      this.plan = buildPlan(this.core.store, {
        selection: this.options.selection,
        topics: this.topics!,
        uid: this.uid!,
        discovery: this.options.discovery,
        canWrite: this.canWrite,
      });
      this.planKey = dependencyKey(this.core.store, this.plan.dependencies);
      if (this.options.discovery && this.thermostat) {
        const context = {
          topics: this.topics!,
          device: deviceInfo(this.core.store, this.uid!),
          uid: this.uid!,
        };
        for (const entity of this.thermostat.entities(context))
          this.plan.configs.set(entity.topic, JSON.stringify(entity.config));
      }
      if (this.plan.unknownNames.length > 0) {
        logEvent(this.options.logger, "config.warning", {
          warning: `MQTT_PUBLISH names no parameter called ${this.plan.unknownNames.join(", ")}; they are not published`,
        });
      }
    }
    return this.plan;
  }

  /** Rebuilds the discovery configs when a value they depend on changed; publishes the difference. */
  private rebuildIfNeeded(): void {
    if (!this.plan) return;
    const key = dependencyKey(this.core.store, this.plan.dependencies);
    if (key === this.planKey) return;
    this.plan = undefined;
    this.publishConfigs(this.currentPlan());
    this.publishNativeStates();
  }

  /** Everything: configs (and clearing of stale ones), states, alarms, availability. */
  private republish(trigger: PublishTrigger): void {
    const client = this.client;
    if (!client?.connected) return;
    if (trigger !== "birth") this.plan = undefined;
    const plan = this.currentPlan();
    const { cleared, published } = this.publishConfigs(plan, true);
    let states = 0;
    for (const index of plan.stateTopics.keys()) if (this.publishState(index)) states++;
    this.publishNativeStates();
    this.publishLinkHealth();
    this.publishAlarms(this.core.alarms);
    this.thermostat?.publishState();
    this.publishAvailability(true);
    logEvent(this.options.logger, "mqtt.published", {
      trigger,
      states,
      configs: published,
      cleared,
      baseTopic: this.topics!.base,
    });
  }

  /** Publishes new or changed configs and clears removed ones; `all` re-sends unchanged ones too. */
  private publishConfigs(plan: PublishPlan, all = false): { published: number; cleared: number } {
    const client = this.client;
    let published = 0;
    let cleared = 0;
    if (!client?.connected) return { published, cleared };
    for (const topic of [...this.retainedConfigs.keys()]) {
      if (plan.configs.has(topic)) continue;
      client.publish(topic, "", { qos: 1, retain: true });
      this.retainedConfigs.delete(topic);
      cleared++;
    }
    for (const [topic, payload] of plan.configs) {
      if (!all && this.retainedConfigs.get(topic) === payload) continue;
      client.publish(topic, payload, { qos: 1, retain: true });
      this.retainedConfigs.set(topic, payload);
      published++;
    }
    this.stats.configsPublished += published;
    this.stats.configsCleared += cleared;
    return { published, cleared };
  }

  private publishState(index: number): boolean {
    const client = this.client;
    const topic = this.plan?.stateTopics.get(index);
    const entry = this.core.store.get(index);
    if (!client?.connected || topic === undefined || !entry) return false;
    client.publish(topic, statePayload(entry.definition.type, entry.value), { qos: 0, retain: true });
    this.stats.statesPublished++;
    return true;
  }

  /** The JSON states of the climates and the water heater (all, or those shaped by `indices`). */
  private publishNativeStates(indices?: Iterable<number>): void {
    const client = this.client;
    const native = this.plan?.native;
    if (!client?.connected || !native) return;
    if (indices === undefined) {
      // A climate whose circuit went inactive: its retained state goes with its config.
      const current = new Set(native.entities.map((entity) => entity.stateTopic));
      for (const topic of this.nativeStateTopics) {
        if (!current.has(topic)) client.publish(topic, "", { qos: 1, retain: true });
      }
      this.nativeStateTopics = current;
    }
    const entities = new Set(
      indices === undefined ? native.entities : [...indices].flatMap((i) => native.byIndex.get(i) ?? []),
    );
    for (const entity of entities) {
      client.publish(entity.stateTopic, entity.state(this.core.store), { qos: 0, retain: true });
    }
  }

  private readonly nativeChanges = new Set<number>();
  /** State topics of the native entities last published. */
  private nativeStateTopics = new Set<string>();

  private valueChanged(change: ParameterChange): void {
    if (!this.plan) return;
    this.publishState(change.index);
    if (this.plan.native.byIndex.has(change.index)) {
      // One state per batch of changes (a poll brings many at once).
      if (this.nativeChanges.size === 0) {
        setImmediate(() => {
          const indices = [...this.nativeChanges];
          this.nativeChanges.clear();
          if (!this.stopped) this.publishNativeStates(indices);
        });
      }
      this.nativeChanges.add(change.index);
    }
    if (this.plan.dependencies.has(change.index) && !this.rebuildScheduled) {
      // Poll batches bring many changes at once: one rebuild after the batch.
      this.rebuildScheduled = true;
      setImmediate(() => {
        this.rebuildScheduled = false;
        if (!this.stopped) this.rebuildIfNeeded();
      });
    }
  }

  private publishAlarms(alarms: readonly Alarm[]): void {
    const client = this.client;
    if (!client?.connected || !this.topics) return;
    client.publish(this.topics.alarms, alarmsPayload(alarms), { qos: 1, retain: true });
  }

  /** The link health diagnostics' state (discovery on: they are Home Assistant entities). */
  private publishLinkHealth(): void {
    const client = this.client;
    if (!client?.connected || !this.topics || !this.plan || !this.options.discovery) return;
    const health = linkHealth(this.core.status(), this.core.writes, this.core.clock.now());
    client.publish(linkHealthTopic(this.topics), JSON.stringify(health), { qos: 0, retain: true });
  }

  /** One event message per new alarm and per clearing (not retained: events are moments). */
  private publishAlarmEvents(alarms: readonly Alarm[]): void {
    const events = this.alarmEvents.next(alarms);
    const client = this.client;
    if (!client?.connected || !this.topics) return;
    for (const event of events) {
      client.publish(alarmEventTopic(this.topics), JSON.stringify(event), { qos: 1 });
    }
  }

  /** `online` while connected and the gateway has fresh data; `offline` otherwise. */
  private publishAvailability(force = false): void {
    const client = this.client;
    if (!client?.connected || !this.topics) return;
    const state = this.core.dataReady() ? ONLINE : OFFLINE;
    if (!force && state === this.availability) return;
    this.availability = state;
    client.publish(this.topics.availability, state, { qos: 1, retain: true });
  }

  // --- incoming -------------------------------------------------------------------------------

  private message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const topics = this.topics;
    if (!topics) return;
    if (topic === topics.haStatus) {
      // A retained birth message arrives on every subscription: the connect already published all.
      if (!packet.retain && payload.toString("utf8").trim() === ONLINE) this.republish("birth");
      return;
    }
    if (topic.endsWith("/config") && topic.startsWith(`${topics.discoveryPrefix}/`)) {
      this.staleConfig(topic, payload, packet);
      return;
    }
    if (this.thermostat?.handle(topic, payload, packet)) return;
    const kind = classifyCommandTopic(topic, topics.base);
    if (kind?.kind === "command") this.command(topic, kind.stateTopic, payload, packet);
    else if (kind?.kind === "malformed") this.malformedCommand(topic, kind, payload);
  }

  /** A retained config of this controller that the current plan does not contain: clear it. */
  private staleConfig(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (!packet.retain || payload.length === 0 || !this.plan || this.plan.configs.has(topic)) return;
    this.client?.publish(topic, "", { qos: 1, retain: true });
    this.retainedConfigs.delete(topic);
    this.stats.configsCleared++;
  }

  /** Answers on `<topic>/result` that nothing was done, and logs why. */
  private refuse(
    topic: string,
    target: { name: string; index: number },
    failure: string,
    message: string,
  ): void {
    logEvent(this.options.logger, "mqtt.command.refused", { topic, reason: message });
    const payload = writeErrorPayload(target, { failure, message, sent: false }, this.core.clock.now());
    this.client?.publish(`${topic}/result`, payload, {
      qos: 1,
    });
  }

  /** Not a command payload at all: nothing to answer (answering every cleared retained message is noise). */
  private notACommand(topic: string, payload: Buffer): boolean {
    if (payload.length > 0) return false;
    logEvent(this.options.logger, "mqtt.command.ignored", {
      topic,
      reason: "empty payload (how a retained message is cleared), not a command",
    });
    return true;
  }

  private malformedCommand(
    topic: string,
    kind: { problem: string; error: "bad-topic" | "not-found" },
    payload: Buffer,
  ): void {
    if (this.notACommand(topic, payload)) return;
    this.refuse(
      topic,
      { name: topic.slice(topic.lastIndexOf("/") + 1), index: -1 },
      kind.error,
      kind.problem,
    );
  }

  private command(topic: string, stateTopic: string, payload: Buffer, packet: IPublishPacket): void {
    const resultTopic = `${topic}/result`;
    const index = this.plan?.byTopic.get(stateTopic);
    const entry = index === undefined ? undefined : this.core.store.get(index);
    const target = {
      name: entry?.definition.name ?? stateTopic.slice(stateTopic.lastIndexOf("/") + 1),
      index: index ?? -1,
    };
    const refuse = (failure: string, message: string) => this.refuse(topic, target, failure, message);
    if (this.notACommand(topic, payload)) return;
    // A retained command would be replayed on every reconnection: never act on one. With MQTT 5
    // (retain-as-published) the flag is seen on every delivery; 3.1.1 shows it only on replays.
    if (packet.retain) {
      refuse("retained", "retained set messages are ignored (publish commands without the retain flag)");
      return;
    }
    if (payload.length > MAX_COMMAND_PAYLOAD_BYTES) {
      refuse(
        "payload-too-large",
        `the payload has ${payload.length} bytes; a command has at most ${MAX_COMMAND_PAYLOAD_BYTES}`,
      );
      return;
    }
    const native = this.plan?.native.commands.get(stateTopic);
    if (native) {
      this.stats.commands++;
      const intent = native(payload.toString("utf8"), this.core.store);
      const answer = (result: string) => this.client?.publish(resultTopic, result, { qos: 1 });
      void runIntent(intent, this.core, stateTopic.slice(stateTopic.lastIndexOf("/") + 1), answer);
      return;
    }
    if (index === undefined || !entry) {
      refuse("not-found", `no published parameter has the state topic ${stateTopic}`);
      return;
    }
    this.stats.commands++;
    const type = entry.definition.type;
    const value = parseSetPayload(payload, isTypeCode(type) && TYPE_INFO[type].kind === "string");
    let job: WriteJob;
    try {
      // The write budget (API_WRITE_RATE_LIMIT) is the queue's, shared with HTTP and the CLI.
      job = this.core.writes.submit({ target: index, value, origin: "mqtt" });
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      this.client?.publish(resultTopic, writeErrorPayload(target, error, this.core.clock.now()), { qos: 1 });
      return;
    }
    // One result per command, with the job's final state (a job may wait for the bus for a while).
    void job.ended.then((ended) =>
      this.client?.publish(resultTopic, writeJobResultPayload(ended), { qos: 1 }),
    );
  }
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
