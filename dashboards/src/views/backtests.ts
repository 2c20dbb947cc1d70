// Backtests (docs/api.md, Backtests): choose stored rules (or paste rule JSON) and a range, run, follow the progress, and
// read the alerts and per-rule statistics. Shows a clear "not available" state while the server has no route.
import { ApiError, describe, encode, get, post } from "../api";
import { canAdmin, type Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";
import type { Backtest, Rule } from "../types";
import { unavailable } from "./webhooks";

const pollMs = 1000;

export function backtestsPage(context: Context, root: HTMLElement, id: string | null): () => void {
  const body = h("div", { class: "page-body" });
  const report = h("div", { class: "report" });
  replace(root, h("section", { class: "panel page" }, h("header", { class: "page-head" }, h("h1", { text: "Backtest" })), body, report));
  let timer = 0;
  let disposed = false;

  const follow = (run: string): void => {
    get<Backtest>(`/api/v1/backtests/${encode(run)}`).then(
      (result) => {
        if (disposed) return;
        replace(report, renderReport(run, result));
        if (result.state === "running") {
          timer = window.setTimeout(() => follow(run), pollMs);
        }
      },
      (error) => !disposed && replace(report, unavailable(error, "Backtests")),
    );
  };

  if (!canAdmin(context)) {
    replace(body, h("p", { class: "notice", text: "Backtests need a key with the admin role: add it in Settings." }));
  } else {
    // GET on the collection: 404 means no backtest routes at all; 405 or a list means they are there.
    get<unknown>("/api/v1/backtests").then(
      () => showForm(body, follow),
      (error) => (error instanceof ApiError && error.status === 404 ? replace(body, unavailable(error, "Backtests")) : showForm(body, follow)),
    );
  }
  if (id) {
    follow(id);
  }
  return () => {
    disposed = true;
    window.clearTimeout(timer);
  };
}

function showForm(body: HTMLElement, follow: (id: string) => void): void {
  get<Rule[]>("/api/v1/rules").then(
    (rules) => replace(body, backtestForm(rules, follow)),
    (error) => replace(body, h("p", { class: "error", text: describe(error) })),
  );
}

function backtestForm(rules: Rule[], follow: (id: string) => void): HTMLElement {
  const checks = rules.map((rule) => h("label", { class: "toggle rule-choice" }, h("input", { type: "checkbox", value: rule.id }), `${rule.id} `, h("span", { class: "muted", text: rule.type })));
  const now = new Date();
  const from = h("input", { name: "from", type: "datetime-local", value: localValue(new Date(now.getTime() - 7 * 86_400_000)) });
  const to = h("input", { name: "to", type: "datetime-local", value: localValue(now) });
  const json = h("textarea", { name: "rules", rows: 6, placeholder: '[{"id":"try-1","type":"threshold","interval":"1m","params":{"input":"COMEX:SI","op":"above","value":90}}]' });
  const result = h("div", { class: "form-result" });
  return h(
    "form",
    {
      class: "backtest-form",
      on: {
        submit: (event) => {
          event.preventDefault();
          const request: Record<string, unknown> = { from: new Date(from.value).toISOString(), to: new Date(to.value).toISOString() };
          const ruleIds = checks.map((check) => check.querySelector("input")!).filter((box) => box.checked).map((box) => box.value);
          if (json.value.trim()) {
            try {
              request.rules = JSON.parse(json.value);
            } catch (error) {
              replace(result, h("p", { class: "error", text: `The rules are not valid JSON: ${(error as Error).message}` }));
              return;
            }
          } else {
            request.ruleIds = ruleIds;
          }
          post<{ id: string }>("/api/v1/backtests", request).then(
            (started) => {
              replace(result);
              window.history.replaceState(null, "", `#/backtests/${encode(started.id)}`);
              follow(started.id);
            },
            (error) => replace(result, error instanceof ApiError && error.notAvailable ? unavailable(error, "Backtests") : h("p", { class: "error", text: describe(error) })),
          );
        },
      },
    },
    h("div", { class: "field" }, h("span", { class: "field-label", text: "Stored rules" }), h("div", { class: "choices" }, ...checks)),
    h("label", { class: "field" }, h("span", { class: "field-label", text: "…or rules as JSON" }), json),
    h("label", { class: "field" }, h("span", { class: "field-label", text: "From (local time)" }), from),
    h("label", { class: "field" }, h("span", { class: "field-label", text: "To (local time)" }), to),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary", text: "Run backtest" })),
    result,
  );
}

function renderReport(id: string, run: Backtest): HTMLElement {
  const stats = run.stats;
  const ruleRows = Object.entries(run.rules ?? {});
  return h(
    "div",
    { class: `backtest state-${run.state}`, data: { backtestId: id } },
    h("h2", { text: `Backtest ${id}: ${run.state}` }),
    h("progress", { max: 1, value: run.progress ?? 0 }),
    run.error ? h("p", { class: "error", text: run.error }) : null,
    stats
      ? h("p", { class: "stats", text: `${format.number(stats.ticks, 0)} ticks, ${format.number(stats.inventoryValues, 0)} inventory values in ${format.number(stats.elapsedMs, 0)} ms (${format.number(stats.ticksPerSecond, 0)} ticks/s)` })
      : null,
    ruleRows.length
      ? h(
          "table",
          { class: "grid" },
          h("thead", {}, h("tr", {}, ...["Rule", "Fired", "Resolved", "Mean bars", "Fires/day", "Flapping", "Fwd 1d", "Fwd 5d", "Fwd 20d"].map((label) => h("th", { text: label })))),
          h(
            "tbody",
            {},
            ...ruleRows.map(([rule, stat]) =>
              h(
                "tr",
                {},
                h("td", { class: "mono", text: rule }),
                h("td", { class: "num", text: String(stat.fired) }),
                h("td", { class: "num", text: String(stat.resolved) }),
                h("td", { class: "num", text: format.number(stat.meanDurationBars, 1) }),
                h("td", { class: "num", text: format.number(stat.firesPerDay, 2) }),
                h("td", { class: "num", text: String(stat.flapping ?? 0) }),
                ...["1d", "5d", "20d"].map((horizon) => h("td", { class: "num", text: format.percent(stat.forwardReturnPct?.[horizon]) })),
              ),
            ),
          ),
        )
      : null,
    run.alerts?.length
      ? h(
          "table",
          { class: "grid" },
          h("thead", {}, h("tr", {}, ...["Started", "Rule", "Severity", "State", "Message"].map((label) => h("th", { text: label })))),
          h(
            "tbody",
            {},
            ...run.alerts.map((alert) =>
              h(
                "tr",
                {},
                h("td", { class: "mono small", text: format.dateTime(alert.startedAt) }),
                h("td", { text: alert.ruleName || alert.ruleId }),
                h("td", {}, h("span", { class: `chip severity-${alert.severity}`, text: alert.severity })),
                h("td", { text: alert.state }),
                h("td", { text: alert.message }),
              ),
            ),
          ),
        )
      : run.state === "completed"
        ? h("p", { class: "muted", text: "No alerts in this range." })
        : null,
  );
}

/** A Date as the value of a datetime-local input (local time, minutes). */
function localValue(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
