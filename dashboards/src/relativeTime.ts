// Times shown relative to now ("5m ago", "2h 5m" left) move on their own. Each is a <time> that knows its instant, and
// refreshRelativeTimes rewrites their text in place: a card is not built again, and a button in it not replaced,
// just because a minute passed.
import { h, setText } from "./dom";
import * as format from "./format";
import { timeLeft } from "./handling";

type Relative = "ago" | "left";

const text = (relative: Relative, iso: string, now: number): string => (relative === "ago" ? format.ago(iso, now) : timeLeft(iso, now));

/** "5m ago" for an instant in the past, kept current by refreshRelativeTimes; the exact time is its title. */
export function agoTime(iso: string, now: number, className?: string): HTMLTimeElement {
  return relativeTime("ago", iso, now, className);
}

/** "2h 5m" until an instant ahead, kept current by refreshRelativeTimes. */
export function leftTime(iso: string, now: number): HTMLTimeElement {
  return relativeTime("left", iso, now);
}

function relativeTime(relative: Relative, iso: string, now: number, className?: string): HTMLTimeElement {
  return h("time", { class: className, dateTime: iso, title: format.dateTime(iso), data: { relative }, text: text(relative, iso, now) });
}

/** Brings the text of every relative time under `root` up to `now`, writing only those that changed. */
export function refreshRelativeTimes(root: ParentNode, now: number): void {
  for (const element of root.querySelectorAll<HTMLElement>("time[data-relative]")) {
    setText(element, text(element.dataset.relative as Relative, element.getAttribute("datetime") ?? "", now));
  }
}
