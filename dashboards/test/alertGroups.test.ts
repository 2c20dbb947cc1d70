// @vitest-environment happy-dom
// "By group" reloads the policy's groups every few seconds. Like the list, it must keep each alert card, and so its
// buttons, while the alert is unchanged: a reload that returns the same groups, or a group that gains an alert, must
// not replace the card someone is about to click. The groups come from a stand-in for GET /api/v1/notifications/groups.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AlertBook } from "../src/alerts";
import { alert, readerContext } from "./alertFixtures";
import type { Alert, AlertGroup } from "../src/types";
import { alertGroups } from "../src/views/alertGroups";
import { card } from "../src/views/alertFeed";

const start = Date.parse("2026-01-16T12:00:00Z");

function group(id: string, members: Alert[]): AlertGroup {
  return {
    id, key: `{instrument="${id}"}`, receiver: "desk", routeId: "r1", labels: { instrument: id }, alerts: members.map((a) => a.id),
    createdAt: "2026-01-16T11:59:30Z", lastNotifiedAt: "2026-01-16T11:59:40Z", nextFlushAt: "2026-01-16T12:05:00Z", notifications: 1, members,
  };
}

describe("the alert groups", () => {
  let answer: AlertGroup[];
  let requests: number;
  let root: HTMLElement;
  let dispose: () => void;

  const cardOf = (id: string): HTMLElement => root.querySelector<HTMLElement>(`li.alert[data-alert-id="${id}"]`)!;
  const sectionOf = (id: string): HTMLElement => root.querySelector<HTMLElement>(`section.alert-group[data-group-id="${id}"]`)!;

  /** The next reload (every 5 s), answered. */
  async function reload(): Promise<void> {
    const before = requests;
    await vi.advanceTimersByTimeAsync(5000);
    expect(requests).toBe(before + 1);
  }

  beforeEach(async () => {
    vi.useFakeTimers({ now: start, toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame", "Date"] });
    answer = [group("GC", [alert("a1")]), group("SI", [alert("a3", { instruments: ["COMEX:SI"] })])];
    requests = 0;
    vi.stubGlobal("fetch", async (path: string) => {
      expect(path).toBe("/api/v1/notifications/groups");
      requests++;
      return new Response(JSON.stringify(answer), { status: 200, headers: { "Content-Type": "application/json" } });
    });
    const context = readerContext(new AlertBook());
    const groups = alertGroups(context, card);
    document.body.append(groups.element);
    root = groups.element;
    dispose = groups.dispose;
    await vi.waitFor(() => expect(root.querySelectorAll("li.alert")).toHaveLength(2));
  });

  afterEach(() => {
    dispose();
    document.body.replaceChildren();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("keeps every card, and the group's head, while a reload returns the same groups; relative times move in place", async () => {
    const kept = cardOf("a1");
    const button = kept.querySelector("button.ack")!;
    const head = sectionOf("GC");
    const sent = head.querySelector(".group-sent time")!;
    expect(sent.textContent).toBe("20s ago");

    await reload();

    expect(cardOf("a1")).toBe(kept);
    expect(button.isConnected).toBe(true);
    expect(sectionOf("GC")).toBe(head);
    expect(sent.textContent).toBe("25s ago");
  });

  it("keeps the cards of a group that gains an alert, and the other groups untouched", async () => {
    const kept = cardOf("a1");
    const button = kept.querySelector("button.ack")!;
    const other = cardOf("a3");
    answer = [group("GC", [alert("a2", { firedAt: "2026-01-16T11:59:50Z" }), alert("a1")]), answer[1]];

    await reload();

    expect(sectionOf("GC").querySelector(".group-facts")!.textContent).toBe("2 firing");
    expect([...sectionOf("GC").querySelectorAll("li.alert")].map((li) => (li as HTMLElement).dataset.alertId)).toEqual(["a2", "a1"]);
    expect(cardOf("a1")).toBe(kept);
    expect(button.isConnected).toBe(true);
    expect(cardOf("a3")).toBe(other);
  });

  it("builds a card again when its alert changed, and drops a group no longer listed", async () => {
    const before = cardOf("a1");
    answer = [group("GC", [alert("a1", { acknowledgedBy: "Dana Wall", acknowledgedByKey: "reader", acknowledgedAt: "2026-01-16T12:00:02Z" })])];

    await reload();

    expect(before.isConnected).toBe(false);
    expect(cardOf("a1").querySelector("button.ack")).toBeNull();
    expect(sectionOf("SI")).toBeNull();
    expect(sectionOf("GC").querySelector(".group-facts")!.textContent).toBe("1 firing · 1 acknowledged");
  });
});
