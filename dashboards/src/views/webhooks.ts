// Webhooks (docs/api.md, Webhooks): subscriptions, their delivery logs, and redelivery. Shows a clear "not available"
// state while the server has no webhook routes.
import { ApiError, del, describe, encode, get, post } from "../api";
import { canAdmin, type Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";
import type { Delivery, Webhook } from "../types";

const events = ["alert.pending", "alert.firing", "alert.resolved"];
const redeliverHours = 24;

export function webhooksPage(context: Context, root: HTMLElement): () => void {
  const body = h("div", { class: "page-body" }, h("p", { class: "muted", text: "Loading webhooks…" }));
  replace(root, h("section", { class: "panel page" }, h("header", { class: "page-head" }, h("h1", { text: "Webhooks" })), body));
  if (!canAdmin(context)) {
    replace(body, h("p", { class: "notice", text: "Webhooks need a key with the admin role: add it in Settings." }));
    return () => undefined;
  }
  const load = (notice?: HTMLElement): void => {
    get<Webhook[]>("/api/v1/webhooks").then(
      (hooks) => replace(body, notice, createForm(load), hooks.length === 0 ? h("p", { class: "muted", text: "No webhooks yet." }) : hooksTable(hooks, load)),
      (error) => replace(body, unavailable(error, "Webhooks")),
    );
  };
  load();
  return () => undefined;
}

/** A 404 on a collection route means this server does not have the feature yet. */
export function unavailable(error: unknown, feature: string): HTMLElement {
  return error instanceof ApiError && error.notAvailable
    ? h("p", { class: "notice unavailable", text: `${feature} are not available on this server yet.` })
    : h("p", { class: "error", text: describe(error) });
}

function hooksTable(hooks: Webhook[], reload: () => void): HTMLElement {
  const log = h("div", { class: "deliveries" });
  return h(
    "div",
    {},
    h(
      "table",
      { class: "grid" },
      h("thead", {}, h("tr", {}, ...["URL", "Description", "Filter", "State", ""].map((label) => h("th", { text: label })))),
      h(
        "tbody",
        {},
        ...hooks.map((hook) =>
          h(
            "tr",
            { data: { webhookId: hook.id } },
            h("td", { class: "mono", text: hook.url }),
            h("td", { text: hook.description ?? "" }),
            h("td", { class: "small", text: describeFilter(hook) }),
            h("td", { text: hook.enabled === false ? `disabled${hook.disabledReason ? `: ${hook.disabledReason}` : ""}` : "enabled" }),
            h(
              "td",
              { class: "actions" },
              h("button", { text: "Deliveries", on: { click: () => showDeliveries(hook, log) } }),
              h("button", {
                text: "Rotate secret",
                on: { click: () => post<Webhook>(`/api/v1/webhooks/${encode(hook.id)}/rotate-secret`).then((rotated) => replace(log, secretNotice(rotated)), (error) => window.alert(describe(error))) },
              }),
              h("button", {
                text: "Delete",
                on: { click: () => window.confirm(`Delete the webhook to ${hook.url}?`) && del(`/api/v1/webhooks/${encode(hook.id)}`).then(reload, (error) => window.alert(describe(error))) },
              }),
            ),
          ),
        ),
      ),
    ),
    log,
  );
}

function describeFilter(hook: Webhook): string {
  const filter = hook.filter ?? {};
  const parts = [
    filter.events?.length ? `events ${filter.events.join(", ")}` : "",
    filter.severities?.length ? `severities ${filter.severities.join(", ")}` : "",
    filter.ruleIds?.length ? `rules ${filter.ruleIds.join(", ")}` : "",
    filter.instruments?.length ? `instruments ${filter.instruments.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "everything";
}

function showDeliveries(hook: Webhook, target: HTMLElement): void {
  const heading = (): HTMLElement =>
    h(
      "header",
      { class: "page-head" },
      h("h2", { text: `Deliveries to ${hook.url}` }),
      h("button", {
        text: `Redeliver every failed one (last ${redeliverHours}h)`,
        on: {
          click: () => {
            const to = new Date();
            const from = new Date(to.getTime() - redeliverHours * 3_600_000);
            post(`/api/v1/webhooks/${encode(hook.id)}/deliveries/redeliver-failed`, { from: from.toISOString(), to: to.toISOString() }).then(
              () => showDeliveries(hook, target),
              (error) => window.alert(describe(error)),
            );
          },
        },
      }),
    );
  replace(target, heading(), h("p", { class: "muted", text: "Loading…" }));
  get<Delivery[]>(`/api/v1/webhooks/${encode(hook.id)}/deliveries`).then(
    (deliveries) =>
      replace(
        target,
        heading(),
        deliveries.length === 0
          ? h("p", { class: "muted", text: "No deliveries yet." })
          : h(
              "table",
              { class: "grid" },
              h("thead", {}, h("tr", {}, ...["Delivery", "Event", "Alert", "State", "Attempts", ""].map((label) => h("th", { text: label })))),
              h(
                "tbody",
                {},
                ...deliveries.map((delivery) =>
                  h(
                    "tr",
                    {},
                    h("td", { class: "mono small", text: delivery.id }),
                    h("td", { text: delivery.event }),
                    h("td", { class: "mono small", text: delivery.alertId }),
                    h("td", { class: `delivery-${delivery.state}`, text: delivery.state }),
                    h(
                      "td",
                      { class: "small" },
                      ...delivery.attempts.map((attempt) =>
                        h("div", { text: `${format.dateTime(attempt.at)}  ${attempt.status ?? "–"}  ${attempt.durationMs ?? "–"} ms${attempt.error ? `  ${attempt.error}` : ""}` }),
                      ),
                    ),
                    h(
                      "td",
                      {},
                      h("button", {
                        text: "Redeliver",
                        on: { click: () => post(`/api/v1/webhooks/${encode(hook.id)}/deliveries/${encode(delivery.id)}/redeliver`).then(() => showDeliveries(hook, target), (error) => window.alert(describe(error))) },
                      }),
                    ),
                  ),
                ),
              ),
            ),
      ),
    (error) => replace(target, h("p", { class: "error", text: describe(error) })),
  );
}

function secretNotice(hook: Webhook): HTMLElement {
  return h("p", { class: "notice secret" }, "Signing secret for ", h("span", { class: "mono", text: hook.url }), " (shown once, keep it now): ", h("code", { text: hook.secret ?? "" }));
}

function createForm(reload: (notice?: HTMLElement) => void): HTMLElement {
  const url = h("input", { name: "url", placeholder: "https://chat.example/hooks/monitor", required: true });
  const description = h("input", { name: "description", placeholder: "Desk chat" });
  const list = (name: string, placeholder: string): HTMLInputElement => h("input", { name, placeholder });
  const ruleIds = list("ruleIds", "rule ids, comma separated (all when empty)");
  const instruments = list("instruments", "instruments, comma separated (all when empty)");
  const severities = list("severities", "info, warning, critical (all when empty)");
  const boxes = events.map((event) => h("label", { class: "toggle" }, h("input", { type: "checkbox", value: event, checked: event === "alert.firing" || event === "alert.resolved" }), event));
  const result = h("div", { class: "form-result" });
  const split = (input: HTMLInputElement): string[] => input.value.split(",").map((part) => part.trim()).filter(Boolean);
  return h(
    "details",
    { class: "create" },
    h("summary", { text: "New webhook" }),
    h(
      "form",
      {
        class: "webhook-form",
        on: {
          submit: (event) => {
            event.preventDefault();
            const filter = {
              ruleIds: split(ruleIds),
              instruments: split(instruments),
              severities: split(severities),
              events: boxes.map((box) => box.querySelector("input")!).filter((box) => box.checked).map((box) => box.value),
            };
            post<Webhook>("/api/v1/webhooks", { url: url.value.trim(), description: description.value.trim(), filter }).then(
              (created) => reload(secretNotice(created)),
              (error) => replace(result, h("p", { class: "error", text: describe(error) })),
            );
          },
        },
      },
      h("label", { class: "field" }, h("span", { class: "field-label", text: "URL" }), url),
      h("label", { class: "field" }, h("span", { class: "field-label", text: "Description" }), description),
      h("label", { class: "field" }, h("span", { class: "field-label", text: "Rules" }), ruleIds),
      h("label", { class: "field" }, h("span", { class: "field-label", text: "Instruments" }), instruments),
      h("label", { class: "field" }, h("span", { class: "field-label", text: "Severities" }), severities),
      h("div", { class: "field" }, h("span", { class: "field-label", text: "Events" }), ...boxes),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary", text: "Create webhook" })),
      result,
    ),
  );
}
