/** The gateway as the page sees it: health, connection, alarms. Views subscribe to changes. */
import { formatDuration } from "./format.js";
import type { Alarm, ExpertParameter, HealthState } from "./types.js";

/**
 * `live`: WebSocket open; `polling`: WebSocket unavailable, the page asks every few seconds;
 * `offline`: the gateway does not answer; `connecting`: first load.
 */
export type ConnectionMode = "connecting" | "live" | "polling" | "offline";

export interface GatewayView {
  mode: ConnectionMode;
  /** Why the mode is what it is (e.g. the WebSocket's failure). */
  modeDetail: string;
  /** Seconds between polls while polling. */
  pollEveryMs: number;
  health: HealthState | undefined;
  healthReason: string | null;
  simulator: boolean;
  simulatorWarning: string | undefined;
  readOnly: boolean;
  /** EXPERT_WRITES on the gateway: service parameters may be written, after a confirmation. */
  expertWrites: boolean;
  /** Service parameters by index (GET /api/expert-parameters): locked or confirmed before a write. */
  expert: ReadonlyMap<number, ExpertParameter>;
  version: string | undefined;
  /**
   * When the gateway last completed a poll of the controller (ms, on the page's clock): the age of
   * the data, from GET /health's `last_poll_age_seconds`; undefined until known or before any poll.
   */
  lastPollAt: number | undefined;
  /** Last answer of any kind from the gateway (ms). */
  lastContactAt: number | undefined;
  /** Why there are no values yet (503 before the first poll, a missing key, …). */
  waiting: string | undefined;
  /** The alarm log, newest first; undefined until read. */
  alarms: Alarm[] | undefined;
  alarmsError: string | undefined;
  /** Keys are configured and none was given (the person cancelled the prompt). */
  needsKey: boolean;
}

/** Without contact for this long the values count as old, whatever the last health said. */
export const STALE_CONTACT_MS = 30_000;

export class GatewayState {
  private view: GatewayView = {
    mode: "connecting",
    modeDetail: "",
    pollEveryMs: 5_000,
    health: undefined,
    healthReason: null,
    simulator: false,
    simulatorWarning: undefined,
    readOnly: false,
    expertWrites: false,
    expert: new Map(),
    version: undefined,
    lastPollAt: undefined,
    lastContactAt: undefined,
    waiting: undefined,
    alarms: undefined,
    alarmsError: undefined,
    needsKey: false,
  };
  private readonly listeners = new Set<(view: GatewayView) => void>();
  private healthTickets = 0;
  private appliedHealthTicket = 0;

  get current(): Readonly<GatewayView> {
    return this.view;
  }

  update(changes: Partial<GatewayView>): void {
    this.view = { ...this.view, ...changes };
    for (const listener of this.listeners) listener(this.view);
  }

  /**
   * A ticket for health news: taken when a request for it is sent (GET /health, a 503 from
   * GET /api/parameters) or when a push arrives on the WebSocket. Answers arrive out of order: a
   * /health answer computed before the link's first reconnection attempt can land after the push
   * that reported that attempt.
   */
  healthTicket(): number {
    return ++this.healthTickets;
  }

  /**
   * The health and its reason from news with `ticket`, or nothing when newer news was applied
   * already (the push stream reports every later change, so nothing newer is lost).
   */
  healthFrom(ticket: number, health: HealthState, healthReason: string | null): Partial<GatewayView> {
    if (ticket < this.appliedHealthTicket) return {};
    this.appliedHealthTicket = ticket;
    return { health, healthReason };
  }

  subscribe(listener: (view: GatewayView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Why the values on screen may be old, or undefined when they are current. */
  staleReason(now: number): string | undefined {
    const v = this.view;
    if (v.mode === "offline") return "the gateway does not answer";
    if (v.lastContactAt !== undefined && now - v.lastContactAt > STALE_CONTACT_MS) {
      return "no answer from the gateway for a while";
    }
    if (v.health !== undefined && v.health !== "healthy")
      return v.healthReason ?? `the gateway is ${v.health}`;
    return undefined;
  }
}

export interface StaleNote {
  /** That the values may be old, and why: announced (a live region) when its key changes. */
  state: string;
  /** How old the data is: changes every second, so never in a live region. */
  age: string;
  /**
   * The reason's headline, without numbers: announce again only when this differs. The details
   * after it change while the state does not (which error the last reconnection attempt got, how
   * many parameters discovery has read, how many seconds since the last poll).
   */
  key: string;
}

/** The overview's note while the values may be old, or undefined when they are current. */
export function staleNote(view: GatewayView, reason: string | undefined, now: number): StaleNote | undefined {
  if (reason === undefined) return undefined;
  const state = `Stale: these values may be old — ${reason}.`;
  const age =
    view.lastPollAt === undefined
      ? "The gateway has not reported a complete read of the controller yet."
      : `The gateway last completed a read of the controller's values ${formatDuration(now - view.lastPollAt)} ago.`;
  return { state, age, key: reasonHeadline(reason) };
}

/** The reason up to its first detail (a parenthesis or a colon), numbers replaced by `#`. */
export function reasonHeadline(reason: string): string {
  const detail = /\s\(|:\s/.exec(reason);
  const headline = detail === null ? reason : reason.slice(0, detail.index);
  return headline.replace(/\d+(\.\d+)?/g, "#");
}
