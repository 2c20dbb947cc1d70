// The wall screen: the watchlist and, beside it, the alert feed.
import type { Context } from "../context";
import { h, replace } from "../dom";
import { alertFeed } from "./alertFeed";
import { watchlist } from "./watchlist";

export function boardPage(context: Context, root: HTMLElement): () => void {
  const list = watchlist(context);
  const feed = alertFeed(context);
  replace(root, h("div", { class: "board-page" }, list.element, feed.element));
  return () => {
    list.dispose();
    feed.dispose();
  };
}
