// What the alert views' tests share: an alert as the API lists it, and a board context whose hub is never started.
import { HubConnectionState } from "@microsoft/signalr";
import { AlertBook } from "../src/alerts";
import type { Context } from "../src/context";
import { Live, type HubLink } from "../src/live";
import { Market } from "../src/market";
import type { Alert } from "../src/types";

export function alert(id: string, changes: Partial<Alert> = {}): Alert {
  return {
    id, ruleId: `rule-${id}`, ruleName: `Gold above ${id}`, type: "threshold", severity: "critical", instruments: ["COMEX:GC"], state: "firing",
    direction: null, startedAt: "2026-01-16T11:59:00Z", firedAt: "2026-01-16T11:59:30Z", resolvedAt: null, message: "COMEX:GC 5,130 above 5,000",
    values: { "COMEX:GC": 5130 }, acknowledgedBy: null, acknowledgedByKey: null, acknowledgedAt: null, silenced: false, ...changes,
  };
}

/** The alert views never use the hub: a connection that is never started. */
const unstarted: HubLink = {
  state: HubConnectionState.Disconnected,
  start: async () => undefined,
  stop: async () => undefined,
  invoke: async () => undefined as never,
  on: () => undefined,
  onreconnecting: () => undefined,
  onreconnected: () => undefined,
  onclose: () => undefined,
};

/** A reader's board context around `alerts`. */
export function readerContext(alerts: AlertBook): Context {
  return { live: new Live(unstarted), market: new Market(), alerts, session: { name: "reader", roles: ["read"], anonymousRead: false } };
}
