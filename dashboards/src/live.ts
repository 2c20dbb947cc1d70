// The SignalR connection to /hubs/market (docs/api.md, Hub). It reconnects on its own, forever; after every
// (re)connection it subscribes again (groups belong to a connection) and then asks for a snapshot reload,
// because pushes are at most once and anything sent while it was away is gone. It asks for quote batches
// (?quotes=batched): one "Quotes" message per push carries every quote that arrived for it, in order.
import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import { Emitter } from "./events";
import { getKey } from "./keys";
import type { AlertMessage, InventoryMessage, QuoteMessage } from "./types";

export type LinkState = "connecting" | "live" | "reconnecting" | "offline";

/** What the board uses of a SignalR connection (tests drive a fake one). */
export type HubLink = Pick<HubConnection, "state" | "start" | "stop" | "invoke" | "on" | "onreconnecting" | "onreconnected" | "onclose">;

const maxRetryDelayMs = 3000;

export class Live {
  readonly state = new Emitter<LinkState>();
  readonly quotes = new Emitter<QuoteMessage>();
  readonly inventory = new Emitter<InventoryMessage>();
  readonly alerts = new Emitter<AlertMessage>();
  /** Raised once subscriptions are in place after each (re)connection: time to reload snapshots. */
  readonly connected = new Emitter<void>();

  current: LinkState = "connecting";
  private readonly connection: HubLink;
  /** Every instrument the board shows; subscribed again after each reconnection. */
  private readonly wanted = new Set<string>();
  /** What this connection has subscribed to (groups belong to a connection). */
  private readonly subscribed = new Set<string>();

  constructor(connection: HubLink = hubConnection()) {
    this.connection = connection;
    this.listen();
  }

  start(): void {
    void this.connectLoop(0);
  }

  /** Subscribes to instruments not subscribed yet, now if connected, else on connecting (the list may grow). */
  async watch(ids: string[]): Promise<void> {
    ids.forEach((id) => this.wanted.add(id));
    if (this.connection.state === HubConnectionState.Connected) {
      await this.subscribeWanted();
    }
  }

  private async subscribeWanted(): Promise<void> {
    const fresh = [...this.wanted].filter((id) => !this.subscribed.has(id));
    if (fresh.length > 0) {
      await this.connection.invoke("SubscribeInstruments", fresh);
      fresh.forEach((id) => this.subscribed.add(id));
    }
  }

  private listen(): void {
    const connection = this.connection;
    connection.on("Quote", (message: QuoteMessage) => this.quotes.emit(message));
    connection.on("Quotes", (messages: QuoteMessage[]) => messages.forEach((message) => this.quotes.emit(message)));
    connection.on("Inventory", (message: InventoryMessage) => this.inventory.emit(message));
    connection.on("Alert", (message: AlertMessage) => this.alerts.emit(message));
    connection.onreconnecting(() => {
      this.subscribed.clear();
      this.setState("reconnecting");
    });
    connection.onreconnected(() => void this.afterConnect());
    connection.onclose(() => {
      this.subscribed.clear();
      this.setState("offline");
      void this.connectLoop(0);
    });
  }

  private async connectLoop(attempt: number): Promise<void> {
    if (this.connection.state !== HubConnectionState.Disconnected) {
      return;
    }
    try {
      await this.connection.start();
    } catch {
      this.setState(attempt === 0 && this.current === "connecting" ? "connecting" : "offline");
      setTimeout(() => void this.connectLoop(attempt + 1), retryDelay(attempt));
      return;
    }
    await this.afterConnect();
  }

  /** Live means subscribed: to every instrument wanted so far and to alerts. */
  private async afterConnect(): Promise<void> {
    try {
      await this.subscribeWanted();
      await this.connection.invoke("SubscribeAlerts");
    } catch {
      // Connected but not subscribed: start over (onclose reconnects).
      await this.connection.stop();
      return;
    }
    this.setState("live");
    this.connected.emit();
  }

  private setState(state: LinkState): void {
    if (state !== this.current) {
      this.current = state;
      this.state.emit(state);
    }
  }
}

function hubConnection(): HubConnection {
  return new HubConnectionBuilder()
    .withUrl("/hubs/market?quotes=batched", { accessTokenFactory: () => getKey() ?? "" })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount) })
    .configureLogging(LogLevel.None)
    .build();
}

/** Milliseconds before reconnection attempt `attempt` (0-based): doubling from 250 ms, at most 3 s. */
export function retryDelay(attempt: number): number {
  return Math.min(250 * 2 ** attempt, maxRetryDelayMs);
}
