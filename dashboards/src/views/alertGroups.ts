// The alerts as the notification policy groups them (GET /api/v1/notifications/groups): the very groups its receivers
// hear about, each with its labels, receiver, what it sent and when it flushes next, its alerts, and buttons to
// acknowledge or shelve the whole group. Reloaded when alerts change and every few seconds (the policy's runner
// regroups on its own schedule). Keyed like the alert feed: a group's head is built again only when the group (or its
// open form) changed, and each alert card only when its alert did, so a reload every few seconds replaces no button
// someone is about to click; relative times move in place.
import { describe, get } from "../api";
import { canAcknowledge, type Context } from "../context";
import { h, reconcile, replace } from "../dom";
import * as format from "../format";
import { groupCounts, groupTitle, isShelved, shelfUntil } from "../handling";
import { agoTime, refreshRelativeTimes } from "../relativeTime";
import type { Alert, AlertGroup } from "../types";
import { nameForm, nameOrAsk, shelveMenu, type OpenPanels } from "./alertWork";

const reloadMs = 5000;

export type CardRenderer = (context: Context, alert: Alert, open: OpenPanels, redraw: () => void) => HTMLElement;

export function alertGroups(context: Context, renderCard: CardRenderer): { element: HTMLElement; dispose: () => void } {
  const element = h("div", { class: "alert-groups" }, h("p", { class: "muted", text: "Loading groups…" }));
  const open: OpenPanels = new Map();
  const forms = new Map<string, HTMLElement>();
  // Each group's list of cards, by group id: kept when the group's head is built again, so its cards stay too.
  const lists = new Map<string, HTMLOListElement>();
  let groups: AlertGroup[] = [];
  let loading = false;

  const draw = (): void => {
    if (groups.length === 0) {
      replace(element, h("p", { class: "muted empty-groups", text: "No groups: the notification policy groups firing alerts, and none is in force or nothing fires now." }));
      return;
    }
    const now = Date.now();
    const listOf = (id: string): HTMLOListElement => lists.get(id) ?? lists.set(id, h("ol", { class: "alerts" })).get(id)!;
    for (const id of lists.keys()) {
      if (!groups.some((group) => group.id === id)) {
        lists.delete(id);
      }
    }
    reconcile(
      element,
      groups,
      (group) => group.id,
      (group) => [JSON.stringify({ ...group, members: undefined }), JSON.stringify(groupCounts(group, now)), forms.get(group.id)],
      (group) => section(context, group, now, forms, listOf(group.id), draw, load),
    );
    for (const group of groups) {
      reconcile(
        listOf(group.id),
        group.members,
        (alert) => alert.id,
        (alert) => [JSON.stringify(alert), isShelved(alert, now), open.get(alert.id)],
        (alert) => renderCard(context, alert, open, draw),
      );
    }
    refreshRelativeTimes(element, now);
  };
  const load = (): void => {
    if (loading || element.hidden) {
      return;
    }
    loading = true;
    get<AlertGroup[]>("/api/v1/notifications/groups").then(
      (answer) => {
        groups = answer;
        draw();
      },
      (failure: unknown) => replace(element, h("p", { class: "error", text: describe(failure) })),
    ).finally(() => (loading = false));
  };
  // Shown later by the view switch: load then.
  const shown = new MutationObserver(load);
  shown.observe(element, { attributes: true, attributeFilter: ["hidden"] });
  load();
  let pending = 0;
  const off = context.alerts.changed.on(() => {
    window.clearTimeout(pending);
    pending = window.setTimeout(load, 300);
  });
  const timer = window.setInterval(load, reloadMs);
  return {
    element,
    dispose: () => {
      off();
      shown.disconnect();
      window.clearInterval(timer);
      window.clearTimeout(pending);
    },
  };
}

function section(
  context: Context,
  group: AlertGroup,
  now: number,
  forms: Map<string, HTMLElement>,
  cards: HTMLOListElement,
  redraw: () => void,
  reload: () => void,
): HTMLElement {
  const counts = groupCounts(group, now);
  const facts = [
    `${counts.firing} firing`,
    counts.acknowledged ? `${counts.acknowledged} acknowledged` : "",
    counts.shelved ? `${counts.shelved} shelved` : "",
    counts.resolved ? `${counts.resolved} resolved` : "",
  ].filter(Boolean);
  const sent = group.lastNotifiedAt ? [`${group.notifications} sent, last `, agoTime(group.lastNotifiedAt, now)] : ["nothing sent yet"];
  const actions = h("div", { class: "actions" });
  if (canAcknowledge(context) && counts.open > 0) {
    actions.append(h("button", { class: "ack-group", text: "Acknowledge group", on: { click: () => { forms.set(group.id, groupAckForm(context, group, forms, redraw, reload)); redraw(); } } }));
  }
  if (canAcknowledge(context) && counts.firing > counts.shelved) {
    actions.append(shelveMenu((hours) => context.alerts.actOnGroup(group.id, "shelve", { by: nameOrAsk(), until: shelfUntil(hours, Date.now()) }).then(reload)));
  }
  return h(
    "section",
    { class: `alert-group${counts.open === 0 ? " quiet" : ""}`, data: { groupId: group.id, receiver: group.receiver } },
    h(
      "header",
      { class: "group-head" },
      h("span", { class: "group-title", text: groupTitle(group) }),
      h("span", { class: "receiver", title: `route ${group.routeId}`, text: `→ ${group.receiver}` }),
      h("span", { class: "group-facts", text: facts.join(" · ") }),
      h("span", { class: "group-sent muted", title: `next flush ${format.dateTime(group.nextFlushAt)}` }, ...sent),
    ),
    forms.get(group.id) ?? actions,
    cards,
  );
}

function groupAckForm(context: Context, group: AlertGroup, forms: Map<string, HTMLElement>, redraw: () => void, reload: () => void): HTMLElement {
  const comment = h("input", { name: "comment", placeholder: "Comment (optional)", maxLength: 2000 });
  const close = (): void => {
    forms.delete(group.id);
    redraw();
  };
  return nameForm({
    className: "ack-form",
    fields: [comment],
    submit: "Acknowledge all",
    why: "Give your name: an acknowledgement says who saw it.",
    act: (by) =>
      context.alerts.actOnGroup(group.id, "ack", { by, ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) }).then(() => {
        close();
        reload();
      }),
    cancel: close,
  });
}
