// Reading a notification policy at a glance (docs/api.md, Notification policy): the routing tree flattened with what
// each route inherits, and one line per receiver, inhibition rule and time interval. Pure: the page only draws these.
import type { NotificationPolicy, PolicyReceiver, PolicyRoute } from "./types";

/** Alertmanager's defaults, as the server applies them (RouteDefaults). */
export const defaults = { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" } as const;

export const receiverKinds = ["webhook", "slack", "teams", "email", "telegram"] as const;

export interface RouteRow {
  /** 0 for the root, 1 for its children... */
  depth: number;
  /** Where it is in the document: route, route.routes[0], route.routes[0].routes[1]. */
  path: string;
  matchers: string[];
  receiver: string;
  /** Whether the receiver is the parent's rather than its own. */
  inheritsReceiver: boolean;
  grouping: string;
  timing: string;
  continues: boolean;
  muted: string[];
  active: string[];
}

/** The tree in document order, each route with the receiver, grouping and timings it has after inheritance. */
export function routeRows(root: PolicyRoute): RouteRow[] {
  const rows: RouteRow[] = [];
  const walk = (route: PolicyRoute, path: string, depth: number, parent: Required<Pick<PolicyRoute, "receiver" | "groupBy" | "groupWait" | "groupInterval" | "repeatInterval">>): void => {
    const resolved = {
      receiver: route.receiver ?? parent.receiver,
      groupBy: route.groupBy ?? parent.groupBy,
      groupWait: route.groupWait ?? parent.groupWait,
      groupInterval: route.groupInterval ?? parent.groupInterval,
      repeatInterval: route.repeatInterval ?? parent.repeatInterval,
    };
    rows.push({
      depth,
      path,
      matchers: route.matchers ?? [],
      receiver: resolved.receiver,
      inheritsReceiver: route.receiver === undefined && depth > 0,
      grouping: groupingText(resolved.groupBy),
      timing: `wait ${resolved.groupWait} · every ${resolved.groupInterval} · repeat ${resolved.repeatInterval}`,
      continues: route.continue === true,
      muted: route.muteTimeIntervals ?? [],
      active: route.activeTimeIntervals ?? [],
    });
    (route.routes ?? []).forEach((child, index) => walk(child, `${path}.routes[${index}]`, depth + 1, resolved));
  };
  walk(root, "route", 0, { receiver: "", groupBy: [], ...defaults });
  return rows;
}

export function groupingText(groupBy: string[]): string {
  if (groupBy.includes("...")) {
    return "each alert alone";
  }
  return groupBy.length === 0 ? "all in one group" : `by ${groupBy.join(", ")}`;
}

/** The receiver's kind, or "none" for one that drops what reaches it. */
export function receiverKind(receiver: PolicyReceiver): string {
  return receiverKinds.find((kind) => receiver[kind] !== undefined) ?? "none";
}

/** Where the receiver sends, as an admin recognises it (secrets are already masked by the server). */
export function receiverTarget(receiver: PolicyReceiver): string {
  const kind = receiverKind(receiver);
  const settings = (receiver[kind] ?? {}) as Record<string, unknown>;
  switch (kind) {
    case "webhook":
      return `webhook ${String(settings.id ?? "?")}`;
    case "slack":
    case "teams":
      return String(settings.url ?? "");
    case "email": {
      const smtp = (settings.smtp ?? {}) as Record<string, unknown>;
      const to = Array.isArray(settings.to) ? settings.to.join(", ") : "";
      return `${to} via ${String(smtp.host ?? "?")}:${String(smtp.port ?? 587)}`;
    }
    case "telegram":
      return `chat ${String(settings.chatId ?? "?")}`;
    default:
      return "drops what reaches it";
  }
}

/** A time interval in one line: an exchange calendar's state, or its recurring fields. */
export function intervalText(interval: Record<string, unknown>): string {
  if (typeof interval.calendar === "string") {
    return `${interval.calendar} ${String(interval.when ?? "")}`.trim();
  }
  const parts = Array.isArray(interval.intervals) ? (interval.intervals as Record<string, unknown>[]) : [interval];
  return parts.map(recurringText).join("; ");
}

function recurringText(part: Record<string, unknown>): string {
  const list = (name: string): string => (Array.isArray(part[name]) ? (part[name] as unknown[]).map(String).join(", ") : "");
  const times = Array.isArray(part.times) ? (part.times as { start?: string; end?: string }[]).map((t) => `${t.start ?? "00:00"}-${t.end ?? "24:00"}`).join(", ") : "";
  const fields = [list("weekdays"), times, list("daysOfMonth") && `days ${list("daysOfMonth")}`, list("months"), list("years")].filter(Boolean);
  return `${fields.join(" ") || "always"} (${String(part.timeZone ?? "UTC")})`;
}

export interface PolicySummary {
  routes: number;
  receivers: number;
  inhibitRules: number;
  timeIntervals: number;
}

export function summary(policy: NotificationPolicy): PolicySummary {
  return {
    routes: routeRows(policy.route).length,
    receivers: policy.receivers?.length ?? 0,
    inhibitRules: policy.inhibitRules?.length ?? 0,
    timeIntervals: policy.timeIntervals?.length ?? 0,
  };
}
