// The shapes of the API's answers and hub messages (docs/api.md) as the board reads them.

export interface Last {
  price: number;
  ts: string;
}

export interface InventoryPoint {
  asOf: string;
  publishedAt?: string;
  quantity: number;
  unit: string;
  /** 1, then one more per restatement of the same asOf. */
  version?: number;
  /** A depository, warehouse location or vault; null (or absent) for the series' total. */
  location?: string | null;
}

export interface Instrument {
  id: string;
  name: string;
  kind: string;
  unit: string;
  currency: string;
  last: Last | null;
  changePct: number | null;
  indicators: Record<string, number>;
  seq: number;
  intervals?: string[];
  inventory?: Record<string, InventoryPoint> | null;
  /** Each series' locations with their latest values, by name (only on the single-instrument route). */
  inventoryLocations?: Record<string, InventoryPoint[]> | null;
}

export interface Bar {
  ts: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  indicators?: Record<string, number>;
}

export interface QuoteMessage {
  instrument: string;
  ts: string;
  price: number;
  changePct: number | null;
  bar: (Bar & { interval: string }) | null;
  indicators: Record<string, number>;
  seq: number;
  /** Set on a plain Quote sent after the hub left quotes out: the seq of the message it sent before this one. */
  prevSeq?: number;
}

export interface InventoryMessage {
  instrument: string;
  series: string;
  asOf: string;
  quantity: number;
  unit: string;
  seq: number;
  /** Null for the series' total. */
  location: string | null;
  /** A new version of a value already stored. */
  restated: boolean;
}

export type AlertState = "pending" | "firing" | "resolved";
export type Severity = "info" | "warning" | "critical";

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  type: string;
  severity: Severity;
  instruments: string[];
  state: AlertState;
  direction: string | null;
  startedAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
  message: string;
  values: Record<string, number>;
  acknowledgedBy: string | null;
  /** The name of the API key that acknowledged: the free-text acknowledgedBy is only what that key's user typed. */
  acknowledgedByKey: string | null;
  acknowledgedAt: string | null;
  silenced: boolean;
  /** Whom the alert is assigned to (absent from servers before assignments). */
  assignment?: AlertAssignment | null;
  /** The alert's shelf (snooze): it holds while `until` is ahead. */
  shelf?: AlertShelf | null;
  commentCount?: number;
  /** What people did with it, oldest first: only on GET /api/v1/alerts/{id}. */
  activity?: AlertActivity[];
}

export interface AlertAssignment {
  assignee: string;
  by: string;
  byKey: string | null;
  at: string;
}

export interface AlertShelf {
  until: string;
  by: string;
  byKey: string | null;
  at: string;
}

export type AlertActivityKind = "acknowledged" | "assigned" | "unassigned" | "shelved" | "unshelved" | "comment";

export interface AlertActivity {
  kind: AlertActivityKind;
  at: string;
  by: string;
  byKey: string | null;
  text?: string;
  assignee?: string;
  until?: string;
}

export interface AlertMessage {
  transition: "pending" | "firing" | "resolved" | AlertActivityKind;
  alert: Alert;
}

/** A group of the notification policy (GET /api/v1/notifications/groups). */
export interface AlertGroup {
  id: string;
  key: string;
  receiver: string;
  routeId: string;
  labels: Record<string, string>;
  alerts: string[];
  createdAt: string;
  lastNotifiedAt: string | null;
  nextFlushAt: string;
  notifications: number;
  members: Alert[];
}

/** The notification policy as GET /api/v1/notifications returns it (secrets masked); fields as docs/api.md names them. */
export interface PolicyRoute {
  receiver?: string;
  matchers?: string[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  muteTimeIntervals?: string[];
  activeTimeIntervals?: string[];
  routes?: PolicyRoute[];
}

export type PolicyReceiver = { name: string; sendResolved?: boolean } & Record<string, unknown>;

export interface NotificationPolicy {
  receivers?: PolicyReceiver[];
  route: PolicyRoute;
  inhibitRules?: { sourceMatchers?: string[]; targetMatchers?: string[]; equal?: string[] }[];
  timeIntervals?: ({ name: string } & Record<string, unknown>)[];
  templates?: Record<string, string>;
}

/** One notification of GET /api/v1/notifications/log. */
export interface NotificationEntry {
  id: string;
  receiver: string;
  kind: string;
  group: string;
  status: "firing" | "resolved";
  alerts: string[];
  state: "pending" | "delivered" | "failed";
  createdAt: string;
  nextAttemptAt: string | null;
  attempts: DeliveryAttempt[];
}

export interface Rule {
  id: string;
  name?: string;
  type: string;
  severity?: Severity;
  interval?: string;
  evaluate?: "bar" | "tick";
  pendingBars?: number;
  keepFiringBars?: number;
  /** One run per matching instrument (ids and patterns such as ETF:*), with $ in the condition standing for each. */
  forEach?: string[];
  params: Record<string, unknown>;
}

export interface Session {
  name: string | null;
  roles: string[];
  anonymousRead: boolean;
}

export interface Webhook {
  id: string;
  url: string;
  description?: string;
  secret?: string;
  enabled?: boolean;
  disabledReason?: string | null;
  filter?: { ruleIds?: string[]; instruments?: string[]; severities?: string[]; events?: string[] };
}

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  durationMs: number | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  event: string;
  alertId: string;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
}

export interface RuleStats {
  fired: number;
  resolved: number;
  meanDurationBars: number | null;
  firesPerDay?: number | null;
  flapping?: number;
  forwardReturnPct?: Record<string, number | null>;
}

export interface Backtest {
  id?: string;
  state: "running" | "completed" | "failed";
  progress: number;
  error?: string;
  stats?: { ticks: number; inventoryValues: number; elapsedMs: number; ticksPerSecond: number };
  alerts?: Alert[];
  rules?: Record<string, RuleStats>;
}

export interface SourceStatus {
  lastFetchAt: string | null;
  lastResult: "new" | "unchanged" | "restated" | "rejected" | "failed" | null;
  lastError: string | null;
  lastActivityDate: string | null;
  nextFetchAt: string | null;
  late: boolean;
}

export interface Source {
  id: string;
  kind: string;
  url: string;
  schedule: string;
  timeZone: string;
  lateAfter: string | null;
  calendar: string;
  enabled: boolean;
  status: SourceStatus;
}
