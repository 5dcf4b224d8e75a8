/** Alarms: the controller's alarm log, newest first, active ones marked, with their durations. */
import { h } from "../dom.js";
import { formatDuration, formatNaive, parseNaiveLocal } from "../format.js";
import type { GatewayState } from "../gateway-state.js";
import type { Alarm } from "../types.js";

/** Newest first by start time (the log's own order breaks ties). */
export function sortAlarms(alarms: readonly Alarm[]): Alarm[] {
  return [...alarms].sort(
    (a, b) => parseNaiveLocal(b.from_date) - parseNaiveLocal(a.from_date) || a.index - b.index,
  );
}

/**
 * Text in pieces that do not break inside: a date, a time, "22 min", "so far": a narrow column
 * wraps between them ("2026-01-20" / "07:14:02"), not at a date's hyphen or between a number and
 * its unit. The text itself is unchanged.
 */
function unbroken(text: string): (Node | string)[] {
  const pieces = text.match(/\d+ [a-z]+|so far|\S+/g) ?? [];
  return pieces.flatMap((piece, i) => [...(i > 0 ? [" "] : []), h("span", { class: "nowrap" }, piece)]);
}

export class AlarmsView {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly summary: HTMLElement;
  private visible = false;
  private shownAlarms: unknown;

  constructor(
    private readonly state: GatewayState,
    private readonly refresh: () => void,
  ) {
    this.summary = h("p", { class: "summary", role: "status", "aria-live": "polite" });
    this.body = h("div", { class: "alarms-body" });
    this.root = h(
      "section",
      { class: "view alarms", "aria-labelledby": "alarms-title" },
      h(
        "div",
        { class: "view-head" },
        h("h2", { id: "alarms-title" }, "Alarms"),
        h("button", { type: "button", class: "small", onclick: () => this.refresh() }, "Refresh"),
      ),
      this.summary,
      this.body,
    );
    state.subscribe((view) => {
      // Most state updates are contact times; redraw only when the log itself changed.
      if (this.visible && view.alarms !== this.shownAlarms) this.render();
    });
  }

  show(): void {
    this.visible = true;
    this.refresh();
    this.render();
  }

  hide(): void {
    this.visible = false;
  }

  /** Active alarms' durations grow: redrawn every second while visible. */
  tick(): void {
    this.render();
  }

  private render(): void {
    const { alarms, alarmsError } = this.state.current;
    this.shownAlarms = alarms;
    if (alarms === undefined) {
      this.summary.textContent = alarmsError
        ? `The alarm log cannot be read: ${alarmsError}`
        : "Reading the alarm log…";
      this.body.replaceChildren();
      return;
    }
    const active = alarms.filter((a) => a.to_date === null).length;
    this.summary.textContent =
      alarms.length === 0
        ? "No alarms in the controller's log."
        : `${alarms.length} alarm${alarms.length === 1 ? "" : "s"} in the log, ${active} active.` +
          (alarmsError ? ` (Last refresh failed: ${alarmsError})` : "");
    if (alarms.length === 0) {
      this.body.replaceChildren();
      return;
    }
    const now = Date.now();
    const rows = sortAlarms(alarms).map((alarm) => {
      const from = parseNaiveLocal(alarm.from_date);
      const to = alarm.to_date === null ? undefined : parseNaiveLocal(alarm.to_date);
      const isActive = to === undefined;
      const duration = Number.isNaN(from)
        ? "—"
        : isActive
          ? `${formatDuration(now - from)} so far`
          : formatDuration((to ?? from) - from);
      return h(
        "tr",
        { class: isActive ? "active" : undefined },
        h(
          "td",
          null,
          isActive ? h("span", { class: "badge alert" }, "Active") : h("span", { class: "badge" }, "Ended"),
        ),
        h("td", null, String(alarm.code)),
        h("td", null, ...unbroken(formatNaive(alarm.from_date))),
        h("td", null, ...(alarm.to_date === null ? ["—"] : unbroken(formatNaive(alarm.to_date)))),
        h("td", null, ...unbroken(duration)),
      );
    });
    this.body.replaceChildren(
      h(
        "table",
        { class: "data" },
        h("caption", { class: "visually-hidden" }, "Alarm log, newest first"),
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            h("th", { scope: "col" }, "State"),
            h("th", { scope: "col" }, "Code"),
            h("th", { scope: "col" }, "Started"),
            h("th", { scope: "col" }, "Ended"),
            h("th", { scope: "col" }, "Duration"),
          ),
        ),
        h("tbody", null, ...rows),
      ),
    );
  }
}
