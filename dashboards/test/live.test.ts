// The hub connection: subscribes after every (re)connection and then asks for a snapshot reload; retries with backoff.
import { HubConnectionState } from "@microsoft/signalr";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Live, retryDelay, type HubLink } from "../src/live";

/** A SignalR connection whose connects, drops and reconnections the test decides. */
class FakeLink implements HubLink {
  state = HubConnectionState.Disconnected;
  starts = 0;
  failuresLeft = 0;
  readonly invoked: [string, unknown[]][] = [];
  private reconnecting: () => void = () => {};
  private reconnected: () => void = () => {};
  private closed: () => void = () => {};

  async start(): Promise<void> {
    this.starts++;
    if (this.failuresLeft-- > 0) {
      throw new Error("connection refused");
    }
    this.state = HubConnectionState.Connected;
  }

  async stop(): Promise<void> {
    this.drop();
  }

  async invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    this.invoked.push([method, args]);
    return undefined as T;
  }

  readonly handlers = new Map<string, (...args: never[]) => void>();

  on(method: string, handler: (...args: never[]) => void): void {
    this.handlers.set(method, handler);
  }

  /** The server sends a message. */
  receive(method: string, ...args: unknown[]): void {
    (this.handlers.get(method) as (...args: unknown[]) => void)(...args);
  }

  onreconnecting(callback: () => void): void {
    this.reconnecting = callback;
  }

  onreconnected(callback: () => void): void {
    this.reconnected = callback;
  }

  onclose(callback: () => void): void {
    this.closed = callback;
  }

  /** The transport dropped; SignalR tries to reconnect. */
  lose(): void {
    this.state = HubConnectionState.Reconnecting;
    this.reconnecting();
  }

  /** SignalR reconnected on its own. */
  regain(): void {
    this.state = HubConnectionState.Connected;
    this.reconnected();
  }

  /** SignalR gave up: the connection is closed. */
  drop(): void {
    this.state = HubConnectionState.Disconnected;
    this.closed();
  }
}

async function connected(link = new FakeLink()): Promise<{ link: FakeLink; live: Live; snapshots: () => number }> {
  const live = new Live(link);
  let reloads = 0;
  live.connected.on(() => reloads++);
  await live.watch(["COMEX:SI"]);
  live.start();
  await vi.waitFor(() => expect(live.current).toBe("live"));
  return { link, live, snapshots: () => reloads };
}

describe("Live", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("hands on each quote of a Quotes batch in order, as it does a single Quote", async () => {
    const { link, live } = await connected();
    const seen: [string, number][] = [];
    live.quotes.on((quote) => seen.push([quote.instrument, quote.seq]));

    link.receive("Quotes", [{ instrument: "COMEX:SI", seq: 7 }, { instrument: "ETF:SLV", seq: 3 }, { instrument: "COMEX:SI", seq: 8 }]);
    link.receive("Quote", { instrument: "COMEX:GC", seq: 1 });

    expect(seen).toEqual([["COMEX:SI", 7], ["ETF:SLV", 3], ["COMEX:SI", 8], ["COMEX:GC", 1]]);
  });

  it("Start_SubscribesTheWantedInstrumentsAndAlertsThenAsksForASnapshot", async () => {
    const { link, snapshots } = await connected();

    expect(link.invoked).toEqual([["SubscribeInstruments", [["COMEX:SI"]]], ["SubscribeAlerts", []]]);
    expect(snapshots()).toBe(1);
  });

  it("WatchWhileLive_SubscribesOnlyTheNewInstruments", async () => {
    const { link, live } = await connected();
    link.invoked.length = 0;

    await live.watch(["COMEX:SI", "ETF:SLV"]);

    expect(link.invoked).toEqual([["SubscribeInstruments", [["ETF:SLV"]]]]);
  });

  it("Reconnect_SubscribesEveryInstrumentAgainAndReloadsTheSnapshot", async () => {
    const { link, live, snapshots } = await connected();
    await live.watch(["ETF:SLV"]);
    link.invoked.length = 0;

    link.lose();
    expect(live.current).toBe("reconnecting");
    link.regain();

    await vi.waitFor(() => expect(live.current).toBe("live"));
    expect(link.invoked).toEqual([["SubscribeInstruments", [["COMEX:SI", "ETF:SLV"]]], ["SubscribeAlerts", []]]);
    expect(snapshots()).toBe(2);
  });

  it("ClosedConnection_ConnectsAgainAndReloadsTheSnapshot", async () => {
    const { link, live, snapshots } = await connected();
    const states: string[] = [];
    live.state.on((state) => states.push(state));

    link.drop();

    await vi.waitFor(() => expect(snapshots()).toBe(2));
    expect(states).toEqual(["offline", "live"]);
    expect(link.starts).toBe(2);
  });

  it("FailedStart_RetriesWithBackoffUntilItConnects", async () => {
    vi.useFakeTimers();
    const link = new FakeLink();
    link.failuresLeft = 2;
    const live = new Live(link);

    live.start();
    await vi.advanceTimersByTimeAsync(0);
    expect([link.starts, live.current]).toEqual([1, "connecting"]);
    await vi.advanceTimersByTimeAsync(retryDelay(0));
    expect([link.starts, live.current]).toEqual([2, "offline"]);
    await vi.advanceTimersByTimeAsync(retryDelay(1) - 1);
    expect(link.starts).toBe(2);
    await vi.advanceTimersByTimeAsync(1);

    expect([link.starts, live.current]).toEqual([3, "live"]);
  });

  it("RetryDelay_DoublesFrom250MsUpTo3Seconds", () => {
    expect([0, 1, 2, 3, 4, 10].map(retryDelay)).toEqual([250, 500, 1000, 2000, 3000, 3000]);
  });
});
