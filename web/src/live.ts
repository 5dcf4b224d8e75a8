/**
 * Keeps the store current. First values come from GET /api/parameters (one request, gzip); then
 * the WebSocket /ws/parameters sends a change per changed value. When the WebSocket is not there
 * (disabled, a proxy that drops upgrades, an older gateway) or drops, the page polls
 * GET /api/parameters and says so, and keeps trying the WebSocket with a growing pause.
 */
import { type ApiClient, ApiError } from "./api.js";
import type { GatewayState } from "./gateway-state.js";
import type { ParameterStore } from "./store.js";
import type {
  Alarm,
  ExpertParametersBody,
  HealthBody,
  LiveMessage,
  ParametersBody,
  StatusBody,
  ThermostatStatusBody,
} from "./types.js";

const HEALTH_EVERY_MS = 10_000;
const WAIT_RETRY_MS = 2_000;
const ALARMS_EVERY_MS = 30_000;
const POLL_MIN_MS = 1_000;
const POLL_MAX_MS = 10_000;
const SOCKET_RETRY_MIN_MS = 2_000;
const SOCKET_RETRY_MAX_MS = 60_000;

export const PARAMETERS_PATH = "api/parameters";
export const SOCKET_PATH = "ws/parameters";

export class LiveSource {
  private socket: WebSocket | undefined;
  private socketRetryMs = SOCKET_RETRY_MIN_MS;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private socketTimer: ReturnType<typeof setTimeout> | undefined;
  private lastAlarmsAt = 0;
  private started = false;
  private readonly thermostatListeners = new Set<(status: ThermostatStatusBody) => void>();

  constructor(
    private readonly api: ApiClient,
    private readonly store: ParameterStore,
    private readonly state: GatewayState,
  ) {}

  /** Called with every `thermostat` message of the stream. */
  onThermostat(listener: (status: ThermostatStatusBody) => void): void {
    this.thermostatListeners.add(listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.heartbeat();
    void this.firstLoad();
  }

  /** Reads the alarm log now (the Alarms view asks when it opens). */
  async refreshAlarms(): Promise<void> {
    this.lastAlarmsAt = Date.now();
    try {
      const body = await this.api.get<{ alarms: Alarm[] }>("api/alarms");
      this.state.update({ alarms: body.alarms, alarmsError: undefined, lastContactAt: Date.now() });
    } catch (error) {
      this.state.update({ alarmsError: describe(error) });
    }
  }

  /** After the person entered a key from the "needs a key" notice. */
  retry(): void {
    this.state.update({ needsKey: false });
    void this.firstLoad();
  }

  private async heartbeat(): Promise<void> {
    await this.checkHealth();
    setTimeout(() => void this.heartbeat(), HEALTH_EVERY_MS);
  }

  private async checkHealth(): Promise<void> {
    const ticket = this.state.healthTicket();
    try {
      const response = await fetch("health", { headers: { accept: "application/json" }, cache: "no-store" });
      const body = (await response.json()) as HealthBody;
      const now = Date.now();
      this.state.update({
        lastPollAt:
          typeof body.last_poll_age_seconds === "number"
            ? now - body.last_poll_age_seconds * 1000
            : undefined,
        ...this.state.healthFrom(ticket, body.status, body.reason),
        simulator: body.simulator,
        simulatorWarning: body.warning,
        readOnly: body.read_only,
        expertWrites: body.expert_writes === true,
        version: body.version,
        lastContactAt: now,
        ...(this.state.current.mode === "offline" ? { mode: this.socket ? "live" : "polling" } : {}),
      });
    } catch {
      this.state.update({ mode: "offline", modeDetail: "the gateway does not answer" });
    }
  }

  private async firstLoad(): Promise<void> {
    const loaded = await this.loadParameters();
    if (loaded === "retry") {
      setTimeout(() => void this.firstLoad(), WAIT_RETRY_MS);
      return;
    }
    if (loaded === "needs-key") return;
    void this.loadExpertParameters();
    void this.refreshAlarms();
    void this.readPollInterval();
    this.openSocket();
  }

  /** Which parameters are service parameters: locked, or confirmed before a write (editor.ts). */
  private async loadExpertParameters(): Promise<void> {
    try {
      const body = await this.api.get<ExpertParametersBody>("api/expert-parameters");
      this.state.update({
        expert: new Map(body.parameters.map((p) => [p.index, p])),
        expertWrites: body.expert_writes,
      });
    } catch {
      // Not answered: nothing is locked here, and the gateway still refuses gated writes itself.
    }
  }

  /** One GET /api/parameters into the store. */
  private async loadParameters(): Promise<"ok" | "retry" | "needs-key"> {
    const ticket = this.state.healthTicket();
    try {
      const body = await this.api.get<ParametersBody>(PARAMETERS_PATH);
      this.store.applySnapshot(body.parameters);
      this.state.update({ waiting: undefined, lastContactAt: Date.now() });
      // Data again after trouble: learn the health now rather than at the next heartbeat.
      const { health } = this.state.current;
      if (health !== undefined && health !== "healthy") void this.checkHealth();
      return "ok";
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.state.update({ needsKey: true, waiting: error.detail });
        return "needs-key";
      }
      if (error instanceof ApiError && error.status === 0) {
        this.state.update({ mode: "offline", modeDetail: error.detail });
      } else if (error instanceof ApiError && error.status === 503) {
        // Link down, rediscovering: what is on screen is no longer current.
        this.state.update({
          waiting: error.detail,
          ...this.state.healthFrom(ticket, "unhealthy", error.detail),
          lastContactAt: Date.now(),
        });
      } else {
        this.state.update({ waiting: describe(error), lastContactAt: Date.now() });
      }
      return "retry";
    }
  }

  /** The gateway's poll interval sets how often the fallback polls. */
  private async readPollInterval(): Promise<void> {
    try {
      const status = await this.api.get<StatusBody>("api/status");
      const every = Math.min(Math.max(status.poll.interval_ms, POLL_MIN_MS), POLL_MAX_MS);
      this.state.update({ pollEveryMs: every });
    } catch {
      // Keep the default.
    }
  }

  private openSocket(): void {
    clearTimeout(this.socketTimer);
    const url = new URL(SOCKET_PATH, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    // Browsers cannot set headers on a WebSocket: the gateway takes the key as ?key=.
    const key = this.api.key;
    if (key) url.searchParams.set("key", key);
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      this.socketFailed(`cannot open the WebSocket: ${(error as Error).message}`);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.socketRetryMs = SOCKET_RETRY_MIN_MS;
      this.stopPolling();
      this.state.update({ mode: "live", modeDetail: "", lastContactAt: Date.now() });
    };
    socket.onmessage = (event) => this.onMessage(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.socketFailed(
        opened
          ? `the live connection closed (${event.code}${event.reason ? `: ${event.reason}` : ""})`
          : "live updates (WebSocket) are not available",
      );
    };
  }

  private socketFailed(detail: string): void {
    const mode = this.state.current.mode === "offline" ? "offline" : "polling";
    this.state.update({ mode, modeDetail: detail });
    this.startPolling();
    this.socketTimer = setTimeout(() => this.openSocket(), this.socketRetryMs);
    this.socketRetryMs = Math.min(this.socketRetryMs * 2, SOCKET_RETRY_MAX_MS);
  }

  private onMessage(data: unknown): void {
    if (typeof data !== "string") return;
    let message: LiveMessage;
    try {
      message = JSON.parse(data) as LiveMessage;
    } catch {
      return;
    }
    const now = Date.now();
    switch (message.type) {
      case "snapshot":
        this.store.applySnapshot(message.parameters);
        this.state.update({
          lastContactAt: now,
          waiting: undefined,
          ...this.state.healthFrom(this.state.healthTicket(), message.status.health, message.status.reason),
          alarms: message.alarms,
          alarmsError: undefined,
        });
        break;
      case "change":
        this.store.applyValue(message.index, message.value);
        this.state.update({ lastContactAt: now });
        break;
      case "status": {
        const changed = message.health !== this.state.current.health;
        this.state.update({
          lastContactAt: now,
          ...this.state.healthFrom(this.state.healthTicket(), message.health, message.reason),
        });
        // The health changed: learn when the gateway last read the controller now, not at the next heartbeat.
        if (changed) void this.checkHealth();
        break;
      }
      case "alarms":
        this.state.update({ lastContactAt: now, alarms: message.alarms, alarmsError: undefined });
        break;
      case "thermostat":
        for (const listener of this.thermostatListeners) listener(message);
        break;
    }
  }

  private startPolling(): void {
    if (this.pollTimer !== undefined) return;
    const tick = async () => {
      const result = await this.loadParameters();
      if (result === "ok" && this.state.current.mode === "offline") {
        this.state.update({ mode: "polling" });
      }
      if (Date.now() - this.lastAlarmsAt >= ALARMS_EVERY_MS) void this.refreshAlarms();
      if (this.pollTimer !== undefined) this.pollTimer = setTimeout(tick, this.state.current.pollEveryMs);
    };
    this.pollTimer = setTimeout(tick, this.state.current.pollEveryMs);
  }

  private stopPolling(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  return (error as Error).message ?? String(error);
}
