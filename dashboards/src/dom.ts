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
