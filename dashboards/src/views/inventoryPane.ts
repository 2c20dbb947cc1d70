// An instrument's inventory pane: each series' latest total and, under it, every location the publisher reports
// (depositories, warehouse locations, vaults) with its own latest value. A value that restates an activity date
// already reported (version above 1) is marked. Reloaded when the hub brings a new value or a restatement.
import { describe, encode, get } from "../api";
import type { Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";
import { schedule } from "../frame";
import type { Instrument, InventoryPoint } from "../types";

export function inventoryPane(context: Context, id: string): { element: HTMLElement; dispose: () => void } {
  const body = h("div", { class: "inventory-body" }, h("p", { class: "muted", text: "Loading inventory…" }));
  const element = h("section", { class: "panel inventory-pane", data: { instrument: id } }, h("h2", { text: "Inventory" }), body);
  let generation = 0;
  const load = async (): Promise<void> => {
    const mine = ++generation;
    try {
      const detail = await get<Instrument>(`/api/v1/instruments/${encode(id)}`);
      if (mine === generation) {
        replace(body, inventoryTable(detail));
      }
    } catch (error) {
      if (mine === generation) {
        replace(body, h("p", { class: "error", text: describe(error) }));
      }
    }
  };
  void load();
  const offs = [
    context.market.changes.on((change) => {
      if (change.id === id && change.kind !== "quote") {
        schedule(`inventory-pane:${id}`, () => void load());
      }
    }),
    context.live.connected.on(() => void load()),
  ];
  return { element, dispose: () => offs.forEach((off) => off()) };
}

function inventoryTable(detail: Instrument): HTMLElement {
  const totals = detail.inventory ?? {};
  const locations = detail.inventoryLocations ?? {};
  const series = [...new Set([...Object.keys(totals), ...Object.keys(locations)])].sort();
  if (series.length === 0) {
    return h("p", { class: "muted", text: "No inventory reported." });
  }
  return h(
    "table",
    { class: "inventory-table" },
    h("thead", {}, h("tr", {}, h("th", { text: "Series" }), h("th", { text: "Location" }), h("th", { text: "As of" }), h("th", { class: "num", text: "Quantity" }))),
    h(
      "tbody",
      {},
      ...series.flatMap((name) => [
        ...(totals[name] ? [inventoryRow(name, totals[name])] : []),
        ...(locations[name] ?? []).map((point) => inventoryRow(name, point)),
      ]),
    ),
  );
}

function inventoryRow(series: string, point: InventoryPoint): HTMLElement {
  const restated = (point.version ?? 1) > 1;
  return h(
    "tr",
    { class: `${point.location ? "location" : "total"}${restated ? " restated" : ""}`, data: { series, location: point.location ?? "" } },
    h("td", { class: "series", text: point.location ? "" : series }),
    h("td", { class: "place", text: point.location ?? "Total" }),
    h(
      "td",
      { class: "num" },
      h("span", { text: point.asOf }),
      restated ? h("span", { class: "restated-badge", title: `restated: version ${point.version} of ${point.asOf}, published ${format.dateTime(point.publishedAt)}`, text: "restated" }) : null,
    ),
    h("td", { class: "num quantity", text: format.quantity(point.quantity, point.unit) }),
  );
}
