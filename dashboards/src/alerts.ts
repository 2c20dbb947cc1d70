// The alerts the board shows: the newest from GET /api/v1/alerts, kept current by hub Alert messages.
import { encode, get, post } from "./api";
import { Emitter } from "./events";
import type { Alert, AlertMessage } from "./types";

const kept = 200;

export class AlertBook {
  readonly byId = new Map<string, Alert>();
  readonly changed = new Emitter<void>();
  /** Live transitions only (never a snapshot reload), for sound and title blink. */
  readonly transitions = new Emitter<AlertMessage>();

  async reload(): Promise<void> {
    const alerts = await get<Alert[]>(`/api/v1/alerts?limit=${kept}`);
    this.byId.clear();
    for (const alert of alerts) {
      this.byId.set(alert.id, alert);
    }
    this.changed.emit();
  }

  onMessage(message: AlertMessage): void {
    this.byId.set(message.alert.id, message.alert);
    this.trim();
    this.transitions.emit(message);
    this.changed.emit();
  }

  /** Newest first, as the API lists them. */
  sorted(): Alert[] {
    return [...this.byId.values()].sort((a, b) => (a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1));
  }

  forInstrument(id: string): Alert[] {
    return this.sorted().filter((alert) => alert.instruments.includes(id));
  }

  async acknowledge(id: string, by: string, comment: string): Promise<void> {
    const alert = await post<Alert>(`/api/v1/alerts/${encode(id)}/ack`, { by, comment: comment || undefined });
    this.byId.set(alert.id, alert);
    this.changed.emit();
  }

  private trim(): void {
    if (this.byId.size <= kept) {
      return;
    }
    for (const alert of this.sorted().slice(kept)) {
      this.byId.delete(alert.id);
    }
  }
}
