// What people did with an alert, as the board shows it: shelves that hold until a time and then end on their own,
// assignments, and the counts a group's header gives. Pure: times come in as milliseconds.
import type { Alert, AlertActivity, AlertGroup } from "./types";

/** The shelf lengths the board offers, in hours (the server takes up to 7 days). */
export const shelfHours = [1, 4, 24] as const;

/** Whether the alert is shelved at `now`: a shelf holds while its `until` is ahead. */
export function isShelved(alert: Alert, now: number): boolean {
  return alert.shelf != null && Date.parse(alert.shelf.until) > now;
}

/** When a shelf of `hours` started at `now` ends, as the API takes it. */
export function shelfUntil(hours: number, now: number): string {
  return new Date(now + hours * 3_600_000).toISOString();
}

/** Milliseconds until the first of these alerts' shelves ends, or null when none is shelved: the board redraws then. */
export function nextShelfEnd(alerts: Iterable<Alert>, now: number): number | null {
  let next: number | null = null;
  for (const alert of alerts) {
    if (isShelved(alert, now)) {
      const left = Date.parse(alert.shelf!.until) - now;
      next = next === null ? left : Math.min(next, left);
    }
  }
  return next;
}

/** "until 14:30 UTC": when a shelf ends (with its date when that is not today). */
export function shelfEnd(until: string, now: number): string {
  const at = new Date(until).toISOString();
  const sameDay = at.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `until ${sameDay ? at.slice(11, 16) : `${at.slice(0, 10)} ${at.slice(11, 16)}`} UTC`;
}

/** "2h 5m": how long is left until `until`, in whole minutes rounded up. */
export function timeLeft(until: string, now: number): string {
  const minutes = Math.max(0, Math.ceil((Date.parse(until) - now) / 60_000));
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h${minutes % 60 ? ` ${minutes % 60}m` : ""}` : `${minutes}m`;
}

/** One line of an alert's history. */
export function activityText(entry: AlertActivity): string {
  const who = entry.byKey && entry.byKey !== entry.by ? `${entry.by} (key ${entry.byKey})` : entry.by;
  switch (entry.kind) {
    case "acknowledged":
      return `${who} acknowledged${entry.text ? `: ${entry.text}` : ""}`;
    case "assigned":
      return `${who} assigned it to ${entry.assignee ?? "?"}`;
    case "unassigned":
      return `${who} unassigned it`;
    case "shelved":
      return `${who} shelved it until ${entry.until ? new Date(entry.until).toISOString().slice(0, 16).replace("T", " ") : "?"} UTC${entry.text ? `: ${entry.text}` : ""}`;
    case "unshelved":
      return `${who} unshelved it${entry.text ? `: ${entry.text}` : ""}`;
    case "comment":
      return `${who}: ${entry.text ?? ""}`;
  }
}

export interface GroupCounts {
  firing: number;
  /** Firing and neither acknowledged nor shelved: what still repeats. */
  open: number;
  acknowledged: number;
  shelved: number;
  resolved: number;
}

export function groupCounts(group: AlertGroup, now: number): GroupCounts {
  const firing = group.members.filter((alert) => alert.state === "firing");
  return {
    firing: firing.length,
    open: firing.filter((alert) => alert.acknowledgedBy === null && !isShelved(alert, now)).length,
    acknowledged: firing.filter((alert) => alert.acknowledgedBy !== null).length,
    shelved: firing.filter((alert) => isShelved(alert, now)).length,
    resolved: group.members.filter((alert) => alert.state === "resolved").length,
  };
}

/** The group's name on the board: its groupBy values, or "all alerts" for a route that groups everything. */
export function groupTitle(group: AlertGroup): string {
  const values = Object.entries(group.labels).map(([name, value]) => `${name}=${value}`);
  return values.length > 0 ? values.join(", ") : "all alerts";
}
