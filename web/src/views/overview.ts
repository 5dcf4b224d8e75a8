/**
 * Overview: tiles of the values a person looks at first (tiles.ts chooses them by name). Values
 * update in place; everything turns grey with a "stale" note when the data may be old; writable
 * setpoints can be changed in the tile.
 */
import { h, setText } from "../dom.js";
import { staleNote } from "../gateway-state.js";
import { chooseTiles, gateNames, type Tile, type TileGroup, tileText } from "../tiles.js";
import { createEditor, type EditorContext } from "./editor.js";

interface TileNodes {
  tile: Tile;
  root: HTMLElement;
  value: HTMLElement;
  unit: HTMLElement;
  editHost: HTMLElement;
  editButton: HTMLButtonElement | undefined;
}

/** Marks the moment the first values were on screen (read by bench/dashboard.ts). */
export const FIRST_VALUES_MARK = "gm3:first-values";

export class OverviewView {
  readonly root: HTMLElement;
  private readonly groupsHost: HTMLElement;
  private readonly staleNote: HTMLElement;
  private readonly staleState: HTMLElement;
  private readonly staleAge: HTMLElement;
  /** Says only that the values turned stale or current again (never the age, which ticks). */
  private readonly staleLive: HTMLElement;
  private staleKey = "";
  private readonly emptyNote: HTMLElement;
  private nodes = new Map<number, TileNodes[]>();
  private signature = "";
  private gates = new Set<number>();
  private editing: number | undefined;
  private marked = false;
  private readOnly = false;

  constructor(
    private readonly ctx: EditorContext,
    private readonly showTrend: (index: number) => void,
  ) {
    // The note is not a live region: its age changes every second. A separate status region
    // announces the change of state only.
    this.staleState = h("span", { class: "stale-state" });
    this.staleAge = h("span", { class: "stale-age" });
    this.staleNote = h("p", { class: "stale-note", hidden: true }, this.staleState, " ", this.staleAge);
    this.staleLive = h("p", { class: "visually-hidden stale-live", role: "status" });
    this.emptyNote = h("p", { class: "empty" }, "Waiting for the first values from the gateway…");
    this.groupsHost = h("div", { class: "groups" });
    this.root = h(
      "section",
      { class: "view overview", "aria-labelledby": "overview-title" },
      h("h2", { id: "overview-title", class: "visually-hidden" }, "Overview"),
      this.staleLive,
      this.staleNote,
      this.emptyNote,
      this.groupsHost,
    );
    ctx.store.subscribe((event) => {
      if (event.kind === "structure") this.rebuild();
      else this.update(event.indices);
    });
    ctx.state.subscribe((view) => {
      this.refreshStale();
      if (view.readOnly !== this.readOnly) this.applyReadOnly(view.readOnly);
    });
  }

  /** Rebuilds tiles when the chosen set changes (a circuit switched on, a rediscovery). */
  rebuild(): void {
    const groups = chooseTiles(this.ctx.store.byNameLookup);
    const signature = groups.map((g) => `${g.title}:${g.tiles.map((t) => t.index).join(",")}`).join("|");
    if (signature === this.signature) {
      this.update([...this.nodes.keys()]);
      return;
    }
    this.signature = signature;
    this.gates = new Set(
      gateNames()
        .map((name) => this.ctx.store.byNameLookup(name)?.index)
        .filter((i): i is number => i !== undefined),
    );
    this.nodes.clear();
    this.editing = undefined;
    this.groupsHost.replaceChildren(...groups.map((g) => this.renderGroup(g)));
    this.emptyNote.hidden = groups.length > 0;
    this.update([...this.nodes.keys()]);
  }

  /** Called every second: the stale note's age, and the stale look. */
  tick(): void {
    this.refreshStale();
  }

  private renderGroup(group: TileGroup): HTMLElement {
    const titleId = `group-${group.key}`;
    return h(
      "section",
      { class: "group", "aria-labelledby": titleId },
      h("h3", { id: titleId }, group.title),
      h("div", { class: "tiles" }, ...group.tiles.map((tile) => this.renderTile(tile, group.title))),
    );
  }

  /** `groupTitle` goes into the buttons' names: "Mode" is both hot water's and a circuit's. */
  private renderTile(tile: Tile, groupTitle: string): HTMLElement {
    const parameter = this.ctx.store.get(tile.index);
    const labelId = `tile-${tile.key}`;
    const value = h("span", { class: "value", "data-index": tile.index });
    const unit = h("span", { class: "unit" });
    const editHost = h("div", { class: "tile-editor" });
    const editButton = parameter?.writable
      ? h(
          "button",
          {
            type: "button",
            class: "small",
            "aria-label": `Change ${tile.label} (${groupTitle})`,
            // Read-only mode: nothing can be changed, so nothing offers to.
            hidden: this.ctx.state.current.readOnly,
            "aria-expanded": "false",
            onclick: () => this.toggleEditor(tile),
          },
          "Change",
        )
      : undefined;
    const root = h(
      "article",
      { class: "tile", "aria-labelledby": labelId, "data-tile": tile.key },
      h("h4", { id: labelId, class: "tile-label" }, tile.label),
      h("p", { class: "tile-value" }, value, " ", unit),
      h(
        "p",
        { class: "tile-meta param-name", title: `${tile.name}, parameter ${tile.index}` },
        `${tile.name} · ${tile.index}`,
      ),
      h(
        "div",
        { class: "tile-actions" },
        h(
          "button",
          {
            type: "button",
            class: "small",
            "aria-label": `Trend of ${tile.label} (${groupTitle})`,
            onclick: () => this.showTrend(tile.index),
          },
          "Trend",
        ),
        editButton,
      ),
      editHost,
    );
    const nodes: TileNodes = { tile, root, value, unit, editHost, editButton };
    const list = this.nodes.get(tile.index) ?? [];
    list.push(nodes);
    this.nodes.set(tile.index, list);
    return root;
  }

  /** Read-only mode hides the Change buttons (and closes an open editor); leaving it shows them. */
  private applyReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    for (const list of this.nodes.values()) {
      for (const nodes of list) {
        if (!nodes.editButton) continue;
        if (readOnly && nodes.editHost.firstChild) this.closeEditor(nodes, false);
        nodes.editButton.hidden = readOnly;
      }
    }
  }

  private toggleEditor(tile: Tile): void {
    const list = this.nodes.get(tile.index) ?? [];
    const nodes = list.find((n) => n.tile.key === tile.key);
    const parameter = this.ctx.store.get(tile.index);
    if (!nodes || !parameter) return;
    if (nodes.editHost.firstChild) {
      this.closeEditor(nodes);
      return;
    }
    nodes.editButton?.setAttribute("aria-expanded", "true");
    nodes.root.classList.add("editing");
    nodes.editHost.replaceChildren(
      createEditor(this.ctx, parameter, {
        unit: tile.unit,
        ...(tile.labels ? { labels: tile.labels } : {}),
        onClose: () => this.closeEditor(nodes),
      }),
    );
    this.editing = tile.index;
  }

  private closeEditor(nodes: TileNodes, restoreFocus = true): void {
    nodes.editHost.replaceChildren();
    nodes.root.classList.remove("editing");
    nodes.editButton?.setAttribute("aria-expanded", "false");
    if (restoreFocus) nodes.editButton?.focus();
    this.editing = undefined;
  }

  private update(indices: number[]): void {
    let any = false;
    for (const index of indices) {
      const list = this.nodes.get(index);
      if (!list) continue;
      const parameter = this.ctx.store.get(index);
      for (const nodes of list) {
        const shown = tileText(nodes.tile, parameter);
        if (nodes.value.textContent !== shown.text) {
          nodes.value.textContent = shown.text;
          if (nodes.root.dataset.ready) flash(nodes.root);
        }
        setText(nodes.unit, shown.unit);
        nodes.root.dataset.ready = "1";
        any = true;
      }
    }
    if (any && !this.marked && this.ctx.store.size > 0) {
      this.marked = true;
      performance.mark(FIRST_VALUES_MARK);
    }
    // A gate value (CircuitNactive, HeatingCooling) may have changed the chosen set.
    if (indices.some((i) => this.gates.has(i))) this.rebuildIfGatesMoved();
  }

  private rebuildIfGatesMoved(): void {
    const groups = chooseTiles(this.ctx.store.byNameLookup);
    const signature = groups.map((g) => `${g.title}:${g.tiles.map((t) => t.index).join(",")}`).join("|");
    if (signature !== this.signature && this.editing === undefined) this.rebuild();
  }

  private refreshStale(): void {
    const now = Date.now();
    const reason = this.ctx.state.staleReason(now);
    this.root.classList.toggle("stale", reason !== undefined);
    const note = staleNote(this.ctx.state.current, reason, now);
    if (note === undefined) {
      this.staleNote.hidden = true;
      if (this.staleKey !== "") setText(this.staleLive, "The values are current again.");
      this.staleKey = "";
      return;
    }
    setText(this.staleState, note.state);
    setText(this.staleAge, note.age);
    this.staleNote.hidden = false;
    if (note.key !== this.staleKey) {
      this.staleKey = note.key;
      setText(this.staleLive, note.state);
    }
  }
}

/** Restarts a short highlight: two alternating animations, so no forced layout is needed. */
export function flash(element: HTMLElement): void {
  if (element.classList.contains("flash-a")) element.classList.replace("flash-a", "flash-b");
  else if (element.classList.contains("flash-b")) element.classList.replace("flash-b", "flash-a");
  else element.classList.add("flash-a");
}
