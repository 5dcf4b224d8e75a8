/**
 * All parameters: search, filters, sorting and live values in a virtualised table — only the rows
 * in view (plus a few) exist in the DOM, recycled as the list scrolls, so 1,800 rows cost the same
 * as 30. One row at a time can open an editor below it.
 */
import { h, setText } from "../dom.js";
import { formatRange, formatValue, isNumeric, isPanel, unitSymbol } from "../format.js";
import { DEFAULT_QUERY, type Row, type SortKey, selectRows, type TableQuery } from "../query.js";
import { knownLabels } from "../tiles.js";
import { createEditor, type EditorContext } from "./editor.js";
import { flash } from "./overview.js";

/** "Changed recently" means within this window. */
export const RECENT_MS = 5 * 60_000;
const OVERSCAN_ROWS = 8;
const SEARCH_DEBOUNCE_MS = 80;
const FALLBACK_ROW_HEIGHT_PX = 34;

interface RowNodes {
  row: HTMLElement;
  index: HTMLElement;
  name: HTMLElement;
  value: HTMLElement;
  unit: HTMLElement;
  range: HTMLElement;
  writable: HTMLElement;
  actions: HTMLElement;
  /** The parameter this element shows now. */
  shows: number | undefined;
}

const COLUMNS: { key: SortKey | undefined; label: string; className: string }[] = [
  { key: "index", label: "Index", className: "c-index" },
  { key: "name", label: "Name", className: "c-name" },
  { key: "value", label: "Value", className: "c-value" },
  { key: undefined, label: "Unit", className: "c-unit" },
  { key: undefined, label: "Range", className: "c-range" },
  { key: "writable", label: "Writable", className: "c-writable" },
  { key: undefined, label: "Actions", className: "c-actions" },
];

export class ParametersView {
  readonly root: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly editorHost: HTMLElement;
  private readonly editorCell: HTMLElement;
  private readonly count: HTMLElement;
  private readonly table: HTMLElement;
  private readonly header: HTMLElement;
  private readonly sortHeaders = new Map<SortKey, HTMLElement>();
  private query: TableQuery = { ...DEFAULT_QUERY };
  private rows: Row[] = [];
  private posOf = new Map<number, number>();
  private readonly rendered = new Map<number, RowNodes>();
  private readonly free: RowNodes[] = [];
  private rowHeight = FALLBACK_ROW_HEIGHT_PX;
  private editIndex: number | undefined;
  private editorHeight = 0;
  private pending = new Set<number>();
  private frame = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private visible = false;
  private stale = true;

  constructor(
    private readonly ctx: EditorContext,
    private readonly showTrend: (index: number) => void,
  ) {
    const search = h("input", {
      type: "search",
      id: "param-search",
      placeholder: "Name or index",
      autocomplete: "off",
      spellcheck: "false",
      oninput: (event: Event) => {
        const text = (event.target as HTMLInputElement).value;
        clearTimeout(this.searchTimer);
        this.searchTimer = setTimeout(() => this.setQuery({ text }), SEARCH_DEBOUNCE_MS);
      },
    });
    const writable = h("input", {
      type: "checkbox",
      id: "param-writable",
      onchange: (event: Event) => this.setQuery({ writableOnly: (event.target as HTMLInputElement).checked }),
    });
    const recent = h("input", {
      type: "checkbox",
      id: "param-recent",
      onchange: (event: Event) =>
        this.setQuery({ changedWithinMs: (event.target as HTMLInputElement).checked ? RECENT_MS : 0 }),
    });
    const space = h(
      "select",
      {
        id: "param-space",
        onchange: (event: Event) =>
          this.setQuery({ space: (event.target as HTMLSelectElement).value as TableQuery["space"] }),
      },
      h("option", { value: "all" }, "Controller and panel"),
      h("option", { value: "controller" }, "Controller only"),
      h("option", { value: "panel" }, "Panel only (10000+)"),
    );
    this.count = h("p", { class: "count", role: "status", "aria-live": "polite" });

    this.header = h(
      "div",
      { class: "row head", role: "row", "aria-rowindex": 1 },
      ...COLUMNS.map((column) => {
        const cell = h("div", { class: `cell ${column.className}`, role: "columnheader" });
        if (column.key) {
          const key = column.key;
          cell.setAttribute("aria-sort", key === this.query.sort ? "ascending" : "none");
          cell.append(
            h("button", { type: "button", class: "sort", onclick: () => this.toggleSort(key) }, column.label),
          );
          this.sortHeaders.set(key, cell);
        } else {
          cell.append(
            column.key === undefined && column.label === "Actions"
              ? h("span", { class: "visually-hidden" }, column.label)
              : column.label,
          );
        }
        return cell;
      }),
    );
    this.spacer = h("div", { class: "spacer" });
    // The editor is a row of its own, right after the row it edits (in the DOM too, so Tab moves
    // from the row into the editor and on to the next row).
    this.editorCell = h("div", { role: "cell", "aria-colspan": COLUMNS.length });
    this.editorHost = h("div", { class: "row-editor", role: "row", hidden: true }, this.editorCell);
    this.spacer.append(this.editorHost);
    this.scroller = h(
      "div",
      {
        class: "scroller",
        role: "rowgroup",
        tabindex: 0,
        "aria-label": "Parameters (scrollable)",
        onscroll: () => this.schedule(),
      },
      this.spacer,
    );
    this.table = h(
      "div",
      { class: "table", role: "table", "aria-label": "All parameters", "aria-rowcount": 1 },
      h("div", { role: "rowgroup", class: "thead" }, this.header),
      this.scroller,
    );
    this.root = h(
      "section",
      { class: "view parameters", "aria-labelledby": "parameters-title" },
      h("h2", { id: "parameters-title", class: "visually-hidden" }, "All parameters"),
      h(
        "form",
        { class: "controls", role: "search", onsubmit: (event: Event) => event.preventDefault() },
        h("label", { for: "param-search", class: "search" }, h("span", null, "Search"), search),
        h("label", { for: "param-writable", class: "check" }, writable, "Writable only"),
        h("label", { for: "param-recent", class: "check" }, recent, "Changed in the last 5 min"),
        h("label", { for: "param-space", class: "space" }, h("span", null, "Show"), space),
      ),
      this.count,
      this.table,
    );

    ctx.store.subscribe((event) => {
      if (event.kind === "structure") {
        this.stale = true;
        if (this.visible) this.reselect();
      } else {
        for (const index of event.indices) this.pending.add(index);
        this.schedule();
      }
    });
    let readOnly = ctx.state.current.readOnly;
    let expert = ctx.state.current.expert;
    let expertWrites = ctx.state.current.expertWrites;
    ctx.state.subscribe((view) => {
      if (view.readOnly === readOnly && view.expert === expert && view.expertWrites === expertWrites) return;
      readOnly = view.readOnly;
      expert = view.expert;
      expertWrites = view.expertWrites;
      if (readOnly && this.editIndex !== undefined) this.closeEditor(false);
      for (const nodes of this.rendered.values()) nodes.shows = undefined;
      this.render();
    });
    window.addEventListener("resize", () => {
      if (this.visible) this.measure();
    });
    // The editor grows when it shows a message: the rows below move with it.
    new ResizeObserver(() => {
      if (
        this.visible &&
        this.editIndex !== undefined &&
        this.editorHost.offsetHeight !== this.editorHeight
      ) {
        this.render();
      }
    }).observe(this.editorHost);
  }

  show(): void {
    this.visible = true;
    this.measure();
    if (this.stale) this.reselect();
    else this.render();
  }

  hide(): void {
    this.visible = false;
  }

  /** Called every second: the "changed recently" filter drops rows as they age. */
  tick(): void {
    if (this.visible && this.query.changedWithinMs > 0) this.reselect(false);
  }

  private setQuery(changes: Partial<TableQuery>): void {
    this.query = { ...this.query, ...changes };
    this.reselect();
    this.scroller.scrollTop = 0;
  }

  private toggleSort(key: SortKey): void {
    const descending = this.query.sort === key ? !this.query.descending : false;
    this.query = { ...this.query, sort: key, descending };
    for (const [k, cell] of this.sortHeaders) {
      cell.setAttribute("aria-sort", k === key ? (descending ? "descending" : "ascending") : "none");
    }
    this.reselect();
  }

  private reselect(keepPending = true): void {
    this.stale = false;
    this.rows = selectRows(this.ctx.store.all(), this.query, Date.now());
    this.posOf = new Map(this.rows.map((row, pos) => [row.index, pos]));
    if (this.editIndex !== undefined && !this.posOf.has(this.editIndex)) this.closeEditor(false);
    const total = this.ctx.store.size;
    setText(
      this.count,
      this.rows.length === total ? `${total} parameters` : `${this.rows.length} of ${total} parameters`,
    );
    // Every visible row is refilled below.
    for (const nodes of this.rendered.values()) nodes.shows = undefined;
    if (!keepPending) this.pending.clear();
    this.render();
  }

  private measure(): void {
    // The header lines up with rows that share their width with the scroll bar.
    this.header.style.paddingRight = `${this.scroller.offsetWidth - this.scroller.clientWidth}px`;
    const value = Number.parseFloat(getComputedStyle(this.scroller).getPropertyValue("--row-h"));
    const height = Number.isFinite(value) && value > 0 ? value : FALLBACK_ROW_HEIGHT_PX;
    if (height !== this.rowHeight) {
      this.rowHeight = height;
      this.render();
    }
  }

  private schedule(): void {
    if (this.frame !== 0 || !this.visible) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.query.changedWithinMs > 0 && this.pending.size > 0) {
        this.pending.clear();
        this.reselect();
        return;
      }
      this.render();
    });
  }

  private editPos(): number {
    return this.editIndex === undefined ? -1 : (this.posOf.get(this.editIndex) ?? -1);
  }

  private topOf(pos: number, editPos: number): number {
    return pos * this.rowHeight + (editPos >= 0 && pos > editPos ? this.editorHeight : 0);
  }

  private posAt(y: number, editPos: number): number {
    const h = this.rowHeight;
    if (editPos < 0 || y < (editPos + 1) * h) return Math.floor(y / h);
    if (y < (editPos + 1) * h + this.editorHeight) return editPos;
    return Math.floor((y - this.editorHeight) / h);
  }

  private render(): void {
    if (!this.visible) return;
    const count = this.rows.length;
    const editPos = this.editPos();
    const extra = editPos >= 0 ? this.editorHeight : 0;
    this.spacer.style.height = `${count * this.rowHeight + extra}px`;
    const top = this.scroller.scrollTop;
    const bottom = top + (this.scroller.clientHeight || 600);
    const first = Math.max(0, this.posAt(top, editPos) - OVERSCAN_ROWS);
    const last = Math.min(count - 1, this.posAt(bottom, editPos) + OVERSCAN_ROWS);

    // The row being edited stays in the DOM wherever the list is scrolled: its editor may hold focus.
    const keep = (pos: number) => (pos >= first && pos <= last) || pos === editPos;
    for (const [pos, nodes] of this.rendered) {
      if (keep(pos)) continue;
      this.rendered.delete(pos);
      nodes.row.remove();
      nodes.shows = undefined;
      this.free.push(nodes);
    }
    const positions: number[] = [];
    if (editPos >= 0 && editPos < first) positions.push(editPos);
    for (let pos = first; pos <= last; pos++) positions.push(pos);
    if (editPos > last) positions.push(editPos);
    // Rows sit in the DOM in list order (new ones are put after the previous one, kept ones never
    // move), so Tab goes through them as they are seen.
    let previous: Element | undefined;
    for (const pos of positions) {
      const row = this.rows[pos];
      if (!row) continue;
      let nodes = this.rendered.get(pos);
      if (!nodes) {
        nodes = this.free.pop() ?? this.createRow();
        this.rendered.set(pos, nodes);
        if (previous) previous.after(nodes.row);
        else this.spacer.prepend(nodes.row);
      }
      if (nodes.shows !== row.index) this.fill(nodes, row);
      else if (this.pending.has(row.index)) this.updateValue(nodes, row, true);
      nodes.row.style.transform = `translateY(${this.topOf(pos, editPos)}px)`;
      const rowIndex = String(pos + 2 + (editPos >= 0 && pos > editPos ? 1 : 0));
      if (nodes.row.getAttribute("aria-rowindex") !== rowIndex)
        nodes.row.setAttribute("aria-rowindex", rowIndex);
      previous = nodes.row;
      if (pos === editPos) {
        if (nodes.row.nextElementSibling !== this.editorHost) this.placeEditorAfter(nodes.row);
        previous = this.editorHost;
      }
    }
    this.pending.clear();
    this.table.setAttribute("aria-rowcount", String(count + 1 + (editPos >= 0 ? 1 : 0)));
    if (editPos >= 0) {
      this.editorHost.hidden = false;
      this.editorHost.setAttribute("aria-rowindex", String(editPos + 3));
      this.editorHost.style.transform = `translateY(${(editPos + 1) * this.rowHeight}px)`;
      const measured = this.editorHost.offsetHeight;
      if (measured !== this.editorHeight) {
        this.editorHeight = measured;
        this.render();
      }
    } else {
      this.editorHost.hidden = true;
    }
  }

  /** Moves the editor after `row`, keeping the focus where it was inside it. */
  private placeEditorAfter(row: HTMLElement): void {
    const active = document.activeElement;
    row.after(this.editorHost);
    if (
      active instanceof HTMLElement &&
      this.editorHost.contains(active) &&
      document.activeElement !== active
    ) {
      active.focus({ preventScroll: true });
    }
  }

  private createRow(): RowNodes {
    const cell = (className: string) => h("div", { class: `cell ${className}`, role: "cell" });
    const nodes: RowNodes = {
      row: h("div", { class: "row", role: "row" }),
      index: cell("c-index"),
      name: cell("c-name"),
      value: cell("c-value"),
      unit: cell("c-unit"),
      range: cell("c-range"),
      writable: cell("c-writable"),
      actions: cell("c-actions"),
      shows: undefined,
    };
    nodes.row.append(
      nodes.index,
      nodes.name,
      nodes.value,
      nodes.unit,
      nodes.range,
      nodes.writable,
      nodes.actions,
    );
    return nodes;
  }

  private fill(nodes: RowNodes, row: Row): void {
    nodes.shows = row.index;
    nodes.row.dataset.index = String(row.index);
    nodes.row.classList.toggle("panel", isPanel(row.index));
    nodes.row.classList.toggle("editing", row.index === this.editIndex);
    nodes.row.classList.remove("flash-a", "flash-b");
    setText(nodes.index, String(row.index));
    setText(nodes.name, row.name);
    nodes.name.title = row.name;
    this.updateValue(nodes, row, false);
    const unit = unitSymbol(row.unit);
    setText(nodes.unit, unit);
    // Phones hide the unit column and show the unit after the value.
    if (unit) nodes.value.dataset.unit = unit;
    else delete nodes.value.dataset.unit;
    const range = formatRange(row.min, row.max);
    setText(nodes.range, range);
    nodes.range.setAttribute("aria-label", range === "" ? "no range" : `range ${range}`);
    const { readOnly, expert, expertWrites } = this.ctx.state.current;
    const service = expert.get(row.index);
    const locked = row.writable && service?.gated === true && !expertWrites;
    // A service parameter without EXPERT_WRITES: shown locked, never offered for editing.
    setText(nodes.writable, locked ? "🔒 locked" : row.writable ? "yes" : "no");
    nodes.writable.classList.toggle("yes", row.writable && !locked);
    nodes.writable.classList.toggle("lock", locked);
    if (locked && service) {
      nodes.writable.title = `Service parameter (${service.kind}): ${service.consequence} Writes need EXPERT_WRITES=true on the gateway.`;
    } else nodes.writable.removeAttribute("title");
    const buttons: HTMLElement[] = [];
    if (row.writable && !readOnly && !locked) {
      // Read-only mode: nothing can be changed, so nothing offers to.
      buttons.push(
        h(
          "button",
          {
            type: "button",
            class: "small",
            "aria-label": `Edit ${row.name}`,
            "aria-expanded": String(row.index === this.editIndex),
            onclick: () => this.toggleEditor(row.index),
          },
          "Edit",
        ),
      );
    }
    if (isNumeric(row)) {
      buttons.push(
        h(
          "button",
          {
            type: "button",
            class: "small",
            "aria-label": `Trend of ${row.name}`,
            onclick: () => this.showTrend(row.index),
          },
          "Trend",
        ),
      );
    }
    nodes.actions.replaceChildren(...buttons);
  }

  private updateValue(nodes: RowNodes, row: Row, highlight: boolean): void {
    setText(nodes.value, formatValue(row.value, row.type));
    if (highlight) flash(nodes.row);
  }

  private toggleEditor(index: number): void {
    if (this.editIndex === index) {
      this.closeEditor(true);
      return;
    }
    const parameter = this.ctx.store.get(index);
    if (!parameter) return;
    this.editIndex = index;
    this.editorHeight = 0;
    this.editorCell.replaceChildren(
      createEditor(this.ctx, parameter, {
        labels: knownLabels(parameter.name),
        onClose: () => this.closeEditor(true),
      }),
    );
    for (const nodes of this.rendered.values()) nodes.shows = undefined;
    this.render();
  }

  private closeEditor(restoreFocus: boolean): void {
    const index = this.editIndex;
    this.editIndex = undefined;
    this.editorHeight = 0;
    this.editorCell.replaceChildren();
    for (const nodes of this.rendered.values()) nodes.shows = undefined;
    this.render();
    if (restoreFocus && index !== undefined) {
      const button = this.spacer.querySelector<HTMLButtonElement>(
        `.row[data-index="${index}"] .c-actions button`,
      );
      button?.focus();
    }
  }
}
