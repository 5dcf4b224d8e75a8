/** Status: the link, the bus (address, token, statistics), discovery, polling and the dashboard's own connection. */
import { type ApiClient, ApiError } from "../api.js";
import { h } from "../dom.js";
import { formatAge, formatDuration, tokenText } from "../format.js";
import type { GatewayState } from "../gateway-state.js";
import type { StatusBody } from "../types.js";

const REFRESH_EVERY_MS = 2_000;

const LINK_KINDS: Readonly<Record<string, string>> = {
  serial: "serial port",
  tcp: "TCP (network converter)",
  sim: "built-in simulator",
};

type Item = [label: string, value: string];

const iso = (text: string | null) => (text === null ? undefined : Date.parse(text));
const yesNo = (value: boolean) => (value ? "yes" : "no");

function section(title: string, items: Item[]): HTMLElement {
  return h(
    "section",
    { class: "card" },
    h("h3", null, title),
    h("dl", null, ...items.flatMap(([label, value]) => [h("dt", null, label), h("dd", null, value)])),
  );
}

function statItems(stats: StatusBody["bus"]["stats"]): Item[] {
  const items: Item[] = [];
  for (const [name, value] of Object.entries(stats)) {
    const label = name.replaceAll("_", " ");
    if (typeof value === "number") items.push([label, value.toLocaleString("en-US")]);
    else
      items.push([
        label,
        Object.entries(value)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      ]);
  }
  return items;
}

export class StatusView {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly note: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last: StatusBody | undefined;
  private visible = false;

  constructor(
    private readonly api: ApiClient,
    private readonly state: GatewayState,
  ) {
    this.note = h("p", { class: "summary", role: "status" });
    this.body = h("div", { class: "cards" });
    this.root = h(
      "section",
      { class: "view status", "aria-labelledby": "status-title" },
      h("h2", { id: "status-title" }, "Status"),
      this.note,
      this.body,
    );
  }

  show(): void {
    this.visible = true;
    void this.load();
  }

  hide(): void {
    this.visible = false;
    clearTimeout(this.timer);
  }

  private async load(): Promise<void> {
    clearTimeout(this.timer);
    try {
      this.last = await this.api.get<StatusBody>("api/status");
      this.note.textContent = "";
    } catch (error) {
      this.note.textContent = `The gateway's status cannot be read: ${error instanceof ApiError ? error.detail : String(error)}`;
    }
    this.render();
    if (this.visible) this.timer = setTimeout(() => void this.load(), REFRESH_EVERY_MS);
  }

  private render(): void {
    const s = this.last;
    const view = this.state.current;
    const now = Date.now();
    const dashboard = section("This page", [
      [
        "Updates",
        view.mode === "live"
          ? "live (WebSocket)"
          : view.mode === "polling"
            ? `polling every ${view.pollEveryMs / 1000} s — ${view.modeDetail}`
            : view.mode === "offline"
              ? `offline — ${view.modeDetail}`
              : "connecting",
      ],
      ["Last contact", formatAge(view.lastContactAt, now)],
      ["API key", view.needsKey ? "needed" : "—"],
    ]);
    if (!s) {
      this.body.replaceChildren(dashboard);
      return;
    }
    const link = s.link;
    this.body.replaceChildren(
      section("Gateway", [
        ["Version", s.version],
        ["Running for", formatDuration(s.uptime_seconds * 1000)],
        ["Data source", s.simulator ? "SIMULATOR (not a real heat pump)" : "heat pump controller"],
        ["Read-only mode", yesNo(s.read_only)],
        ["Data ready", yesNo(s.data_ready)],
        ["Health", view.health ? `${view.health}${view.healthReason ? ` — ${view.healthReason}` : ""}` : "—"],
      ]),
      section("Link", [
        ["Kind", LINK_KINDS[link.kind] ?? link.kind],
        ["Target", link.target],
        ["State", `${link.state} since ${formatAge(iso(link.since), now)}`],
        ["Reconnects", String(link.reconnects)],
        [
          "Last error",
          link.last_error
            ? `${link.last_error.code}: ${link.last_error.message}${link.last_error.hint ? ` (${link.last_error.hint})` : ""}`
            : "none",
        ],
      ]),
      section("Bus", [
        ["Bus address", s.bus.address === null ? "none yet" : `${s.bus.address} (${s.bus.address_state})`],
        ["Token", tokenText(s.bus)],
        ["Last token grant", formatAge(iso(s.bus.last_token_grant_at), now)],
        [
          "Waiting for the token",
          s.bus.waiting_for_token_since
            ? formatAge(iso(s.bus.waiting_for_token_since), now).replace(" ago", "")
            : "no",
        ],
        ["Queue", String(s.bus.queue_length)],
        ["Last frame", formatAge(iso(s.bus.last_frame_at), now)],
      ]),
      section("Discovery", [
        ["State", s.discovery.state],
        ["Source", s.discovery.source ?? "—"],
        ["Last completed", formatAge(iso(s.discovery.last_completed_at), now)],
        [
          "Took",
          s.discovery.last_duration_ms === null
            ? "—"
            : `${(s.discovery.last_duration_ms / 1000).toFixed(1)} s`,
        ],
        ["Parameters", `${s.discovery.regulator_count} controller, ${s.discovery.panel_count} panel`],
        ["Last error", s.discovery.last_error ?? "none"],
      ]),
      section("Polling", [
        ["Every", `${s.poll.interval_ms / 1000} s`],
        ["Cycles", String(s.poll.cycles)],
        ["Last completed", formatAge(iso(s.poll.last_completed_at), now)],
        ["Took", s.poll.last_duration_ms === null ? "—" : `${Math.round(s.poll.last_duration_ms)} ms`],
        ["Failures in a row", String(s.poll.consecutive_failures)],
        ["Last error", s.poll.last_error ?? "none"],
      ]),
      section("Bus statistics", statItems(s.bus.stats)),
      dashboard,
    );
  }
}
