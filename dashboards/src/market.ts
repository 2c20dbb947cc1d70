// The board's view of the market: the instruments' latest state from HTTP snapshots and hub messages.
// Every hub message carries a seq per instrument; a message that skips one means something was lost, so that
// instrument's snapshot is reloaded (quotes carry the full latest state, but inventory changes and closed bars
// in between would be missing). A quote the hub sent after coalescing others away says so with prevSeq, the seq
// of the message before it: nothing is missing if that one was seen.
import { encode, get } from "./api";
import { Emitter } from "./events";
import type { Bar, Instrument, InventoryMessage, InventoryPoint, QuoteMessage } from "./types";

export interface SeriesLevel {
  asOf: string;
  quantity: number;
  unit: string;
  /** Change from the previous asOf's value (the day's change for daily series), when known. */
  change: number | null;
  previousAsOf: string | null;
}

export interface InstrumentState extends Instrument {
  /** Closes of the finest interval's recent bars, oldest first, for the sparkline. */
  spark: { ts: string; close: number }[];
  series: Map<string, SeriesLevel>;
  /** Direction of the last price change, for the flash. */
  move: "up" | "down" | null;
}

export type MarketChange = { id: string; kind: "quote" | "inventory" | "snapshot" };

/** Reads a JSON resource of the API (a GET); the board passes the HTTP client's, tests their own. */
export type Load = <T>(path: string) => Promise<T>;

const sparkBars = 60;
const inventoryLookbackDays = 21;

export class Market {
  readonly instruments = new Map<string, InstrumentState>();
  readonly changes = new Emitter<MarketChange>();
  readonly listed = new Emitter<string[]>();
  readonly quotes = new Emitter<QuoteMessage>();
  private readonly gaps = new Set<string>();
  private reloading: Promise<void> | null = null;

  constructor(private readonly load: Load = get) {}

  get ids(): string[] {
    return [...this.instruments.keys()];
  }

  /** The whole snapshot: every instrument, its inventory levels and sparkline. */
  async reloadAll(): Promise<void> {
    const list = await this.load<Instrument[]>("/api/v1/instruments");
    const added = list.some((instrument) => !this.instruments.has(instrument.id));
    for (const instrument of list) {
      this.applySnapshot(instrument);
    }
    if (added) {
      this.listed.emit(this.ids);
    }
    await Promise.all(list.map((instrument) => this.loadDetails(instrument.id)));
  }

  onQuote(quote: QuoteMessage): void {
    const state = this.instruments.get(quote.instrument);
    if (!state || quote.seq <= state.seq) {
      return;
    }
    this.checkGap(state, quote.prevSeq ?? quote.seq - 1);
    state.move = state.last && quote.price !== state.last.price ? (quote.price > state.last.price ? "up" : "down") : null;
    state.last = { price: quote.price, ts: quote.ts };
    state.changePct = quote.changePct;
    state.indicators = quote.indicators;
    state.seq = quote.seq;
    if (quote.bar) {
      const spark = state.spark;
      const tail = spark[spark.length - 1];
      if (tail && tail.ts === quote.bar.ts) {
        tail.close = quote.bar.close;
      } else if (!tail || tail.ts < quote.bar.ts) {
        spark.push({ ts: quote.bar.ts, close: quote.bar.close });
        if (spark.length > sparkBars) {
          spark.shift();
        }
      }
    }
    this.quotes.emit(quote);
    this.changes.emit({ id: state.id, kind: "quote" });
  }

  onInventory(message: InventoryMessage): void {
    const state = this.instruments.get(message.instrument);
    if (!state || message.seq <= state.seq) {
      return;
    }
    this.checkGap(state, message.seq - 1);
    state.seq = message.seq;
    if (message.location) {
      // The watchlist shows totals; a location's value only tells the instrument's page to refresh its pane.
      this.changes.emit({ id: state.id, kind: "inventory" });
      return;
    }
    const level = state.series.get(message.series);
    if (!level || message.asOf > level.asOf) {
      state.series.set(message.series, {
        asOf: message.asOf,
        quantity: message.quantity,
        unit: message.unit,
        change: level ? message.quantity - level.quantity : null,
        previousAsOf: level?.asOf ?? null,
      });
    } else if (message.asOf === level.asOf) {
      // A restatement of the latest value: the change is against the same previous value as before.
      const previous = level.change === null ? null : level.quantity - level.change;
      level.quantity = message.quantity;
      level.change = previous === null ? null : message.quantity - previous;
    }
    this.changes.emit({ id: state.id, kind: "inventory" });
  }

  /** `previous`: the seq of the message that came before this one; a gap when it was not seen. */
  private checkGap(state: InstrumentState, previous: number): void {
    if (state.seq > 0 && previous > state.seq) {
      this.gaps.add(state.id);
      void this.reloadGaps();
    }
  }

  /** One reload at a time; gaps seen meanwhile are picked up by the next round. */
  private async reloadGaps(): Promise<void> {
    while (this.reloading) {
      await this.reloading;
    }
    if (this.gaps.size === 0) {
      return;
    }
    const ids = [...this.gaps];
    this.gaps.clear();
    this.reloading = Promise.all(ids.map((id) => this.reloadOne(id)))
      .then(() => undefined)
      .catch(() => ids.forEach((id) => this.gaps.add(id)))
      .finally(() => (this.reloading = null));
    await this.reloading;
  }

  private async reloadOne(id: string): Promise<void> {
    this.applySnapshot(await this.load<Instrument>(`/api/v1/instruments/${encode(id)}`));
    await this.loadDetails(id);
  }

  private applySnapshot(instrument: Instrument): void {
    const state = this.instruments.get(instrument.id);
    if (!state) {
      this.instruments.set(instrument.id, { ...instrument, spark: [], series: new Map(), move: null });
    } else if (instrument.seq >= state.seq) {
      // The snapshot is at least as new as what the hub delivered: take it. (An older one is ignored.)
      const { spark, series } = state;
      Object.assign(state, instrument, { spark, series, move: null });
    }
    this.changes.emit({ id: instrument.id, kind: "snapshot" });
  }

  /** Sparkline bars and inventory levels with their previous values. */
  private async loadDetails(id: string): Promise<void> {
    const [bars, detail] = await Promise.all([
      this.load<Bar[]>(`/api/v1/instruments/${encode(id)}/bars?limit=${sparkBars}`),
      this.load<Instrument>(`/api/v1/instruments/${encode(id)}`),
    ]);
    const state = this.instruments.get(id);
    if (!state) {
      return;
    }
    state.spark = bars.map((bar) => ({ ts: bar.ts, close: bar.close }));
    const levels = await Promise.all(
      Object.entries(detail.inventory ?? {}).map(async ([series, latest]) => [series, await this.levelOf(id, series, latest)] as const),
    );
    state.series = new Map(levels);
    this.changes.emit({ id, kind: "snapshot" });
  }

  private async levelOf(id: string, series: string, latest: InventoryPoint): Promise<SeriesLevel> {
    const from = new Date(Date.parse(latest.asOf) - inventoryLookbackDays * 86_400_000).toISOString().slice(0, 10);
    const history = await this.load<InventoryPoint[]>(`/api/v1/instruments/${encode(id)}/inventory/${encode(series)}?from=${from}`);
    const previous = history.filter((point) => point.asOf < latest.asOf).pop();
    return {
      asOf: latest.asOf,
      quantity: latest.quantity,
      unit: latest.unit,
      change: previous ? latest.quantity - previous.quantity : null,
      previousAsOf: previous?.asOf ?? null,
    };
  }
}
