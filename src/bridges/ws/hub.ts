/**
 * The live hub behind `/ws/parameters`: it listens to the store and the core once, builds each
 * message once, and hands it to the clients whose filter matches, each through its own bounded
 * channel. It knows nothing of HTTP; the Fastify plugin attaches sockets to it.
 */

import type {
  Alarm,
  GatewayPort,
  GatewayStatus,
  ParameterChange,
  ParameterEntry,
  ThermostatPort,
  WriteJob,
} from "../../port/index.js";
import { listen } from "../../port/index.js";
import { ThermostatWatch } from "../../views/thermostat-watch.js";
import { type ChannelOptions, CLOSE_GOING_AWAY, ClientChannel, type LiveSocket } from "./channel.js";
import { matches, type ParameterFilter } from "./filter.js";
import {
  alarmsMessage,
  changeMessage,
  type LiveStatus,
  type ParameterEncoding,
  snapshotMessage,
  statusMessage,
  thermostatMessage,
  writeMessage,
} from "./messages.js";

export type LiveCore = Pick<
  GatewayPort,
  "store" | "alarms" | "status" | "dataReady" | "on" | "off" | "clock" | "writes"
>;

export interface LiveHubOptions extends ChannelOptions {
  encoding: ParameterEncoding;
  /** Health in one word and why (the HTTP API's /health assessment). */
  health(status: GatewayStatus): { state: string; reason: string | null };
  /** Told when a client is closed for falling behind (for the log). */
  onTooSlow?(client: string, queued: number): void;
  /**
   * Re-assess the health this often (ms; 0 = never) and push a status when its state changed:
   * time alone turns it degraded (no poll for too long), with no event to announce it.
   */
  healthCheckMs?: number;
  /** The virtual room thermostat; undefined or disabled: no `thermostat` messages. */
  thermostat?: ThermostatPort;
}

/** Health is re-assessed every 5 s unless told otherwise. */
export const HEALTH_CHECK_MS = 5_000;

interface Client {
  channel: ClientChannel;
  filter: ParameterFilter | undefined;
  /** Changes are sent only after the snapshot they follow. */
  snapshotSent: boolean;
}

export interface LiveHubStats {
  clients: number;
  connections: number;
  slowDisconnects: number;
  messages: number;
}

export class LiveHub {
  private readonly clients = new Set<Client>();
  private lastStatus = "";
  /** The health state of the last status sent (or assessed when no client was there). */
  private lastHealth = "";
  private readonly healthTimer: NodeJS.Timeout | undefined;
  private connections = 0;
  private slowDisconnects = 0;
  private sentByClosed = 0;

  private readonly onChange = (change: ParameterChange) => this.broadcastChange(change);
  private readonly onDefinitions = () => {
    // The structure may have changed: everyone gets a fresh snapshot once data is ready again.
    for (const client of this.clients) client.snapshotSent = false;
    this.sendPendingSnapshots();
  };
  private readonly onStatus = () => {
    this.broadcastStatus();
    this.sendPendingSnapshots();
  };
  private readonly onAlarms = (alarms: Alarm[]) => {
    const message = alarmsMessage(alarms, this.core.clock.now());
    for (const client of this.clients) if (client.snapshotSent) client.channel.push(message);
  };

  private readonly onWriteEnded = (job: WriteJob) => {
    let message: string | undefined;
    for (const client of this.clients) {
      if (!client.snapshotSent || !matches(client.filter, job.index, job.accepted.name)) continue;
      message ??= writeMessage(job, this.core.clock.now());
      client.channel.push(message);
    }
  };

  /** Detaches the hub from the port's events. */
  private readonly unlisten: () => void;
  /** Watches the thermostat's status, when it is enabled. */
  private readonly thermostat: ThermostatWatch | undefined;

  constructor(
    private readonly core: LiveCore,
    private readonly options: LiveHubOptions,
  ) {
    this.unlisten = listen(core, {
      change: this.onChange,
      writeEnded: this.onWriteEnded,
      definitions: this.onDefinitions,
      pollComplete: this.onStatus,
      status: this.onStatus,
      alarms: this.onAlarms,
    });
    const status = this.liveStatus();
    this.lastStatus = JSON.stringify(status);
    this.lastHealth = status.health;
    const every = options.healthCheckMs ?? HEALTH_CHECK_MS;
    if (every > 0) {
      this.healthTimer = setInterval(() => this.recheckHealth(), every);
      // A low-rate check must never keep the process alive on its own.
      this.healthTimer.unref();
    }
    if (options.thermostat?.enabled) {
      this.thermostat = new ThermostatWatch(options.thermostat, core.clock);
      this.thermostat.onChange((status) => {
        const message = thermostatMessage(status, this.core.clock.now());
        for (const client of this.clients) client.channel.push(message);
      });
    }
  }

  get stats(): LiveHubStats {
    let sent = this.sentByClosed;
    for (const client of this.clients) sent += client.channel.sent;
    return {
      clients: this.clients.size,
      connections: this.connections,
      slowDisconnects: this.slowDisconnects,
      messages: sent,
    };
  }

  /** Attaches a connected socket; returns what the socket's close handler must call. */
  attach(socket: LiveSocket, filter: ParameterFilter | undefined, label = "client"): () => void {
    const client: Client = {
      channel: new ClientChannel(socket, this.options, (queued) => {
        this.slowDisconnects++;
        this.options.onTooSlow?.(label, queued);
      }),
      filter,
      snapshotSent: false,
    };
    this.clients.add(client);
    this.connections++;
    client.channel.push(statusMessage(this.liveStatus(), this.core.clock.now()));
    if (this.thermostat)
      client.channel.push(thermostatMessage(this.thermostat.check(), this.core.clock.now()));
    this.sendSnapshot(client);
    return () => {
      if (!this.clients.delete(client)) return;
      this.sentByClosed += client.channel.sent;
      client.channel.dispose();
    };
  }

  /** Closes every client (the gateway is stopping) and stops listening. */
  close(): void {
    clearInterval(this.healthTimer);
    this.thermostat?.stop();
    this.unlisten();
    for (const client of this.clients) client.channel.close(CLOSE_GOING_AWAY, "the gateway is stopping");
  }

  private liveStatus(): LiveStatus {
    const status = this.core.status();
    const health = this.options.health(status);
    return {
      link: status.link.state,
      data_ready: status.dataReady,
      data_state: status.data.state,
      health: health.state,
      reason: health.reason,
      discovery: status.discovery.state,
    };
  }

  /** Pushes a status only when the health state changed (a reason's age in seconds does not count). */
  private recheckHealth(): void {
    const status = this.liveStatus();
    if (status.health !== this.lastHealth) this.broadcastStatus(status);
  }

  private broadcastStatus(status = this.liveStatus()): void {
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.lastHealth = status.health;
    const message = statusMessage(status, this.core.clock.now());
    for (const client of this.clients) client.channel.push(message);
  }

  private sendPendingSnapshots(): void {
    for (const client of this.clients) if (!client.snapshotSent) this.sendSnapshot(client);
  }

  /** Sends the snapshot if the data is ready (HTTP would answer 503 before that). */
  private sendSnapshot(client: Client): void {
    if (!this.core.dataReady() || client.channel.closed) return;
    const entries: ParameterEntry[] = [];
    const seenNames = new Set<string>();
    const seenIndices = new Set<number>();
    for (const entry of this.core.store.all()) {
      const { definition } = entry;
      if (!definition.exposed || !matches(client.filter, definition.index, definition.name)) continue;
      entries.push(entry);
      seenNames.add(definition.name);
      seenIndices.add(definition.index);
    }
    const unknown = client.filter
      ? [
          ...[...client.filter.names].filter((name) => !seenNames.has(name)),
          ...[...client.filter.indices].filter((index) => !seenIndices.has(index)).map(String),
        ]
      : [];
    client.channel.push(
      snapshotMessage({
        entries,
        encoding: this.options.encoding,
        status: this.liveStatus(),
        alarms: this.core.alarms,
        now: this.core.clock.now(),
        unknown,
      }),
    );
    client.snapshotSent = true;
  }

  private broadcastChange(change: ParameterChange): void {
    if (this.clients.size === 0) return;
    const entry = this.core.store.get(change.index);
    if (!entry?.definition.exposed) return;
    let message: string | undefined;
    for (const client of this.clients) {
      if (!client.snapshotSent || !matches(client.filter, change.index, change.name)) continue;
      message ??= changeMessage(change, entry.definition.type, this.options.encoding);
      client.channel.push(message);
    }
  }
}
