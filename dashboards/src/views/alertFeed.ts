// The alert feed: newest first, severity colours, state, the message with its numbers, acknowledge (with a name),
// silence, and the work on each alert (assign, shelve, comments: alertWork.ts); or, "By group", the notification
// policy's groups (alertGroups.ts). Redrawn in one animation frame after any change, keyed by alert id: a card is built
// again only when its alert (or its open form, or whether it is shelved) changed, so the card someone is about to
// click is not replaced because another alert arrived, the snapshot was reloaded, or a minute passed.
import { describe, post } from "../api";
import { canAdmin, canAcknowledge, type Context } from "../context";
import { h, reconcile, replace } from "../dom";
import { schedule } from "../frame";
import { isShelved, nextShelfEnd } from "../handling";
import { agoTime, refreshRelativeTimes } from "../relativeTime";
import type { Alert } from "../types";
import { alertGroups } from "./alertGroups";
import { nameForm, workActions, workLines, type OpenPanels } from "./alertWork";

const silenceHours = [1, 4, 24];

export interface FeedOptions {
  /** Only the alerts of this instrument. */
  instrument?: string;
}

export function alertFeed(context: Context, options: FeedOptions = {}): { element: HTMLElement; dispose: () => void } {
  const list = h("ol", { class: "alerts" });
  const count = h("span", { class: "count" });
  // The whole board's feed can show the policy's groups instead; an instrument's feed is a plain list.
  const groups = options.instrument ? null : alertGroups(context, card);
  const modes = groups ? viewSwitch(list, groups.element) : null;
  const element = h("section", { class: "panel alert-panel" }, h("h2", {}, options.instrument ? `Alerts on ${options.instrument}` : "Alerts", modes, count), list, groups?.element);
  // An open form or history survives redraws: alerts keep arriving while someone types.
  const open: OpenPanels = new Map();
  let shelfTimer = 0;

  const draw = (): void => {
    const now = Date.now();
    const alerts = options.instrument ? context.alerts.forInstrument(options.instrument) : context.alerts.sorted();
    const firing = alerts.filter((alert) => alert.state === "firing" && !alert.acknowledgedBy && !isShelved(alert, now)).length;
    count.textContent = firing > 0 ? `${firing} firing` : "";
    // A shelf ends on its own: redraw the moment the first one does.
    window.clearTimeout(shelfTimer);
    const shelfEnds = nextShelfEnd(alerts, now);
    if (shelfEnds !== null) {
      shelfTimer = window.setTimeout(redraw, shelfEnds + 50);
    }
    if (alerts.length === 0) {
      replace(list, h("li", { class: "empty", text: "No alerts. All quiet." }));
      return;
    }
    reconcile(
      list,
      alerts,
      (alert) => alert.id,
      (alert) => [JSON.stringify(alert), isShelved(alert, now), open.get(alert.id)],
      (alert) => card(context, alert, open, draw),
    );
    refreshRelativeTimes(list, now);
  };
  const redraw = (): void => schedule(`feed:${options.instrument ?? "*"}`, draw);
  redraw();
  const off = context.alerts.changed.on(redraw);
  // Relative times ("3m ago") move on their own.
  const clock = window.setInterval(redraw, 15_000);
  return {
    element,
    dispose: () => {
      off();
      window.clearInterval(clock);
      window.clearTimeout(shelfTimer);
      groups?.dispose();
    },
  };
}

/** "List | By group": which of the two the panel shows (remembered in the browser). */
function viewSwitch(list: HTMLElement, grouped: HTMLElement): HTMLElement {
  const storageKey = "monitor.alertView";
  const buttons = (["list", "groups"] as const).map((mode) => h("button", { type: "button", class: "mode", data: { mode }, text: mode === "list" ? "List" : "By group", on: { click: () => show(mode) } }));
  const show = (mode: "list" | "groups"): void => {
    localStorage.setItem(storageKey, mode);
    list.hidden = mode !== "list";
    grouped.hidden = mode !== "groups";
    buttons.forEach((button) => button.classList.toggle("current", button.dataset.mode === mode));
  };
  show(localStorage.getItem(storageKey) === "groups" ? "groups" : "list");
  return h("span", { class: "view-switch" }, ...buttons);
}

export function card(context: Context, alert: Alert, open: OpenPanels, redraw: () => void): HTMLElement {
  const now = Date.now();
  const state = alert.silenced ? "silenced" : alert.state;
  const acknowledged = alert.acknowledgedBy !== null;
  const shelved = isShelved(alert, now);
  const actions = h("div", { class: "actions" });
  if (!acknowledged && canAcknowledge(context)) {
    actions.append(h("button", { class: "ack", text: "Acknowledge", on: { click: () => { open.set(alert.id, ackForm(context, alert, open, redraw)); redraw(); } } }));
  }
  actions.append(...workActions(context, alert, open, redraw));
  if (canAdmin(context) && !alert.silenced && alert.state !== "resolved") {
    actions.append(silenceMenu(alert));
  }
  return h(
    "li",
    { class: `alert severity-${alert.severity} state-${state}${acknowledged ? " acknowledged" : ""}${shelved ? " shelved" : ""}`, data: { alertId: alert.id, state, shelved: String(shelved) } },
    h(
      "div",
      { class: "headline" },
      h("span", { class: "severity", text: alert.severity }),
      h("span", { class: "state", text: state }),
      h("a", { class: "rule", href: `#/alerts/${encodeURIComponent(alert.id)}`, title: "Why it fired: its inputs", text: alert.ruleName || alert.ruleId }),
      agoTime(alert.firedAt ?? alert.startedAt, now, "when"),
    ),
    h("p", { class: "message", text: alert.message }),
    h("div", { class: "meta" }, h("span", { class: "instruments", text: alert.instruments.join(" · ") }), alert.direction ? h("span", { class: "direction", text: alert.direction }) : null),
    acknowledged ? h("p", { class: "acked" }, `Acknowledged by ${alert.acknowledgedBy}${alert.acknowledgedByKey ? ` (key ${alert.acknowledgedByKey})` : ""} `, alert.acknowledgedAt ? agoTime(alert.acknowledgedAt, now) : null) : null,
    ...workLines(alert, now),
    open.get(alert.id) ?? actions,
  );
}

function ackForm(context: Context, alert: Alert, open: OpenPanels, redraw: () => void): HTMLElement {
  const comment = h("input", { name: "comment", placeholder: "Comment (optional)", maxLength: 2000 });
  const close = (): void => {
    open.delete(alert.id);
    redraw();
  };
  return nameForm({
    className: "ack-form",
    fields: [comment],
    submit: "Confirm",
    why: "Give your name: an acknowledgement says who saw it.",
    act: (by) => context.alerts.acknowledge(alert.id, by, comment.value.trim()).then(close),
    cancel: close,
  });
}

function silenceMenu(alert: Alert): HTMLElement {
  const status = h("span", { class: "error" });
  const silence = (hours: number): void => {
    const startsAt = new Date();
    const endsAt = new Date(startsAt.getTime() + hours * 3_600_000);
    post("/api/v1/silences", {
      ruleId: alert.ruleId,
      instrument: alert.instruments.length === 1 ? alert.instruments[0] : undefined,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      comment: `Silenced from the board for ${hours}h`,
    }).then(
      () => (status.textContent = `Silenced for ${hours}h (new alerts of this rule)`),
      (failure) => (status.textContent = describe(failure)),
    );
  };
  return h("span", { class: "silence" }, "Silence ", ...silenceHours.map((hours) => h("button", { text: `${hours}h`, title: `Silence ${alert.ruleId} for ${hours} hours`, on: { click: () => silence(hours) } })), status);
}
