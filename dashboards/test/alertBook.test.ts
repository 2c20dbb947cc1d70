// The alert book: a snapshot read before a live alert arrived does not take that alert off the board.
import { describe, expect, it } from "vitest";
import { AlertBook } from "../src/alerts";
import type { Alert } from "../src/types";
import { alert } from "./alertFixtures";

/** A snapshot request the test answers when it chooses. */
function deferredSnapshot(): { load: <T>(path: string) => Promise<T>; answer: (alerts: Alert[]) => void } {
  let answer: (alerts: Alert[]) => void = () => undefined;
  const pending = new Promise<Alert[]>((resolve) => (answer = resolve));
  return { load: <T>() => pending as Promise<T>, answer };
}

describe("AlertBook.reload", () => {
  it("keeps an alert the hub delivered while an older snapshot was on its way", async () => {
    const snapshot = deferredSnapshot();
    const book = new AlertBook(snapshot.load);
    const reloading = book.reload();
    book.onMessage({ transition: "firing", alert: alert("gold") });
    snapshot.answer([alert("silver")]);
    await reloading;
    expect([...book.byId.keys()].sort()).toEqual(["gold", "silver"]);
  });

  it("takes the snapshot's alert when it is newer than the one the hub delivered meanwhile", async () => {
    const snapshot = deferredSnapshot();
    const book = new AlertBook(snapshot.load);
    const reloading = book.reload();
    book.onMessage({ transition: "firing", alert: alert("gold") });
    snapshot.answer([alert("gold", { state: "resolved", resolvedAt: "2026-01-16T12:04:00.5Z" })]);
    await reloading;
    expect(book.byId.get("gold")?.state).toBe("resolved");
  });

  it("takes the hub's alert when it is newer than the snapshot's", async () => {
    const snapshot = deferredSnapshot();
    const book = new AlertBook(snapshot.load);
    const reloading = book.reload();
    book.onMessage({ transition: "firing", alert: alert("gold") });
    snapshot.answer([alert("gold", { state: "pending", firedAt: null })]);
    await reloading;
    expect(book.byId.get("gold")?.state).toBe("firing");
  });

  it("drops what the hub delivered before the reload started when the snapshot no longer lists it", async () => {
    const snapshot = deferredSnapshot();
    const book = new AlertBook(snapshot.load);
    book.onMessage({ transition: "firing", alert: alert("old") });
    const reloading = book.reload();
    snapshot.answer([alert("gold")]);
    await reloading;
    expect([...book.byId.keys()]).toEqual(["gold"]);
  });
});
