// The board's market state: seq gaps reload a snapshot, stale messages and snapshots are ignored, restatements keep
// their change against the same previous value.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Market } from "../src/market";
import type { Instrument, InventoryPoint } from "../src/types";

/** The API as the market reads it: instrument snapshots, no bars, and inventory histories by "id/series". */
class FakeApi {
  readonly requests: string[] = [];
  readonly instruments = new Map<string, Instrument>();
  readonly inventory = new Map<string, InventoryPoint[]>();

  readonly load = async <T>(path: string): Promise<T> => {
    this.requests.push(path);
    const [route, query] = path.split("?");
    const parts = route.replace("/api/v1/instruments", "").split("/").filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0) {
      return [...this.instruments.values()].map((i) => structuredClone(i)) as T;
    }
    const [id, what, series] = parts;
    if (what === undefined) {
      return structuredClone(this.instruments.get(id)) as T;
    }
    if (what === "bars") {
      return [] as T;
    }
    const from = new URLSearchParams(query).get("from") ?? "";
    return (this.inventory.get(`${id}/${series}`) ?? []).filter((p) => p.asOf >= from) as T;
  };

  put(id: string, seq: number, price: number, inventory: Record<string, InventoryPoint> = {}): void {
    this.instruments.set(id, {
      id, name: id, kind: "future", unit: "USD/oz", currency: "USD", last: { price, ts: "2026-01-15T10:00:00Z" },
      changePct: 0, indicators: {}, seq, inventory,
    });
  }
}

const point = (asOf: string, quantity: number): InventoryPoint => ({ asOf, quantity, unit: "oz" });
const quote = (instrument: string, seq: number, price: number, prevSeq?: number) => ({
  instrument, seq, price, ts: "2026-01-15T10:00:01Z", changePct: 1, bar: null, indicators: {}, prevSeq,
});
const inventory = (asOf: string, quantity: number, seq: number, location: string | null = null) => ({
  instrument: "ETF:SLV", series: "holdings", asOf, quantity, unit: "oz", seq, location, restated: false,
});

describe("Market", () => {
  let api: FakeApi;
  let market: Market;

  beforeEach(async () => {
    api = new FakeApi();
    api.put("COMEX:SI", 5, 80);
    api.put("ETF:SLV", 3, 70, { holdings: point("2026-01-14", 100) });
    api.inventory.set("ETF:SLV/holdings", [point("2026-01-13", 90), point("2026-01-14", 100)]);
    market = new Market(api.load);
    await market.reloadAll();
    api.requests.length = 0;
  });

  it("NextSeq_AppliesTheQuoteWithoutReloading", () => {
    market.onQuote(quote("COMEX:SI", 6, 81));

    expect(market.instruments.get("COMEX:SI")).toMatchObject({ seq: 6, last: { price: 81 }, move: "up" });
    expect(api.requests).toEqual([]);
  });

  it("QuoteSkippingASeq_ReloadsThatInstrumentsSnapshot", async () => {
    api.put("COMEX:SI", 9, 90);

    market.onQuote(quote("COMEX:SI", 8, 85));

    await vi.waitFor(() => expect(market.instruments.get("COMEX:SI")).toMatchObject({ seq: 9, last: { price: 90 } }));
    expect(api.requests).toContain("/api/v1/instruments/COMEX%3ASI");
    expect(api.requests.some((path) => path.includes("ETF%3ASLV"))).toBe(false);
  });

  it("CoalescedQuote_WhosePrevSeqWasSeen_AppliesWithoutReloading", () => {
    market.onQuote(quote("COMEX:SI", 9, 85, 5));

    expect(market.instruments.get("COMEX:SI")).toMatchObject({ seq: 9, last: { price: 85 } });
    expect(api.requests).toEqual([]);
  });

  it("CoalescedQuote_WhosePrevSeqWasNotSeen_ReloadsThatInstrumentsSnapshot", async () => {
    api.put("COMEX:SI", 9, 90);

    market.onQuote(quote("COMEX:SI", 8, 85, 6));

    await vi.waitFor(() => expect(market.instruments.get("COMEX:SI")).toMatchObject({ seq: 9, last: { price: 90 } }));
    expect(api.requests).toContain("/api/v1/instruments/COMEX%3ASI");
  });

  it("InventorySkippingASeq_ReloadsThatInstrumentsSnapshot", async () => {
    api.put("ETF:SLV", 6, 71, { holdings: point("2026-01-15", 95) });
    api.inventory.get("ETF:SLV/holdings")!.push(point("2026-01-15", 95));

    market.onInventory(inventory("2026-01-15", 95, 5));

    await vi.waitFor(() => expect(market.instruments.get("ETF:SLV")?.seq).toBe(6));
    expect(api.requests).toContain("/api/v1/instruments/ETF%3ASLV");
  });

  it("StaleOrRepeatedSeq_IsIgnored", () => {
    market.onQuote(quote("COMEX:SI", 5, 99));
    market.onQuote(quote("COMEX:SI", 4, 98));

    expect(market.instruments.get("COMEX:SI")).toMatchObject({ seq: 5, last: { price: 80 } });
    expect(api.requests).toEqual([]);
  });

  it("SnapshotOlderThanWhatTheHubDelivered_IsIgnored", async () => {
    market.onQuote(quote("COMEX:SI", 6, 81));
    market.onQuote(quote("COMEX:SI", 7, 82));

    await market.reloadAll();

    expect(market.instruments.get("COMEX:SI")).toMatchObject({ seq: 7, last: { price: 82 } });
  });

  it("SnapshotReload_TakesInventoryLevelsWithTheirChangeSinceThePreviousReport", () => {
    expect(market.instruments.get("ETF:SLV")?.series.get("holdings")).toEqual({
      asOf: "2026-01-14", quantity: 100, unit: "oz", change: 10, previousAsOf: "2026-01-13",
    });
  });

  it("InventoryForANewAsOf_ChangesAgainstThePreviousLevel", () => {
    market.onInventory(inventory("2026-01-15", 95, 4));

    expect(market.instruments.get("ETF:SLV")?.series.get("holdings")).toEqual({
      asOf: "2026-01-15", quantity: 95, unit: "oz", change: -5, previousAsOf: "2026-01-14",
    });
  });

  it("RestatementOfTheLatestAsOf_KeepsTheChangeAgainstTheSamePreviousValue", () => {
    market.onInventory(inventory("2026-01-15", 95, 4));

    market.onInventory(inventory("2026-01-15", 97, 5));

    expect(market.instruments.get("ETF:SLV")?.series.get("holdings")).toEqual({
      asOf: "2026-01-15", quantity: 97, unit: "oz", change: -3, previousAsOf: "2026-01-14",
    });
  });

  it("RestatementOfAnOlderAsOf_LeavesTheLatestLevelAlone", () => {
    market.onInventory(inventory("2026-01-15", 95, 4));

    market.onInventory(inventory("2026-01-14", 120, 5));

    expect(market.instruments.get("ETF:SLV")?.series.get("holdings")).toMatchObject({ asOf: "2026-01-15", quantity: 95, change: -5 });
    expect(market.instruments.get("ETF:SLV")?.seq).toBe(5);
  });

  it("LocationsValue_LeavesTheTotalLevelAloneAndSignalsTheInstrument", () => {
    const changes: string[] = [];
    market.changes.on((change) => changes.push(`${change.id}:${change.kind}`));

    market.onInventory(inventory("2026-01-15", 40, 4, "London"));

    expect(market.instruments.get("ETF:SLV")?.series.get("holdings")).toMatchObject({ asOf: "2026-01-14", quantity: 100 });
    expect(market.instruments.get("ETF:SLV")?.seq).toBe(4);
    expect(changes).toEqual(["ETF:SLV:inventory"]);
  });
});
