/**
 * The virtual room thermostat's card (issue 16): whether it is paired with the panel, where the
 * room temperature the panel is told comes from, the last value received and its age, a warning
 * when that value is stale, and a pair button with the 60 s countdown and what to do on the panel.
 * Reads `GET /api/thermostat/status` (every 10 s, every second while a pairing window is open), takes
 * the live stream's `thermostat` messages as they come, and posts `POST /api/thermostat/pair`. Hidden while the thermostat is disabled (THERMOSTAT_ENABLED, off
 * by default: the overview stays as it was) or the gateway does not answer the status call.
 */
import { type ApiClient, ApiError } from "../api.js";
import { h, setText } from "../dom.js";
import { formatDuration } from "../format.js";
import type { ThermostatStatusBody } from "../types.js";

const REFRESH_EVERY_MS = 10_000;
const REFRESH_PAIRING_MS = 1_000;
/** The pairing window (PROTOCOL.md §17.5), counted here when the gateway does not say what is left. */
export const PAIRING_WINDOW_SECONDS = 60;
const PAIRING_STATES = new Set(["pairing_requested", "beacon_responded", "tentative"]);

const celsius = (value: number) => `${value.toFixed(1)} °C`;

export function sourceText(source: string): string {
  if (source === "ha") return "Home Assistant";
  if (source === "persisted") return "the last value received, kept across the restart";
  if (source === "fallback") return "the fallback value (nothing received yet)";
  const backup = /^backup:(\d+)$/.exec(source);
  if (backup) return `the wired thermostat at bus address ${backup[1]} (backup)`;
  return source;
}

export function pairingText(status: Pick<ThermostatStatusBody, "pairing_state" | "bus_address">): string {
  switch (status.pairing_state) {
    case "paired":
      return status.bus_address === null ? "paired" : `paired (bus address ${status.bus_address})`;
    case "pairing_requested":
      return "waiting for the panel's pairing mode";
    case "beacon_responded":
      return "answering the panel, waiting for its address";
    case "tentative":
      return "address claimed, waiting for the panel to confirm";
    default:
      return "not paired";
  }
}

export class ThermostatCard {
  readonly root: HTMLElement;
  private readonly details: HTMLElement;
  private readonly pairing: HTMLElement;
  private readonly effective: HTMLElement;
  private readonly source: HTMLElement;
  private readonly last: HTMLElement;
  private readonly age: HTMLElement;
  private readonly humidityRow: HTMLElement[];
  private readonly humidity: HTMLElement;
  private readonly staleWarning: HTMLElement;
  /** Announces changes of state only (stale, paired, pairing result), never the ticking ages. */
  private readonly live: HTMLElement;
  private readonly pairButton: HTMLButtonElement;
  private readonly pairHelp: HTMLElement;
  private readonly countdown: HTMLElement;
  private readonly pairError: HTMLElement;
  private status: ThermostatStatusBody | undefined;
  private readAt = 0;
  /** When the window this page opened ends (ms), if the gateway does not say itself. */
  private windowEndsAt: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private liveKey = "";

  constructor(private readonly api: ApiClient) {
    const row = (label: string, value: HTMLElement) => [h("dt", null, label), h("dd", null, value)];
    this.pairing = h("span", { "data-field": "pairing" });
    this.effective = h("span", { "data-field": "effective" });
    this.source = h("span", { "data-field": "source" });
    this.last = h("span", { "data-field": "last" });
    this.age = h("span", { "data-field": "age" });
    this.humidity = h("span", { "data-field": "humidity" });
    this.humidityRow = row("Humidity", this.humidity);
    this.details = h(
      "dl",
      null,
      ...row("Panel", this.pairing),
      ...row("Told to the panel", this.effective),
      ...row("Comes from", this.source),
      ...row("Last value received", this.last),
      ...row("Received", this.age),
      ...this.humidityRow,
    );
    this.staleWarning = h("p", { class: "banner warn thermostat-stale", hidden: true });
    this.live = h("p", { class: "visually-hidden", role: "status" });
    this.countdown = h("span", { class: "countdown" });
    this.pairHelp = h(
      "div",
      { class: "pair-help", hidden: true, id: "thermostat-pair-help" },
      h("p", null, "Pairing window open: ", this.countdown, "."),
      h(
        "p",
        null,
        "Now, on the heat pump's panel, start the search for a new room thermostat (the panel's pairing mode). " +
          "The gateway answers as an ecoSTER 40; the panel assigns it an address and this card shows it as paired.",
      ),
    );
    this.pairError = h("p", { class: "error", role: "alert", hidden: true });
    this.pairButton = h(
      "button",
      {
        type: "button",
        class: "small",
        "aria-describedby": "thermostat-pair-help",
        onclick: () => void this.pair(),
      },
      "Pair with the panel",
    );
    this.root = h(
      "section",
      { class: "card thermostat", "aria-labelledby": "thermostat-title", hidden: true },
      h("h3", { id: "thermostat-title" }, "Room thermostat"),
      this.live,
      this.staleWarning,
      this.details,
      h("div", { class: "tile-actions" }, this.pairButton),
      this.pairHelp,
      this.pairError,
    );
  }

  start(): void {
    void this.refresh();
  }

  /** A status pushed by the live stream (a `thermostat` message): shown at once. */
  apply(status: ThermostatStatusBody): void {
    this.status = status;
    this.readAt = Date.now();
    this.root.hidden = !status.enabled;
    this.render(status);
    // A pairing window opened elsewhere (Home Assistant, MQTT): follow it every second.
    if (this.pairingOpen()) void this.refresh();
  }

  /** Every second: ages and the countdown. */
  tick(): void {
    if (this.status) this.render(this.status);
  }

  /** Reads the status now (and schedules the next read). */
  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    try {
      this.status = await this.api.get<ThermostatStatusBody>("api/thermostat/status");
      this.readAt = Date.now();
      this.root.hidden = !this.status.enabled;
      this.render(this.status);
    } catch (error) {
      // A gateway without the calls, or not answering: no card rather than a wrong one.
      if (error instanceof ApiError && this.status === undefined) this.root.hidden = true;
    }
    this.timer = setTimeout(
      () => void this.refresh(),
      this.pairingOpen() ? REFRESH_PAIRING_MS : REFRESH_EVERY_MS,
    );
  }

  private secondsLeft(now: number): number | undefined {
    const status = this.status;
    if (!status || !PAIRING_STATES.has(status.pairing_state ?? "")) return undefined;
    if (typeof status.pairing_window_seconds === "number") {
      return Math.max(0, status.pairing_window_seconds - Math.floor((now - this.readAt) / 1000));
    }
    if (this.windowEndsAt === undefined) return undefined;
    return Math.max(0, Math.ceil((this.windowEndsAt - now) / 1000));
  }

  private pairingOpen(): boolean {
    return PAIRING_STATES.has(this.status?.pairing_state ?? "");
  }

  private render(status: ThermostatStatusBody): void {
    const now = Date.now();
    if (!status.enabled) return;
    setText(this.pairing, pairingText(status));
    setText(this.effective, celsius(status.effective_temperature));
    setText(this.source, sourceText(status.effective_source));
    setText(this.last, status.temperature === null ? "none yet" : celsius(status.temperature));
    const ageSeconds =
      status.age_seconds === null ? undefined : status.age_seconds + (now - this.readAt) / 1000;
    setText(this.age, ageSeconds === undefined ? "never" : `${formatDuration(ageSeconds * 1000)} ago`);
    const humidity = status.humidity ?? null;
    for (const node of this.humidityRow) node.hidden = humidity === null;
    setText(this.humidity, humidity === null ? "" : `${humidity} %`);

    this.staleWarning.hidden = !status.is_stale;
    const maxAge = formatDuration(status.max_age_seconds * 1000);
    setText(
      this.staleWarning,
      status.temperature === null
        ? `No room temperature received yet: the panel is told ${celsius(status.effective_temperature)} (${sourceText(status.effective_source)}). ` +
            "Feed it from Home Assistant (the integration, an automation or MQTT)."
        : `Stale: no room temperature received for more than ${maxAge}. The panel is told ${celsius(status.effective_temperature)} ` +
            `(${status.effective_source === "ha" ? "the last value received" : sourceText(status.effective_source)}). ` +
            "Check the Home Assistant feed.",
    );

    const left = this.secondsLeft(now);
    const open = this.pairingOpen() && left !== undefined && left > 0;
    this.pairHelp.hidden = !open;
    this.pairButton.disabled = open;
    setText(this.countdown, `${left ?? 0} s left`);
    if (!this.pairingOpen()) this.windowEndsAt = undefined;

    const key = `${status.is_stale}|${status.pairing_state}`;
    if (key !== this.liveKey) {
      if (this.liveKey !== "") {
        setText(
          this.live,
          status.is_stale
            ? "Room thermostat: the room temperature is stale."
            : `Room thermostat: ${pairingText(status)}; the room temperature is current.`,
        );
      }
      this.liveKey = key;
    }
  }

  private async pair(): Promise<void> {
    this.pairError.hidden = true;
    this.pairButton.disabled = true;
    try {
      await this.api.post("api/thermostat/pair", undefined);
      this.windowEndsAt = Date.now() + PAIRING_WINDOW_SECONDS * 1000;
      setText(this.live, "Pairing window open for 60 seconds: start the pairing mode on the panel now.");
    } catch (error) {
      this.pairError.hidden = false;
      setText(
        this.pairError,
        error instanceof ApiError ? `Pairing not started: ${error.detail}` : "Pairing not started.",
      );
    }
    await this.refresh();
    this.pairButton.disabled = this.pairHelp.hidden === false;
  }
}
