// The notification policy at a glance (admin): its routing tree with what each route inherits, its receivers, the
// inhibition rules and time intervals, and the notification log with a resend button (docs/api.md, Notification policy).
import { ApiError, describe, encode, get, post } from "../api";
import { canAdmin, type Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";
import { intervalText, receiverKind, receiverTarget, routeRows, summary } from "../policy";
import type { NotificationEntry, NotificationPolicy } from "../types";

const logLimit = 50;

export function notificationsPage(context: Context, root: HTMLElement): () => void {
  const body = h("div", { class: "page-body" }, h("p", { class: "muted", text: "Loading the notification policy…" }));
  replace(root, h("section", { class: "panel page notifications-page" }, h("header", { class: "page-head" }, h("h1", { text: "Notifications" })), body));
  if (!canAdmin(context)) {
    replace(body, h("p", { class: "notice", text: "The notification policy needs a key with the admin role: add it in Settings." }));
    return () => undefined;
  }
  const log = h("div", { class: "notification-log" });
  get<NotificationPolicy>("/api/v1/notifications").then(
    (policy) => replace(body, policyView(policy), log),
    (error: unknown) =>
      replace(
        body,
        error instanceof ApiError && error.status === 404
          ? h("p", { class: "notice no-policy", text: "No notification policy is in force: each webhook gets each alert transition its filter matches. Apply one with PUT /api/v1/notifications or `monitor notify apply`." })
          : h("p", { class: "error", text: describe(error) }),
        log,
      ),
  );
  loadLog(log);
  return () => undefined;
}

function policyView(policy: NotificationPolicy): HTMLElement {
  const counts = summary(policy);
  return h(
    "div",
    { class: "policy" },
    h("p", { class: "policy-summary", text: `${counts.routes} routes · ${counts.receivers} receivers · ${counts.inhibitRules} inhibition rules · ${counts.timeIntervals} time intervals` }),
    h("h2", { text: "Routes" }),
    routesTable(policy),
    h("h2", { text: "Receivers" }),
    table(
      ["Receiver", "Kind", "Sends to", "Resolved", "Template"],
      (policy.receivers ?? []).map((receiver) => [
        receiver.name,
        receiverKind(receiver),
        receiverTarget(receiver),
        receiver.sendResolved === false ? "no" : "yes",
        policy.templates?.[receiver.name] ? "own" : "default",
      ]),
      "receivers",
    ),
    policy.inhibitRules?.length
      ? h("div", {}, h("h2", { text: "Inhibition" }), table(["Mute alerts matching", "while one fires matching", "with equal"], policy.inhibitRules.map((rule) => [(rule.targetMatchers ?? []).join(", "), (rule.sourceMatchers ?? []).join(", "), (rule.equal ?? []).join(", ") || "–"]), "inhibit-rules"))
      : null,
    policy.timeIntervals?.length
      ? h("div", {}, h("h2", { text: "Time intervals" }), table(["Name", "When"], policy.timeIntervals.map((interval) => [interval.name, intervalText(interval)]), "time-intervals"))
      : null,
  );
}

function routesTable(policy: NotificationPolicy): HTMLElement {
  return h(
    "table",
    { class: "grid routes" },
    h("thead", {}, h("tr", {}, ...["Route", "Matchers", "Receiver", "Grouping", "Timing", "Times"].map((label) => h("th", { text: label })))),
    h(
      "tbody",
      {},
      ...routeRows(policy.route).map((row) =>
        h(
          "tr",
          { data: { path: row.path } },
          indented(h("td", { class: "route-path", text: row.depth === 0 ? "root" : `${row.continues ? "↳ continue" : "↳"}` }), row.depth),
          h("td", { class: "mono small", text: row.matchers.join(", ") || (row.depth === 0 ? "every alert" : "–") }),
          h("td", { class: row.inheritsReceiver ? "inherited" : "", title: row.inheritsReceiver ? "inherited from the parent route" : "", text: row.receiver }),
          h("td", { text: row.grouping }),
          h("td", { class: "small", text: row.timing }),
          h("td", { class: "small", text: [row.muted.length ? `muted ${row.muted.join(", ")}` : "", row.active.length ? `only ${row.active.join(", ")}` : ""].filter(Boolean).join("; ") || "always" }),
        ),
      ),
    ),
  );
}

/** Indents a child route's first cell (through the style object: the board's CSP refuses style attributes). */
function indented(cell: HTMLElement, depth: number): HTMLElement {
  cell.style.paddingLeft = `${0.5 + depth * 1.4}rem`;
  return cell;
}

function table(headings: string[], rows: string[][], name: string): HTMLElement {
  return h(
    "table",
    { class: `grid ${name}` },
    h("thead", {}, h("tr", {}, ...headings.map((label) => h("th", { text: label })))),
    h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((cell) => h("td", { text: cell }))))),
  );
}

function loadLog(target: HTMLElement): void {
  const heading = h("h2", { text: `Notification log (last ${logLimit})` });
  get<NotificationEntry[]>(`/api/v1/notifications/log?limit=${logLimit}`).then(
    (entries) =>
      replace(
        target,
        heading,
        entries.length === 0
          ? h("p", { class: "muted", text: "No notifications sent yet." })
          : h(
              "table",
              { class: "grid log" },
              h("thead", {}, h("tr", {}, ...["Created", "Receiver", "Status", "Alerts", "State", "Last attempt", ""].map((label) => h("th", { text: label })))),
              h(
                "tbody",
                {},
                ...entries.map((entry) => {
                  const last = entry.attempts.at(-1);
                  return h(
                    "tr",
                    { data: { notificationId: entry.id } },
                    h("td", { title: entry.id, text: format.dateTime(entry.createdAt) }),
                    h("td", { text: `${entry.receiver} (${entry.kind})` }),
                    h("td", { text: entry.status }),
                    h("td", { class: "num", title: entry.group, text: String(entry.alerts.length) }),
                    h("td", { class: `delivery-${entry.state}`, text: entry.state === "pending" && entry.nextAttemptAt ? `pending, next ${format.ago(entry.nextAttemptAt)}` : entry.state }),
                    h("td", { class: "small", text: last ? `${format.dateTime(last.at)} ${last.status ?? "–"}${last.error ? ` ${last.error}` : ""} (${entry.attempts.length} attempt${entry.attempts.length === 1 ? "" : "s"})` : "none yet" }),
                    h("td", {}, h("button", { text: "Resend", on: { click: () => post(`/api/v1/notifications/log/${encode(entry.id)}/resend`).then(() => loadLog(target), (error: unknown) => window.alert(describe(error))) } })),
                  );
                }),
              ),
            ),
      ),
    (error: unknown) => replace(target, heading, h("p", { class: "error", text: describe(error) })),
  );
}
