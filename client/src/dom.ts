/**
 * The only way the client builds markup: elements with text nodes, never HTML strings, so poll texts
 * and other data cannot inject elements or scripts.
 */
export type Child = Node | string | number | null | undefined | false;
type Handler = (event: Event) => void;
export type Props = Record<string, string | number | boolean | null | undefined | Handler>;

function apply(node: Element, props: Props | undefined): void {
  if (!props) return;
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") node.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
}

function append(node: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** `el("a", { href: "/", onclick }, "text")`; props starting with "on" and holding a function are listeners. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  apply(node, props);
  append(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  props?: Props,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, props);
  append(node, children);
  return node;
}

/** Replaces everything inside `node`. */
export function mount(node: Element, ...children: Child[]): void {
  node.replaceChildren();
  append(node, children);
}

let nextId = 0;
/** A page-unique id for pairing labels with controls. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Gives each body cell the name of its column (`data-label`) and marks the table to become one card
 * per row on a phone, each value beside its column's name (styles.css), instead of hiding columns
 * behind a sideways scroll.
 */
export function cardsOnPhone(table: HTMLTableElement): HTMLTableElement {
  const names = [...(table.tHead?.rows[0]?.cells ?? [])].map((cell) => cell.textContent ?? "");
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      [...row.cells].forEach((cell, i) => {
        if (cell.tagName === "TD") cell.dataset.label = names[i] ?? "";
      });
    }
  }
  table.classList.add("cards-on-phone");
  return table;
}
