// The watchlist: every instrument with last price, change, sparkline, RSI, MACD histogram and inventory levels.
// Hub messages only mark a row dirty; the row is drawn in the next animation frame, once, however many quotes
// arrived for it meanwhile.
import type { Context } from "../context";
import { h, replace, setText } from "../dom";
import * as format from "../format";
import { schedule } from "../frame";
import type { InstrumentState, SeriesLevel } from "../market";
import { drawSparkline } from "./sparkline";

const rsiKey = "rsi(14)";
const macdHistogramKey = "macd(12,26,9).histogram";

interface Row {
  element: HTMLTableRowElement;
  price: HTMLElement;
  flash: HTMLElement;
  change: HTMLElement;
  spark: HTMLCanvasElement;
  rsi: HTMLElement;
  macd: HTMLElement;
  inventory: HTMLElement;
  shownPrice: string;
}

export function watchlist(context: Context): { element: HTMLElement; dispose: () => void } {
  const body = h("tbody");
  const table = h(
    "table",
    { class: "watchlist" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", { text: "Instrument" }), h("th", { class: "num", text: "Last" }), h("th", { class: "num", text: "Chg" }), h("th", { text: "Trend" }), h("th", { class: "num", text: "RSI 14" }), h("th", { class: "num", text: "MACD hist" }), h("th", { text: "Inventory (change)" })),
    ),
    body,
  );
  const rows = new Map<string, Row>();

  const build = (): void => {
    rows.clear();
    replace(body, ...context.market.ids.map((id) => buildRow(id, rows)));
    for (const id of rows.keys()) {
      schedule(`watch:${id}`, () => draw(context.market.instruments.get(id), rows.get(id)));
    }
  };
  build();

  const offChanges = context.market.changes.on(({ id }) => {
    schedule(`watch:${id}`, () => draw(context.market.instruments.get(id), rows.get(id)));
  });
  const offListed = context.market.listed.on(build);
  const element = h("section", { class: "panel watch-panel" }, table);
  return {
    element,
    dispose: () => {
      offChanges();
      offListed();
    },
  };
}

function buildRow(id: string, rows: Map<string, Row>): HTMLTableRowElement {
  const open = (): void => {
    window.location.hash = `#/instrument/${encodeURIComponent(id)}`;
  };
  const row: Row = {
    element: h("tr", { data: { instrument: id }, class: "row", title: `Open ${id}`, on: { click: open } }),
    price: h("span", { class: "value" }),
    flash: h("span", { class: "flash" }),
    change: h("td", { class: "num change" }),
    spark: h("canvas", { class: "spark" }),
    rsi: h("td", { class: "num rsi" }),
    macd: h("td", { class: "num macd" }),
    inventory: h("td", { class: "inventory" }),
    shownPrice: "",
  };
  const name = h("td", { class: "name" }, h("a", { href: `#/instrument/${encodeURIComponent(id)}`, class: "id", text: id }), h("span", { class: "label" }));
  row.element.append(name, h("td", { class: "num price" }, row.flash, row.price), row.change, h("td", { class: "spark-cell" }, row.spark), row.rsi, row.macd, row.inventory);
  rows.set(id, row);
  return row.element;
}

function draw(state: InstrumentState | undefined, row: Row | undefined): void {
  if (!state || !row) {
    return;
  }
  setText(row.element.querySelector(".label")!, state.name);
  const price = format.price(state.last?.price);
  if (price !== row.shownPrice) {
    setText(row.price, price);
    if (row.shownPrice && state.move) {
      flash(row.flash, state.move);
    }
    row.shownPrice = price;
  }
  setText(row.change, format.percent(state.changePct));
  row.change.className = `num change ${format.direction(state.changePct)}`;

  const rsi = state.indicators[rsiKey];
  setText(row.rsi, format.number(rsi, 1));
  row.rsi.className = `num rsi ${rsi >= 70 ? "hot" : rsi <= 30 ? "cold" : ""}`;
  const histogram = state.indicators[macdHistogramKey];
  setText(row.macd, format.number(histogram, Math.abs(histogram) < 1 ? 4 : 2));
  row.macd.className = `num macd ${format.direction(histogram)}`;

  const closes = state.spark.map((point) => point.close);
  drawSparkline(row.spark, closes, closes.length < 2 || closes[closes.length - 1] >= closes[0]);

  const entries = [...state.series.entries()];
  const signature = entries.map(([series, level]) => `${series}:${level.asOf}:${level.quantity}:${level.change}`).join("|");
  if (row.inventory.dataset.signature !== signature) {
    row.inventory.dataset.signature = signature;
    replace(row.inventory, h("div", { class: "levels" }, ...entries.map(([series, level]) => inventoryLevel(series, level))));
  }
}

function inventoryLevel(series: string, level: SeriesLevel): HTMLElement {
  return h(
    "div",
    { class: "level", title: `${series} as of ${level.asOf}${level.previousAsOf ? `, change since ${level.previousAsOf}` : ""}` },
    h("span", { class: "series", text: series }),
    h("span", { class: "num", text: format.quantity(level.quantity, level.unit) }),
    h("span", { class: `num delta ${format.direction(level.change)}`, text: level.change === null ? "" : format.signedQuantity(level.change) }),
  );
}

/**
 * Fades a coloured layer behind the price. Only its opacity animates, which the compositor does off the main
 * thread: a hundred flashes a second cost no layout and no repaint of the table.
 */
function flash(layer: HTMLElement, move: "up" | "down"): void {
  layer.className = `flash ${move}`;
  layer.animate([{ opacity: 1 }, { opacity: 0 }], { duration: 900, easing: "ease-out" });
}
