// The alerts the board shows: the newest from GET /api/v1/alerts, kept current by hub Alert messages.
import { encode, get, post } from "./api";
import { Emitter } from "./events";
import type { Load } from "./market";
import type { Alert, AlertGroup, AlertMessage } from "./types";

const kept = 200;

export class AlertBook {
  readonly byId = new Map<string, Alert>();
  readonly changed = new Emitter<void>();
  /** Live transitions only (never a snapshot reload), for sound and title blink. */
  readonly transitions = new Emitter<AlertMessage>();
  /** Alerts the hub delivered while a snapshot was on its way (null when none is). */
  private arrivedDuringReload: Alert[] | null = null;

  constructor(private readonly load: Load = get) {}

  async reload(): Promise<void> {
    const arrived: Alert[] = [];
    this.arrivedDuringReload = arrived;
    let alerts: Alert[];
    try {
      alerts = await this.load<Alert[]>(`/api/v1/alerts?limit=${kept}`);
    } finally {
      if (this.arrivedDuringReload === arrived) {
        this.arrivedDuringReload = null;
      }
    }
    this.byId.clear();
    for (const alert of alerts) {
      this.byId.set(alert.id, alert);
    }
    // The snapshot may have been read before an alert the hub delivered meanwhile: the later of the two wins, so a
    // new alert does not vanish from the board until its next transition.
    for (const alert of arrived) {
      const listed = this.byId.get(alert.id);
      if (!listed || lastChange(alert) >= lastChange(listed)) {
        this.byId.set(alert.id, alert);
      }
    }
    this.trim();
    this.changed.emit();
  }

  onMessage(message: AlertMessage): void {
    this.arrivedDuringReload?.push(message.alert);
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
    this.keep(await post<Alert>(`/api/v1/alerts/${encode(id)}/ack`, { by, comment: comment || undefined }));
  }

  /** Assigns the alert to `assignee`, or unassigns it when that is null. */
  async assign(id: string, by: string, assignee: string | null): Promise<void> {
    this.keep(await post<Alert>(`/api/v1/alerts/${encode(id)}/assign`, { by, assignee }));
  }

  async shelve(id: string, by: string, until: string): Promise<void> {
    this.keep(await post<Alert>(`/api/v1/alerts/${encode(id)}/shelve`, { by, until }));
  }

  async unshelve(id: string, by: string): Promise<void> {
    this.keep(await post<Alert>(`/api/v1/alerts/${encode(id)}/unshelve`, { by }));
  }

  /** Adds a comment; answers the alert with its history. */
  async comment(id: string, by: string, text: string): Promise<Alert> {
    return this.keep(await post<Alert>(`/api/v1/alerts/${encode(id)}/comments`, { by, text }));
  }

  /** The alert with its transitions and its history of what people did with it. */
  history(id: string): Promise<Alert> {
    return get<Alert>(`/api/v1/alerts/${encode(id)}`);
  }

  /** Acknowledges or shelves every firing alert of a notification group. */
  async actOnGroup(id: string, action: "ack" | "shelve", body: { by: string; until?: string; comment?: string }): Promise<AlertGroup> {
    const group = await post<AlertGroup>(`/api/v1/notifications/groups/${encode(id)}/${action}`, body);
    group.members.forEach((alert) => this.byId.set(alert.id, alert));
    this.changed.emit();
    return group;
  }

  private keep(alert: Alert): Alert {
    // The book holds alerts as lists show them; the history is only for the one asking.
    this.byId.set(alert.id, { ...alert, activity: undefined });
    this.changed.emit();
    return alert;
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

/** When something last happened to an alert, in milliseconds. */
function lastChange(alert: Alert): number {
  const times = [alert.startedAt, alert.firedAt, alert.resolvedAt, alert.acknowledgedAt, alert.assignment?.at, alert.shelf?.at];
  return Math.max(...times.map((time) => (time ? Date.parse(time) : 0)));
}
