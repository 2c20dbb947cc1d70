// One alert in full: why it fired (the inputs its condition read, with their times), its values and its transitions.
import { describe, encode, get } from "../api";
import type { Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";
import type { Alert } from "../types";

export interface AlertInput {
  series: string;
  value: number;
  unit: string | null;
  at: string;
  asOf?: string | null;
  publishedAt?: string | null;
}

interface AlertTransition {
  from: string;
  to: string;
  at: string;
  silenced: boolean;
}

interface AlertInDetail extends Alert {
  ruleVersion: number;
  inputs: AlertInput[];
  transitions: AlertTransition[];
}

export function alertDetailPage(_context: Context, root: HTMLElement, id: string): () => void {
  const body = h("div", { class: "page-body" }, h("p", { class: "muted", text: "Loading the alert…" }));
  replace(
    root,
    h("section", { class: "panel page" }, h("header", { class: "page-head" }, h("h1", { text: "Alert" }), h("a", { class: "button", href: "#/", text: "Back to the board" })), body),
  );
  get<AlertInDetail>(`/api/v1/alerts/${encode(id)}`).then(
    (alert) => replace(body, ...detail(alert)),
    (error) => replace(body, h("p", { class: "error", text: describe(error) })),
  );
  return () => undefined;
}

function detail(alert: AlertInDetail): HTMLElement[] {
  const rule = alert.ruleVersion > 0
    ? h("a", { href: `#/rules/history/${encode(alert.ruleId)}`, text: `${alert.ruleName || alert.ruleId} (version ${alert.ruleVersion})` })
    : h("span", { text: alert.ruleName || alert.ruleId });
  return [
    h(
      "div",
      { class: `alert-summary severity-${alert.severity} state-${alert.state}` },
      h("p", { class: "message", text: alert.message }),
      h("p", {}, h("span", { class: "muted", text: "Rule " }), rule, h("span", { class: "muted", text: ` · ${alert.state} · ${alert.instruments.join(" · ")}` })),
    ),
    h("h2", { text: "Inputs" }),
    alert.inputs.length > 0 ? inputsTable(alert.inputs) : h("p", { class: "muted", text: "This alert recorded no inputs." }),
    h("h2", { text: "Values" }),
    h("table", { class: "grid alert-values" }, h("tbody", {}, ...Object.entries(alert.values).map(([name, value]) => h("tr", {}, h("td", { class: "mono", text: name }), h("td", { class: "num", text: format.number(value, 4) }))))),
    h("h2", { text: "Transitions" }),
    h("ol", { class: "alert-transitions" }, ...alert.transitions.map((t) => h("li", { text: `${t.from} → ${t.to} at ${format.dateTime(t.at)}${t.silenced ? " (silenced)" : ""}` }))),
  ];
}

/** What the condition read: each series' value, the bar or publication it belongs to, and for inventory its asOf. */
export function inputsTable(inputs: AlertInput[]): HTMLElement {
  return h(
    "table",
    { class: "grid alert-inputs" },
    h("thead", {}, h("tr", {}, ...["Series", "Value", "At", "As of", "Published"].map((label) => h("th", { text: label })))),
    h(
      "tbody",
      {},
      ...inputs.map((input) =>
        h(
          "tr",
          { data: { series: input.series } },
          h("td", { class: "mono", text: input.series }),
          h("td", { class: "num value", text: input.unit ? format.quantity(input.value, input.unit) : format.price(input.value) }),
          h("td", { class: "at", text: format.dateTime(input.at) }),
          h("td", { class: "as-of", text: input.asOf ?? "" }),
          h("td", { class: "published", text: input.publishedAt ? format.dateTime(input.publishedAt) : "" }),
        ),
      ),
    ),
  );
}
