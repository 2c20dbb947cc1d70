// The alert feed: newest first, severity colours, state, the message with its numbers, acknowledge (with a name)
// and silence. Redrawn in one animation frame after any change; alerts are few, so a full redraw is cheap.
import { describe, post } from "../api";
import { canAdmin, canAcknowledge, type Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";
import { schedule } from "../frame";
import { getAckName, setAckName } from "../keys";
import type { Alert } from "../types";

const silenceHours = [1, 4, 24];

export interface FeedOptions {
  /** Only the alerts of this instrument. */
  instrument?: string;
}

export function alertFeed(context: Context, options: FeedOptions = {}): { element: HTMLElement; dispose: () => void } {
  const list = h("ol", { class: "alerts" });
  const count = h("span", { class: "count" });
  const element = h("section", { class: "panel alert-panel" }, h("h2", {}, options.instrument ? `Alerts on ${options.instrument}` : "Alerts", count), list);
  // An open acknowledge form survives redraws: alerts keep arriving while someone types a name.
  const open = new Map<string, HTMLElement>();

  const draw = (): void => {
    const alerts = options.instrument ? context.alerts.forInstrument(options.instrument) : context.alerts.sorted();
    const firing = alerts.filter((alert) => alert.state === "firing" && !alert.acknowledgedBy).length;
    count.textContent = firing > 0 ? `${firing} firing` : "";
    if (alerts.length === 0) {
      replace(list, h("li", { class: "empty", text: "No alerts. All quiet." }));
      return;
    }
    replace(list, ...alerts.map((alert) => card(context, alert, open, draw)));
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
    },
  };
}

function card(context: Context, alert: Alert, open: Map<string, HTMLElement>, redraw: () => void): HTMLElement {
  const state = alert.silenced ? "silenced" : alert.state;
  const acknowledged = alert.acknowledgedBy !== null;
  const actions = h("div", { class: "actions" });
  if (!acknowledged && canAcknowledge(context)) {
    actions.append(h("button", { class: "ack", text: "Acknowledge", on: { click: () => { open.set(alert.id, ackForm(context, alert, open, redraw)); redraw(); } } }));
  }
  if (canAdmin(context) && !alert.silenced && alert.state !== "resolved") {
    actions.append(silenceMenu(alert));
  }
  return h(
    "li",
    { class: `alert severity-${alert.severity} state-${state}${acknowledged ? " acknowledged" : ""}`, data: { alertId: alert.id, state } },
    h(
      "div",
      { class: "headline" },
      h("span", { class: "severity", text: alert.severity }),
      h("span", { class: "state", text: state }),
      h("a", { class: "rule", href: `#/alerts/${encodeURIComponent(alert.id)}`, title: "Why it fired: its inputs", text: alert.ruleName || alert.ruleId }),
      h("time", { class: "when", dateTime: alert.firedAt ?? alert.startedAt, title: format.dateTime(alert.firedAt ?? alert.startedAt), text: format.ago(alert.firedAt ?? alert.startedAt) }),
    ),
    h("p", { class: "message", text: alert.message }),
    h("div", { class: "meta" }, h("span", { class: "instruments", text: alert.instruments.join(" · ") }), alert.direction ? h("span", { class: "direction", text: alert.direction }) : null),
    acknowledged ? h("p", { class: "acked", text: `Acknowledged by ${alert.acknowledgedBy}${alert.acknowledgedByKey ? ` (key ${alert.acknowledgedByKey})` : ""} ${format.ago(alert.acknowledgedAt)}` }) : null,
    open.get(alert.id) ?? actions,
  );
}

function ackForm(context: Context, alert: Alert, open: Map<string, HTMLElement>, redraw: () => void): HTMLElement {
  const name = h("input", { name: "by", placeholder: "Your name", value: getAckName(), required: true, maxLength: 100, autocomplete: "name" });
  const comment = h("input", { name: "comment", placeholder: "Comment (optional)", maxLength: 2000 });
  const error = h("p", { class: "error" });
  const form = h(
    "form",
    {
      class: "ack-form",
      on: {
        submit: (event) => {
          event.preventDefault();
          const by = name.value.trim();
          if (!by) {
            error.textContent = "Give your name: an acknowledgement says who saw it.";
            return;
          }
          setAckName(by);
          context.alerts.acknowledge(alert.id, by, comment.value.trim()).then(
            () => {
              open.delete(alert.id);
              redraw();
            },
            (failure) => (error.textContent = describe(failure)),
          );
        },
      },
    },
    name,
    comment,
    h("button", { type: "submit", class: "primary", text: "Confirm" }),
    h("button", { type: "button", text: "Cancel", on: { click: () => { open.delete(alert.id); redraw(); } } }),
    error,
  );
  queueMicrotask(() => name.focus());
  return form;
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
