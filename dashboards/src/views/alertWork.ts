// Working on an alert from its card (docs/api.md, Working on alerts): who it is assigned to and whether it is shelved,
// the buttons to assign, shelve or unshelve it, and its comments with the rest of its history. Every action takes the
// viewer's name (remembered, as for acknowledging) and a key with the read role; the server records the key's name too.
import { describe } from "../api";
import { canAcknowledge, type Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";
import { activityText, isShelved, shelfEnd, shelfHours, shelfUntil } from "../handling";
import { getAckName, setAckName } from "../keys";
import { agoTime, leftTime } from "../relativeTime";
import type { Alert } from "../types";

/** A form or panel open on a card, by alert id: it survives redraws while alerts keep arriving. */
export type OpenPanels = Map<string, HTMLElement>;

/** The lines a card shows about assignment and shelf. */
export function workLines(alert: Alert, now: number): HTMLElement[] {
  const lines: HTMLElement[] = [];
  if (alert.assignment) {
    lines.push(h("p", { class: "assigned" }, `Assigned to ${alert.assignment.assignee} by ${alert.assignment.by} `, agoTime(alert.assignment.at, now)));
  }
  if (alert.shelf && isShelved(alert, now)) {
    lines.push(h("p", { class: "shelved-note" }, `Shelved ${shelfEnd(alert.shelf.until, now)} (`, leftTime(alert.shelf.until, now), `) by ${alert.shelf.by}`));
  }
  return lines;
}

/** The card's buttons for assignment, shelf and comments (comments can be read without a key). */
export function workActions(context: Context, alert: Alert, open: OpenPanels, redraw: () => void): HTMLElement[] {
  const show = (panel: HTMLElement): void => {
    open.set(alert.id, panel);
    redraw();
  };
  const close = (): void => {
    open.delete(alert.id);
    redraw();
  };
  const count = alert.commentCount ?? 0;
  const actions: HTMLElement[] = [h("button", { class: "comments", text: count > 0 ? `Comments (${count})` : "Comments", on: { click: () => show(commentsPanel(context, alert, close)) } })];
  if (!canAcknowledge(context)) {
    return actions;
  }
  actions.unshift(h("button", { class: "assign", text: alert.assignment ? "Reassign" : "Assign", on: { click: () => show(assignForm(context, alert, close)) } }));
  if (alert.state !== "resolved") {
    actions.push(isShelved(alert, Date.now()) ? unshelveButton(context, alert) : shelveMenu((hours) => context.alerts.shelve(alert.id, nameOrAsk(), shelfUntil(hours, Date.now()))));
  }
  return actions;
}

/** "Shelve 1h 4h 24h": runs `shelve` with the hours chosen; a failure is shown beside the buttons. */
export function shelveMenu(shelve: (hours: number) => Promise<unknown>): HTMLElement {
  const status = h("span", { class: "error" });
  const choose = (hours: number): void => {
    status.textContent = "";
    shelve(hours).catch((failure: unknown) => (status.textContent = describe(failure)));
  };
  return h("span", { class: "shelve" }, "Shelve ", ...shelfHours.map((hours) => h("button", { text: `${hours}h`, title: `Shelve for ${hours} hours: no repeats, shown as shelved`, on: { click: () => choose(hours) } })), status);
}

function unshelveButton(context: Context, alert: Alert): HTMLElement {
  const status = h("span", { class: "error" });
  return h("span", {}, h("button", { class: "unshelve", text: "Unshelve", on: { click: () => context.alerts.unshelve(alert.id, nameOrAsk()).catch((failure: unknown) => (status.textContent = describe(failure))) } }), status);
}

/** The name remembered from the last action, or one asked for now. */
export function nameOrAsk(): string {
  const known = getAckName();
  if (known) {
    return known;
  }
  const name = window.prompt("Your name (recorded with what you do):")?.trim() ?? "";
  if (name) {
    setAckName(name);
  }
  return name;
}

function assignForm(context: Context, alert: Alert, close: () => void): HTMLElement {
  const assignee = h("input", { name: "assignee", placeholder: "Assign to (empty: unassign)", value: alert.assignment?.assignee ?? "", maxLength: 100 });
  return nameForm({
    className: "assign-form",
    fields: [assignee],
    submit: "Save",
    why: "Give your name: an assignment says who made it.",
    act: (by) => context.alerts.assign(alert.id, by, assignee.value.trim() || null).then(close),
    cancel: close,
    focus: assignee,
  });
}

/** The alert's history (comments, acknowledgements, assignments, shelves) and, with a key, a form to comment. */
function commentsPanel(context: Context, alert: Alert, close: () => void): HTMLElement {
  const history = h("ol", { class: "history" }, h("li", { class: "muted", text: "Loading…" }));
  const load = (): void => {
    context.alerts.history(alert.id).then(
      (full) => {
        const entries = full.activity ?? [];
        replace(
          history,
          ...(entries.length === 0
            ? [h("li", { class: "muted", text: "Nothing yet." })]
            : entries.map((entry) => h("li", { class: `entry kind-${entry.kind}`, data: { kind: entry.kind } }, h("time", { dateTime: entry.at, title: format.dateTime(entry.at), text: format.dateTime(entry.at) }), " ", h("span", { class: "text", text: activityText(entry) })))),
        );
      },
      (failure: unknown) => replace(history, h("li", { class: "error", text: describe(failure) })),
    );
  };
  load();
  const panel = h("div", { class: "comments-panel" }, history);
  // Comments and changes by others arrive over the hub: the open history follows them until it leaves the page.
  const off = context.alerts.transitions.on((message) => {
    if (!panel.isConnected) {
      off();
    } else if (message.alert.id === alert.id && message.transition !== "firing") {
      load();
    }
  });
  if (canAcknowledge(context)) {
    panel.append(commentForm(context, alert, load));
  }
  panel.append(
    h("button", {
      type: "button",
      text: "Close",
      on: {
        click: () => {
          off();
          close();
        },
      },
    }),
  );
  return panel;
}

function commentForm(context: Context, alert: Alert, reload: () => void): HTMLElement {
  const text = h("textarea", { name: "text", placeholder: "Comment", required: true, maxLength: 2000, rows: 2 });
  return nameForm({
    className: "comment-form",
    fields: [text],
    submit: "Comment",
    why: "Give your name: a comment says who wrote it.",
    act: (by) =>
      context.alerts.comment(alert.id, by, text.value.trim()).then(() => {
        text.value = "";
        reload();
      }),
    focus: text,
  });
}

export interface NameFormOptions {
  /** The form's class (tests and styles find it by this). */
  className: string;
  /** Inputs after the name. */
  fields: HTMLElement[];
  submit: string;
  /** What to say when the name is missing. */
  why: string;
  /** Runs with the name given (remembered for next time); its failure is shown under the form. */
  act: (by: string) => Promise<unknown>;
  /** Closes the form (Cancel); without it there is no Cancel button. */
  cancel?: () => void;
  /** Focused when the form opens; the name field by default. */
  focus?: HTMLElement;
}

/** A form that asks the viewer's name (offered from last time) beside `fields`, as every action on alerts records it. */
export function nameForm(options: NameFormOptions): HTMLElement {
  const name = h("input", { name: "by", placeholder: "Your name", value: getAckName(), required: true, maxLength: 100, autocomplete: "name" });
  const error = h("p", { class: "error" });
  const submit = (event: Event): void => {
    event.preventDefault();
    const by = name.value.trim();
    if (!by) {
      error.textContent = options.why;
      return;
    }
    setAckName(by);
    error.textContent = "";
    options.act(by).catch((failure: unknown) => (error.textContent = describe(failure)));
  };
  queueMicrotask(() => (options.focus ?? name).focus());
  return h(
    "form",
    { class: options.className, on: { submit } },
    name,
    ...options.fields,
    h("button", { type: "submit", class: "primary", text: options.submit }),
    options.cancel ? h("button", { type: "button", text: "Cancel", on: { click: options.cancel } }) : null,
    error,
  );
}
