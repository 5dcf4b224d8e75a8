/**
 * Trend: a small chart of one numeric parameter over the time this page has seen it (values are
 * recorded by the store from the first load on; the gateway keeps no history). Hand-drawn SVG:
 * a step line — a value holds until the next change — extended to now.
 */
import { h, setText, svg } from "../dom.js";
import { formatClock, formatDuration, formatValue, isNumeric, unitSymbol } from "../format.js";
import type { ParameterStore } from "../store.js";

const HEIGHT_PX = 240;
const PAD = { top: 12, right: 12, bottom: 28, left: 56 };
const MIN_WIDTH_PX = 280;

export class TrendView {
  readonly root: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly options: HTMLDataListElement;
  private readonly chartHost: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly message: HTMLElement;
  private selected: number | undefined;
  private visible = false;

  constructor(
    private readonly store: ParameterStore,
    private readonly navigate: (index: number) => void,
  ) {
    this.options = h("datalist", { id: "trend-options" });
    this.input = h("input", {
      id: "trend-input",
      type: "text",
      list: "trend-options",
      placeholder: "Name or index, e.g. TempWthr",
      autocomplete: "off",
      spellcheck: "false",
    });
    this.message = h("p", { class: "editor-message", role: "status", "aria-live": "polite" });
    this.summary = h("p", { class: "summary" });
    this.chartHost = h("div", { class: "chart" });
    this.root = h(
      "section",
      { class: "view trend", "aria-labelledby": "trend-title" },
      h("h2", { id: "trend-title" }, "Trend"),
      h(
        "form",
        {
          class: "controls",
          onsubmit: (event: Event) => {
            event.preventDefault();
            this.pick(this.input.value);
          },
        },
        h("label", { for: "trend-input", class: "search" }, h("span", null, "Parameter"), this.input),
        h("button", { type: "submit" }, "Show"),
      ),
      this.message,
      this.options,
      this.summary,
      this.chartHost,
    );
    store.subscribe((event) => {
      if (event.kind === "structure") this.fillOptions();
      else if (this.visible && this.selected !== undefined && event.indices.includes(this.selected))
        this.render();
    });
  }

  show(index: number | undefined): void {
    this.visible = true;
    if (this.options.childElementCount === 0) this.fillOptions();
    if (index !== undefined) this.selected = index;
    const row = this.selected === undefined ? undefined : this.store.get(this.selected);
    if (row) this.input.value = row.name;
    this.render();
  }

  hide(): void {
    this.visible = false;
  }

  /** Extends the line to now. */
  tick(): void {
    if (this.visible) this.render();
  }

  private fillOptions(): void {
    const options = this.store
      .all()
      .filter((row) => isNumeric(row))
      .map((row) => h("option", { value: row.name }, `${row.index}`));
    this.options.replaceChildren(...options);
  }

  private pick(text: string): void {
    const needle = text.trim();
    const row = /^\d+$/.test(needle) ? this.store.get(Number(needle)) : this.store.byNameLookup(needle);
    if (!row) {
      this.message.className = "editor-message error";
      this.message.textContent = `No parameter called “${needle}”.`;
      return;
    }
    if (!isNumeric(row)) {
      this.message.className = "editor-message error";
      this.message.textContent = `${row.name} is not a number; only numeric parameters have a trend.`;
      return;
    }
    this.message.textContent = "";
    this.navigate(row.index);
  }

  private render(): void {
    const index = this.selected;
    const row = index === undefined ? undefined : this.store.get(index);
    const series = index === undefined ? undefined : this.store.series(index);
    if (!row || !series || series.times.length === 0) {
      setText(
        this.summary,
        row ? `${row.name} has no numeric values yet.` : "Pick a numeric parameter to see how it moves.",
      );
      this.chartHost.replaceChildren();
      return;
    }
    const now = Date.now();
    const unit = unitSymbol(row.unit);
    const { times, values } = series;
    const start = times[0] ?? now;
    const min = Math.min(...values);
    const max = Math.max(...values);
    const current = formatValue(row.value, row.type);
    setText(
      this.summary,
      `${row.name} (${row.index}): now ${current}${unit ? ` ${unit}` : ""}; ` +
        `${values.length} value${values.length === 1 ? "" : "s"} over ${formatDuration(now - start)}, ` +
        `min ${formatValue(min, row.type)}, max ${formatValue(max, row.type)}.`,
    );
    this.chartHost.replaceChildren(
      this.chart(times, values, start, now, min, max, `${row.name}${unit ? ` (${unit})` : ""}`),
    );
  }

  private chart(
    times: number[],
    values: number[],
    start: number,
    now: number,
    min: number,
    max: number,
    title: string,
  ): SVGSVGElement {
    const width = Math.max(this.chartHost.clientWidth || 640, MIN_WIDTH_PX);
    const plotW = width - PAD.left - PAD.right;
    const plotH = HEIGHT_PX - PAD.top - PAD.bottom;
    const span = Math.max(now - start, 1);
    // A flat line sits in the middle with a little room either side.
    const lo = min === max ? min - 1 : min - (max - min) * 0.05;
    const hi = min === max ? max + 1 : max + (max - min) * 0.05;
    const x = (t: number) => PAD.left + ((t - start) / span) * plotW;
    const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * plotH;
    let path = "";
    for (let i = 0; i < times.length; i++) {
      const px = x(times[i] ?? start).toFixed(1);
      const py = y(values[i] ?? lo).toFixed(1);
      path += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    }
    path += `H${x(now).toFixed(1)}`;
    const ticks = min === max ? [min] : [min, (min + max) / 2, max];
    const label = (text: string, attrs: Record<string, string | number>) => {
      const node = svg("text", attrs);
      node.textContent = text;
      return node;
    };
    return svg(
      "svg",
      {
        width,
        height: HEIGHT_PX,
        viewBox: `0 0 ${width} ${HEIGHT_PX}`,
        role: "img",
        "aria-label": `Trend of ${title}: from ${formatValue(min, 7)} to ${formatValue(max, 7)} over ${formatDuration(now - start)}`,
      },
      ...ticks.flatMap((v) => [
        svg("line", { class: "grid", x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }),
        label(formatValue(v, 7), { class: "axis", x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end" }),
      ]),
      label(formatClock(start), { class: "axis", x: PAD.left, y: HEIGHT_PX - 8, "text-anchor": "start" }),
      label(formatClock(now), {
        class: "axis",
        x: width - PAD.right,
        y: HEIGHT_PX - 8,
        "text-anchor": "end",
      }),
      svg("path", { class: "line", d: path }),
    );
  }
}
