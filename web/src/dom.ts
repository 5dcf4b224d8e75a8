/**
 * The page's whole "framework": create an element with attributes, properties, listeners and
 * children in one call. Views keep references to the nodes they update and change only those.
 */

type Child = Node | string | number | false | null | undefined;

export interface Props {
  [name: string]: unknown;
}

/**
 * `h("button", { class: "x", onclick: fn, "aria-label": "…" }, "text")`. Keys starting with `on`
 * become listeners; `class`, `aria-*`, `data-*`, `role`, `for` and the like become attributes;
 * `false`/`null`/`undefined` leave an attribute out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props) {
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") {
        element.addEventListener(name.slice(2), value as EventListener);
      } else if (name === "value" || name === "checked" || name === "disabled" || name === "hidden") {
        (element as unknown as Record<string, unknown>)[name] = value;
      } else {
        element.setAttribute(name, value === true ? "" : String(value));
      }
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  ...children: SVGElement[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.appendChild(child);
  return element;
}

/** Sets text only when it differs (no layout work for unchanged values). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

let idCounter = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix: string): string {
  idCounter++;
  return `${prefix}-${idCounter}`;
}
