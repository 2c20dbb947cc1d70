// Rules: the list, and a form per rule type that shows the API's validation problems next to their fields.
import { ApiError, del, describe, encode, get, post, put } from "../api";
import { canAdmin, type Context } from "../context";
import { h, replace } from "../dom";
import { ageFields, evaluations, ruleTypes, severities, type ParamField } from "../ruleTypes";
import type { Rule } from "../types";

export function rulesPage(context: Context, root: HTMLElement): () => void {
  const body = h("div", { class: "page-body" }, h("p", { class: "muted", text: "Loading rules…" }));
  const admin = canAdmin(context);
  replace(
    root,
    h(
      "section",
      { class: "panel page" },
      h("header", { class: "page-head" }, h("h1", { text: "Rules" }), admin ? h("a", { class: "button primary", href: "#/rules/new", text: "New rule" }) : h("span", { class: "muted", text: "Changing rules needs an admin key (Settings)." })),
      body,
    ),
  );
  const load = (): void => {
    get<Rule[]>("/api/v1/rules").then(
      (rules) => replace(body, rules.length === 0 ? h("p", { class: "muted", text: "No rules yet." }) : rulesTable(rules, admin, load)),
      (error) => replace(body, h("p", { class: "error", text: describe(error) })),
    );
  };
  load();
  return () => undefined;
}

interface RuleStatus {
  outcome: string;
  evaluatedAt: string | null;
  detail: string;
}

/** What the rule's last evaluation found (GET /api/v1/rules/{id}/status), filled in as each answer arrives. */
function statusCell(rule: Rule): HTMLElement {
  if (rule.forEach) {
    // One run per instrument: the rule is listed once, with the instruments it runs for.
    return h("td", { class: "rule-status for-each", text: `for each of ${rule.forEach.join(", ")}` });
  }
  const cell = h("td", { class: "rule-status muted", text: "…" });
  get<RuleStatus>(`/api/v1/rules/${encode(rule.id)}/status`).then(
    (status) => {
      cell.className = `rule-status outcome-${status.outcome}`;
      cell.textContent = status.detail;
      cell.title = status.evaluatedAt ? `evaluated ${status.evaluatedAt}` : "";
    },
    (error) => {
      cell.className = "rule-status muted";
      cell.textContent = error instanceof ApiError && error.status === 503 ? "not running yet" : describe(error);
    },
  );
  return cell;
}

function rulesTable(rules: Rule[], admin: boolean, reload: () => void): HTMLElement {
  return h(
    "table",
    { class: "grid rules" },
    h("thead", {}, h("tr", {}, ...["Id", "Name", "Type", "Severity", "Interval", "Params", "Last evaluation", ""].map((label) => h("th", { text: label })))),
    h(
      "tbody",
      {},
      ...rules.map((rule) =>
        h(
          "tr",
          { data: { ruleId: rule.id } },
          h("td", { class: "mono", text: rule.id }),
          h("td", { text: rule.name ?? rule.id }),
          h("td", { text: rule.type }),
          h("td", {}, h("span", { class: `chip severity-${rule.severity ?? "warning"}`, text: rule.severity ?? "warning" })),
          h("td", { text: `${rule.interval ?? "1d"}${rule.evaluate === "tick" ? " (tick)" : ""}` }),
          h("td", { class: "mono small", text: Object.entries(rule.params).map(([key, value]) => `${key}=${String(value)}`).join("  ") }),
          statusCell(rule),
          h(
            "td",
            { class: "actions" },
            h("a", { class: "button", href: `#/rules/history/${encode(rule.id)}`, text: "History" }),
            admin ? h("a", { class: "button", href: `#/rules/edit/${encode(rule.id)}`, text: "Edit" }) : null,
            admin
              ? h("button", {
                  text: "Delete",
                  on: {
                    click: () => {
                      if (window.confirm(`Delete rule ${rule.id}?`)) {
                        del(`/api/v1/rules/${encode(rule.id)}`).then(reload, (error) => window.alert(describe(error)));
                      }
                    },
                  },
                })
              : null,
          ),
        ),
      ),
    ),
  );
}

/** New rule (no id) or edit an existing one. */
export function ruleFormPage(context: Context, root: HTMLElement, id: string | null): () => void {
  const body = h("div", { class: "page-body" });
  replace(root, h("section", { class: "panel page" }, h("header", { class: "page-head" }, h("h1", { text: id ? `Edit rule ${id}` : "New rule" }), h("a", { class: "button", href: "#/rules", text: "Back to rules" })), body));
  if (!canAdmin(context)) {
    body.append(h("p", { class: "error", text: "Creating and changing rules needs a key with the admin role: add it in Settings." }));
  }
  if (id) {
    get<Rule>(`/api/v1/rules/${encode(id)}`).then(
      (rule) => body.append(ruleForm(rule)),
      (error) => body.append(h("p", { class: "error", text: describe(error) })),
    );
  } else {
    body.append(ruleForm(null));
  }
  return () => undefined;
}

function ruleForm(existing: Rule | null): HTMLFormElement {
  const summary = h("div", { class: "form-errors", role: "alert" });
  const field = (name: string, label: string, control: HTMLElement, help?: string): HTMLElement =>
    h("label", { class: "field", data: { field: name } }, h("span", { class: "field-label", text: label }), control, help ? h("span", { class: "help", text: help }) : null, h("span", { class: "field-error" }));
  const text = (name: string, value: unknown, placeholder = ""): HTMLInputElement =>
    h("input", { name, value: value === undefined || value === null ? "" : String(value), placeholder, autocomplete: "off" });
  const select = (name: string, choices: string[], value: string | undefined, blank = false): HTMLSelectElement =>
    h("select", { name }, blank ? h("option", { value: "", text: "(default)" }) : null, ...choices.map((choice) => h("option", { value: choice, text: choice, selected: choice === value })));

  const id = text("id", existing?.id, "silver-etf-divergence");
  id.disabled = existing !== null;
  const name = text("name", existing?.name, "Silver up while SLV drains");
  const type = select("type", Object.keys(ruleTypes), existing?.type ?? "threshold");
  const severity = select("severity", severities, existing?.severity ?? "warning");
  const interval = text("interval", existing?.interval, "1d");
  const evaluate = select("evaluate", evaluations, existing?.evaluate ?? "bar");
  const pendingBars = text("pendingBars", existing?.pendingBars, "0");
  const keepFiringBars = text("keepFiringBars", existing?.keepFiringBars, "0");
  const params = h("fieldset", { class: "params" });
  let controls = new Map<string, { field: ParamField; control: HTMLInputElement | HTMLSelectElement }>();

  const drawParams = (): void => {
    const values = existing?.type === type.value ? existing.params : {};
    controls = new Map();
    const make = (param: ParamField): HTMLElement => {
      const value = values[param.name];
      const control = param.kind === "choice" ? select(`params.${param.name}`, param.choices ?? [], value as string | undefined, !param.required) : text(`params.${param.name}`, value, param.example ?? "");
      controls.set(param.name, { field: param, control });
      return field(`params.${param.name}`, `${param.name}${param.required ? "" : " (optional)"}`, control, param.help);
    };
    const hasAge = ageFields.some((age) => values[age.name] !== undefined);
    replace(
      params,
      h("legend", { text: `${type.value} parameters` }),
      ...ruleTypes[type.value].map(make),
      h("details", { open: hasAge }, h("summary", { text: "Input age limits" }), ...ageFields.map(make)),
    );
  };
  type.addEventListener("change", drawParams);
  drawParams();

  const form = h(
    "form",
    { class: "rule-form", novalidate: true },
    summary,
    h(
      "div",
      { class: "fields" },
      field("id", "Id", id),
      field("name", "Name", name),
      field("type", "Type", type),
      field("severity", "Severity", severity),
      field("interval", "Interval", interval, "bar interval the rule evaluates on: 1m, 1h, 1d"),
      field("evaluate", "Evaluate", evaluate, "bar: when a bar closes; tick: on every tick"),
      field("pendingBars", "Pending bars", pendingBars),
      field("keepFiringBars", "Keep firing bars", keepFiringBars),
    ),
    params,
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary", text: existing ? "Save rule" : "Create rule" })),
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const rule: Record<string, unknown> = { id: id.value.trim(), type: type.value, severity: severity.value, evaluate: evaluate.value };
    setIf(rule, "name", name.value.trim());
    setIf(rule, "interval", interval.value.trim());
    setIf(rule, "pendingBars", numeric(pendingBars.value));
    setIf(rule, "keepFiringBars", numeric(keepFiringBars.value));
    const values: Record<string, unknown> = {};
    for (const [key, { field: param, control }] of controls) {
      const raw = control.value.trim();
      setIf(values, key, param.kind === "number" || param.kind === "integer" ? numeric(raw) : raw);
    }
    rule.params = values;
    showErrors(form, summary, null);
    const saving = existing ? put<Rule>(`/api/v1/rules/${encode(existing.id)}`, rule) : post<Rule>("/api/v1/rules", rule);
    saving.then(
      () => (window.location.hash = "#/rules"),
      (error) => showErrors(form, summary, error),
    );
  });
  return form;
}

/** Puts each of the API's per-field problems under its field; the rest, and the detail, go in the summary. */
function showErrors(form: HTMLFormElement, summary: HTMLElement, error: unknown): void {
  form.querySelectorAll(".field-error").forEach((element) => (element.textContent = ""));
  form.querySelectorAll(".field.invalid").forEach((element) => element.classList.remove("invalid"));
  summary.replaceChildren();
  if (error === null) {
    return;
  }
  const unplaced: string[] = [];
  if (error instanceof ApiError) {
    for (const [name, messages] of Object.entries(error.errors)) {
      const holder = form.querySelector<HTMLElement>(`.field[data-field="${CSS.escape(name)}"]`);
      if (holder) {
        holder.classList.add("invalid");
        holder.querySelector(".field-error")!.textContent = messages.join("; ");
      } else {
        unplaced.push(`${name}: ${messages.join("; ")}`);
      }
    }
  }
  summary.append(h("p", { text: describe(error) }), ...unplaced.map((line) => h("p", { text: line })));
}

function setIf(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== "" && value !== undefined) {
    target[key] = value;
  }
}

/** A number when the text is one; otherwise the text as typed, so the server says what is wrong with it. */
function numeric(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}
