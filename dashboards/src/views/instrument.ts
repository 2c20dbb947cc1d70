// One instrument: candles for a chosen interval from the bars API, updated live from quotes; SMA, EMA and
// Bollinger overlays, RSI and MACD panes (values from the server's own indicators, the numbers rules see),
// an inventory series plotted under the price, alert markers, and beside them the inventory by location.
import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  LineStyle,
  LineType,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type LineData,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";
import { describe, encode, get } from "../api";
import type { Context } from "../context";
import { h, replace, setText } from "../dom";
import * as format from "../format";
import { schedule } from "../frame";
import type { Alert, Bar, InventoryPoint, QuoteMessage } from "../types";
import { alertFeed } from "./alertFeed";
import { inventoryPane } from "./inventoryPane";

const barLimit = 400;
const overlays = {
  sma: { label: "SMA 20", spec: "sma(20)", keys: ["sma(20)"] },
  ema: { label: "EMA 20", spec: "ema(20)", keys: ["ema(20)"] },
  bb: { label: "Bollinger 20,2", spec: "bb(20,2)", keys: ["bb(20,2).upperBand", "bb(20,2).sma", "bb(20,2).lowerBand"] },
} as const;
const panes = { rsi: "RSI 14", macd: "MACD 12,26,9", inventory: "Inventory" } as const;
type Toggle = keyof typeof overlays | keyof typeof panes;

const colours = {
  up: "#4cc38a",
  down: "#f07178",
  text: "#9aa7b8",
  grid: "#1b2430",
  sma: "#e6c07b",
  ema: "#61afef",
  bb: "#8c96a8",
  rsi: "#c678dd",
  macd: "#61afef",
  signal: "#e6c07b",
  inventory: "#56b6c2",
  severity: { info: "#61afef", warning: "#f0b429", critical: "#ff5c5c" },
};

interface ChartState {
  chart: IChartApi;
  candles: ISeriesApi<"Candlestick">;
  markers: ISeriesMarkersPluginApi<Time>;
  lastBar: Bar | null;
}

export function instrumentPage(context: Context, root: HTMLElement, id: string): () => void {
  const instrument = context.market.instruments.get(id);
  let interval = instrument?.intervals?.[0] ?? null;
  const enabled = new Set<Toggle>(["sma", "bb", "rsi", "macd", "inventory"]);
  const seriesChoices = (): string[] =>
    [...context.market.instruments.values()].flatMap((state) => [...state.series.keys()].map((series) => `${state.id}/${series}`));
  // The instrument's own first series until the viewer picks one; the market may still be loading on a deep link.
  let flow: string | null = null;
  const chosenFlow = (): string => flow ?? seriesChoices().find((choice) => choice.startsWith(`${id}/`)) ?? "";

  const label = h("span", { class: "label", text: instrument?.name ?? "" });
  const title = h("h1", {}, h("span", { class: "id", text: id }), label);
  const last = h("span", { class: "num price big" });
  const change = h("span", { class: "num change big" });
  const status = h("p", { class: "chart-status" });
  const chartHost = h("div", { class: "chart", data: { instrument: id } });
  const toolbar = h("div", { class: "toolbar" });
  const feed = alertFeed(context, { instrument: id });
  const inventory = inventoryPane(context, id);
  replace(
    root,
    h(
      "div",
      { class: "instrument-page" },
      h("section", { class: "panel chart-panel" }, h("header", { class: "instrument-head" }, h("a", { href: "#/", class: "back", text: "← Board" }), title, last, change), toolbar, status, chartHost),
      h("div", { class: "instrument-side" }, inventory.element, feed.element),
    ),
  );

  let state: ChartState | null = null;
  let generation = 0;

  const drawToolbar = (): void => {
    const intervals = (context.market.instruments.get(id)?.intervals ?? []).map((name) =>
      h("button", { class: name === interval ? "selected" : "", text: name, on: { click: () => { interval = name; rebuild(); } } }),
    );
    const toggles = ([...Object.keys(overlays), ...Object.keys(panes)] as Toggle[]).map((key) =>
      h(
        "label",
        { class: "toggle" },
        h("input", { type: "checkbox", checked: enabled.has(key), on: { change: (event) => { if ((event.target as HTMLInputElement).checked) { enabled.add(key); } else { enabled.delete(key); } rebuild(); } } }),
        key in overlays ? overlays[key as keyof typeof overlays].label : panes[key as keyof typeof panes],
      ),
    );
    const flowSelect = h(
      "select",
      { on: { change: (event) => { flow = (event.target as HTMLSelectElement).value; rebuild(); } }, title: "Inventory series plotted under the price" },
      h("option", { value: "", text: "no inventory series" }),
      ...seriesChoices().map((choice) => h("option", { value: choice, text: choice, selected: choice === chosenFlow() })),
    );
    replace(toolbar, h("span", { class: "group" }, ...intervals), h("span", { class: "group" }, ...toggles), enabled.has("inventory") ? flowSelect : null);
  };

  const drawQuote = (): void => {
    const current = context.market.instruments.get(id);
    setText(label, current?.name ?? "");
    setText(last, format.price(current?.last?.price));
    setText(change, format.percent(current?.changePct));
    change.className = `num change big ${format.direction(current?.changePct)}`;
  };

  const rebuild = (): void => {
    drawToolbar();
    state?.chart.remove();
    state = buildChart(chartHost);
    void reload();
  };

  /** Bars, indicators, inventory and markers from the API: on open, on each bar close, and after a reconnect. */
  const reload = async (): Promise<void> => {
    const mine = ++generation;
    if (interval === null) {
      return;
    }
    const specs = (Object.keys(overlays) as (keyof typeof overlays)[]).filter((key) => enabled.has(key)).map((key) => overlays[key].spec as string);
    if (enabled.has("rsi")) specs.push("rsi(14)");
    if (enabled.has("macd")) specs.push("macd(12,26,9)");
    const query = [`interval=${encode(interval)}`, `limit=${barLimit}`, ...specs.map((spec) => `indicator=${encode(spec)}`)].join("&");
    try {
      const bars = await get<Bar[]>(`/api/v1/instruments/${encode(id)}/bars?${query}`);
      const inventory = enabled.has("inventory") && chosenFlow() && bars.length > 0 ? await loadFlow(chosenFlow(), bars[0].ts) : null;
      if (mine !== generation || !state) {
        return;
      }
      fill(state, bars, inventory, interval, enabled);
      drawMarkers(state, context.alerts.forInstrument(id), interval);
      status.textContent = bars.length === 0 ? `No ${interval} bars yet for ${id}.` : "";
    } catch (error) {
      status.textContent = describe(error);
    }
  };

  const onQuote = (quote: QuoteMessage): void => {
    if (quote.instrument !== id || !state || interval === null) {
      return;
    }
    const closed = liveCandle(state, quote, interval);
    schedule(`chart-head:${id}`, drawQuote);
    if (closed) {
      void reload();
    }
  };

  rebuild();
  drawQuote();
  const offs = [
    context.market.quotes.on(onQuote),
    context.market.changes.on((change) => {
      if (change.kind === "snapshot" && interval === null && context.market.instruments.get(id)?.intervals?.length) {
        // Opened by a deep link before the market loaded: now the intervals are known.
        interval = context.market.instruments.get(id)!.intervals![0];
        rebuild();
        schedule(`chart-head:${id}`, drawQuote);
      } else if (change.kind === "snapshot") {
        // Inventory series arrive with the snapshots: offer them (and plot the default one) as they become known.
        schedule(`chart-toolbar:${id}`, () => {
          const before = chosenFlow();
          drawToolbar();
          if (chosenFlow() !== before) void reload();
        });
      } else if (change.kind === "inventory" && chosenFlow().startsWith(`${change.id}/`)) {
        void reload();
      }
    }),
    context.live.connected.on(() => void reload()),
    context.alerts.changed.on(() => schedule(`chart-markers:${id}`, () => state && interval && drawMarkers(state, context.alerts.forInstrument(id), interval))),
  ];
  return () => {
    offs.forEach((off) => off());
    feed.dispose();
    inventory.dispose();
    state?.chart.remove();
    state = null;
  };
}

function buildChart(host: HTMLElement): ChartState {
  const chart = createChart(host, {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: "transparent" }, textColor: colours.text, fontSize: 13, panes: { separatorColor: "#2a3442" } },
    grid: { vertLines: { color: colours.grid }, horzLines: { color: colours.grid } },
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: "#2a3442" },
    rightPriceScale: { borderColor: "#2a3442" },
  });
  const candles = chart.addSeries(CandlestickSeries, { upColor: colours.up, downColor: colours.down, borderVisible: false, wickUpColor: colours.up, wickDownColor: colours.down });
  return { chart, candles, markers: createSeriesMarkers(candles, []), lastBar: null };
}

/** Replaces everything drawn with the reloaded bars, their indicators and the inventory series. */
function fill(state: ChartState, bars: Bar[], inventory: InventoryPoint[] | null, interval: string, enabled: Set<Toggle>): void {
  const { chart, candles } = state;
  for (const series of chart.panes().flatMap((pane) => pane.getSeries())) {
    if (series !== candles) {
      chart.removeSeries(series);
    }
  }
  candles.setData(bars.map((bar) => ({ time: toTime(bar.ts), open: bar.open, high: bar.high, low: bar.low, close: bar.close })));
  state.lastBar = bars[bars.length - 1] ?? null;

  const line = (key: string, colour: string, pane: number, style = LineStyle.Solid): void => {
    const data = bars.filter((bar) => bar.indicators?.[key] !== undefined).map((bar) => ({ time: toTime(bar.ts), value: bar.indicators![key] }));
    chart.addSeries(LineSeries, { color: colour, lineWidth: 2, lineStyle: style, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false, title: key }, pane).setData(data);
  };
  if (enabled.has("sma")) line("sma(20)", colours.sma, 0);
  if (enabled.has("ema")) line("ema(20)", colours.ema, 0);
  if (enabled.has("bb")) {
    overlays.bb.keys.forEach((key, i) => line(key, colours.bb, 0, i === 1 ? LineStyle.Dotted : LineStyle.Dashed));
  }
  let pane = 1;
  if (enabled.has("rsi")) {
    line("rsi(14)", colours.rsi, pane);
    const rsi = chart.panes()[pane].getSeries()[0];
    rsi.createPriceLine({ price: 70, color: "#5c6370", lineStyle: LineStyle.Dashed, lineWidth: 1, axisLabelVisible: false, title: "" });
    rsi.createPriceLine({ price: 30, color: "#5c6370", lineStyle: LineStyle.Dashed, lineWidth: 1, axisLabelVisible: false, title: "" });
    pane++;
  }
  if (enabled.has("macd")) {
    const key = "macd(12,26,9)";
    chart
      .addSeries(HistogramSeries, { priceLineVisible: false, lastValueVisible: false, title: "histogram" }, pane)
      .setData(
        bars
          .filter((bar) => bar.indicators?.[`${key}.histogram`] !== undefined)
          .map((bar) => {
            const value = bar.indicators![`${key}.histogram`];
            return { time: toTime(bar.ts), value, color: value >= 0 ? "rgba(76,195,138,0.6)" : "rgba(240,113,120,0.6)" };
          }),
      );
    line(`${key}.macd`, colours.macd, pane);
    line(`${key}.signal`, colours.signal, pane);
    pane++;
  }
  if (enabled.has("inventory") && inventory) {
    chart
      .addSeries(
        LineSeries,
        { color: colours.inventory, lineWidth: 2, lineType: LineType.WithSteps, priceLineVisible: false, title: "inventory", priceFormat: { type: "custom", formatter: (value: number) => format.quantity(value), minMove: 1 } },
        pane,
      )
      .setData(levelsAtBars(bars, inventory, intervalSeconds(interval)));
  }
  chart.panes().forEach((p, index) => p.setStretchFactor(index === 0 ? 3 : 1));
  chart.timeScale().fitContent();
}

/** The inventory level as rules see it at each bar's close: the latest asOf published by then (restatements win). */
function levelsAtBars(bars: Bar[], versions: InventoryPoint[], seconds: number): LineData<Time>[] {
  const published = versions
    .map((point) => ({ ...point, at: Date.parse(point.publishedAt ?? point.asOf) }))
    .sort((a, b) => a.at - b.at);
  const result: LineData<Time>[] = [];
  let next = 0;
  let level: { asOf: string; quantity: number } | null = null;
  for (const bar of bars) {
    const close = Date.parse(bar.ts) + seconds * 1000;
    while (next < published.length && published[next].at <= close) {
      const point = published[next++];
      if (!level || point.asOf >= level.asOf) {
        level = point;
      }
    }
    if (level) {
      result.push({ time: toTime(bar.ts), value: level.quantity });
    }
  }
  return result;
}

async function loadFlow(flow: string, firstBar: string): Promise<InventoryPoint[]> {
  const [instrument, series] = flow.split("/");
  const from = new Date(Date.parse(firstBar) - 40 * 86_400_000).toISOString().slice(0, 10);
  return get<InventoryPoint[]>(`/api/v1/instruments/${encode(instrument)}/inventory/${encode(series)}?from=${from}&versions=all`);
}

/** Moves the last candle with a quote; true when a new bar opened (the previous one closed: time to reload). */
function liveCandle(state: ChartState, quote: QuoteMessage, interval: string): boolean {
  const last = state.lastBar;
  if (!last) {
    return quote.bar !== null;
  }
  const seconds = intervalSeconds(interval);
  const quoteBarStart = quote.bar && quote.bar.interval === interval ? Date.parse(quote.bar.ts) : Math.floor(Date.parse(quote.ts) / 1000 / seconds) * seconds * 1000;
  const lastStart = Date.parse(last.ts);
  if (quoteBarStart < lastStart) {
    return false;
  }
  if (quoteBarStart > lastStart) {
    return true;
  }
  const updated: Bar =
    quote.bar && quote.bar.interval === interval
      ? { ...last, open: quote.bar.open, high: quote.bar.high, low: quote.bar.low, close: quote.bar.close }
      : { ...last, high: Math.max(last.high, quote.price), low: Math.min(last.low, quote.price), close: quote.price };
  state.lastBar = updated;
  state.candles.update({ time: toTime(updated.ts), open: updated.open, high: updated.high, low: updated.low, close: updated.close });
  return false;
}

function drawMarkers(state: ChartState, alerts: Alert[], interval: string): void {
  const seconds = intervalSeconds(interval);
  const first = state.candles.data()[0];
  const markers: SeriesMarker<Time>[] = alerts
    .map((alert) => {
      const at = Date.parse(alert.firedAt ?? alert.startedAt) / 1000;
      const bearish = alert.direction === "bearish" || alert.direction === "down" || alert.direction === "low";
      return {
        time: (Math.floor(at / seconds) * seconds) as UTCTimestamp,
        position: bearish ? ("aboveBar" as const) : ("belowBar" as const),
        shape: bearish ? ("arrowDown" as const) : alert.direction ? ("arrowUp" as const) : ("circle" as const),
        color: colours.severity[alert.severity] ?? colours.severity.warning,
        text: alert.ruleName || alert.ruleId,
        id: alert.id,
      };
    })
    .filter((marker) => first !== undefined && (marker.time as number) >= (first.time as number))
    .sort((a, b) => (a.time as number) - (b.time as number));
  state.markers.setMarkers(markers);
}

function toTime(iso: string): UTCTimestamp {
  return Math.floor(Date.parse(iso) / 1000) as UTCTimestamp;
}

function intervalSeconds(interval: string): number {
  const match = /^(\d+)([smhdw])$/.exec(interval);
  if (!match) {
    return 60;
  }
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] as "s" | "m" | "h" | "d" | "w"];
  return Number(match[1]) * unit;
}
