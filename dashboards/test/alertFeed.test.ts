// @vitest-environment happy-dom
// The alert feed keeps each card, and so its buttons, while its alert is unchanged: alerts arriving, the snapshot
// reloading and the clock moving must not replace the card someone is about to click (a replaced button is a click
// that misses). Only a change to the alert itself builds its card again.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AlertBook } from "../src/alerts";
import { alert, readerContext } from "./alertFixtures";
import { alertFeed } from "../src/views/alertFeed";

const start = Date.parse("2026-01-16T12:00:00Z");

/** Runs the animation frame that draws what changed. */
async function frame(): Promise<void> {
  await vi.advanceTimersByTimeAsync(50);
}

describe("the alert feed", () => {
  let alerts: AlertBook;
  let list: HTMLElement;
  let dispose: () => void;

  const cardOf = (id: string): HTMLElement => list.querySelector<HTMLElement>(`li.alert[data-alert-id="${id}"]`)!;
  const ackButtonOf = (id: string): HTMLButtonElement => cardOf(id).querySelector<HTMLButtonElement>("button.ack")!;

  beforeEach(async () => {
    vi.useFakeTimers({ now: start, toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame", "Date"] });
    alerts = new AlertBook();
    const context = readerContext(alerts);
    // An instrument's feed: the same cards as the board's, without the policy's groups (which load from the server).
    const feed = alertFeed(context, { instrument: "COMEX:GC" });
    document.body.append(feed.element);
    list = feed.element.querySelector("ol.alerts")!;
    dispose = feed.dispose;
    alerts.onMessage({ transition: "firing", alert: alert("a1") });
    await frame();
  });

  afterEach(() => {
    dispose();
    document.body.replaceChildren();
    vi.useRealTimers();
  });

  it("keeps a card and its buttons while other alerts arrive and the same alert is sent again", async () => {
    const card = cardOf("a1");
    const button = ackButtonOf("a1");

    alerts.onMessage({ transition: "firing", alert: alert("a2", { startedAt: "2026-01-16T11:59:50Z" }) });
    alerts.onMessage({ transition: "firing", alert: alert("a1") });
    await frame();

    expect(list.querySelectorAll("li.alert")).toHaveLength(2);
    expect(list.firstElementChild).toBe(cardOf("a2"));
    expect(cardOf("a1")).toBe(card);
    expect(button.isConnected).toBe(true);
  });

  it("keeps the card while time passes, and moves its relative times in place", async () => {
    const card = cardOf("a1");
    expect(card.querySelector("time.when")!.textContent).toBe("30s ago");

    await vi.advanceTimersByTimeAsync(5 * 60_000);

    expect(cardOf("a1")).toBe(card);
    expect(card.querySelector("time.when")!.textContent).toBe("5m ago");
  });

  it("builds the card again when its alert changed, and drops the card of an alert no longer listed", async () => {
    const card = cardOf("a1");

    alerts.onMessage({ transition: "acknowledged", alert: alert("a1", { acknowledgedBy: "Dana Wall", acknowledgedByKey: "reader", acknowledgedAt: "2026-01-16T12:00:00Z" }) });
    await frame();

    expect(card.isConnected).toBe(false);
    expect(cardOf("a1").querySelector(".acked")!.textContent).toBe("Acknowledged by Dana Wall (key reader) 0s ago");
    expect(cardOf("a1").querySelector("button.ack")).toBeNull();

    alerts.byId.delete("a1");
    alerts.changed.emit();
    await frame();
    expect(list.querySelectorAll("li.alert")).toHaveLength(0);
    expect(list.textContent).toBe("No alerts. All quiet.");
  });

  it("keeps the form someone opened on a card while other alerts arrive", async () => {
    ackButtonOf("a1").click();
    const form = cardOf("a1").querySelector<HTMLFormElement>("form.ack-form")!;
    const name = form.querySelector<HTMLInputElement>("input[name=by]")!;
    name.value = "Dana";

    alerts.onMessage({ transition: "firing", alert: alert("a2", { startedAt: "2026-01-16T11:59:50Z" }) });
    await frame();

    expect(form.isConnected).toBe(true);
    expect(name.value).toBe("Dana");
  });
});
