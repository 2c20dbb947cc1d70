// A few helpers for building the DOM by hand: the board is small enough not to need a framework.

type Child = Node | string | number | null | undefined | false;
type Handler = (event: Event) => void;

export interface Attributes {
  class?: string;
  text?: string;
  title?: string;
  data?: Record<string, string>;
  on?: Record<string, Handler>;
  [attribute: string]: unknown;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === "class") {
      element.className = String(value);
    } else if (name === "text") {
      element.textContent = String(value);
    } else if (name === "data") {
      Object.assign(element.dataset, value);
    } else if (name === "on") {
      for (const [event, handler] of Object.entries(value as Record<string, Handler>)) {
        element.addEventListener(event, handler);
      }
    } else if (value === true) {
      element.setAttribute(name, "");
    } else if (name in element && typeof value !== "string") {
      (element as unknown as Record<string, unknown>)[name] = value;
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent` with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Sets text only when it changed: writes to the DOM cost layout, and most ticks change few cells. */
export function setText(element: Element, text: string): boolean {
  if (element.textContent === text) {
    return false;
  }
  element.textContent = text;
  return true;
}

/** What a keyed child was built from: its key, and the values that decide whether it must be built again. */
const built = new WeakMap<Node, { key: string; version: readonly unknown[] }>();

/**
 * Makes `parent`'s children one element per item, in order, without touching what did not change: an item's element
 * is built again only when a value of its `version` changed (compared with Object.is), elements are moved only when
 * out of order, and children of items no longer listed are removed. So an element someone is about to click stays
 * the same element while other items arrive, leave or change.
 */
export function reconcile<T>(parent: Element, items: readonly T[], key: (item: T) => string, version: (item: T) => readonly unknown[], build: (item: T) => Element): void {
  const previous = new Map<string, Element>();
  for (const child of parent.children) {
    const made = built.get(child);
    if (made) {
      previous.set(made.key, child);
    }
  }
  let cursor: ChildNode | null = parent.firstChild;
  for (const item of items) {
    const itemKey = key(item);
    const itemVersion = version(item);
    let element = previous.get(itemKey);
    if (element && !sameValues(built.get(element)!.version, itemVersion)) {
      if (element === cursor) {
        cursor = cursor.nextSibling;
      }
      element.remove();
      element = undefined;
    }
    if (!element) {
      element = build(item);
      built.set(element, { key: itemKey, version: itemVersion });
    }
    if (element === cursor) {
      cursor = cursor.nextSibling;
    } else {
      parent.insertBefore(element, cursor);
    }
  }
  while (cursor) {
    const next: ChildNode | null = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
}
