// The live alert board: session, live connection, snapshots, and a hash router over the pages.
import "./styles.css";
import { AlertBook } from "./alerts";
import { ApiError, describe, get } from "./api";
import { watchCriticalAlerts } from "./attention";
import type { Context, Page } from "./context";
import { h, replace } from "./dom";
import { captureKeyFromAddress, getKey, setKey } from "./keys";
import { Live, type LinkState } from "./live";
import { Market } from "./market";
import type { Session } from "./types";
import { alertDetailPage } from "./views/alertDetail";
import { backtestsPage } from "./views/backtests";
import { boardPage } from "./views/board";
import { instrumentPage } from "./views/instrument";
import { notificationsPage } from "./views/notifications";
import { ruleHistoryPage } from "./views/ruleHistory";
import { ruleFormPage, rulesPage } from "./views/rules";
import { settingsPage } from "./views/settings";
import { sourcesPage } from "./views/sources";
import { webhooksPage } from "./views/webhooks";

const title = "Monitor";
const snapshotRetryMs = 2000;
const linkText: Record<LinkState, string> = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline, retrying" };

async function main(): Promise<void> {
  captureKeyFromAddress();
  const app = document.getElementById("app")!;
  const session = await loadSession(app);
  if (!session) {
    return;
  }
  const context: Context = { live: new Live(), market: new Market(), alerts: new AlertBook(), session };
  const { live, market, alerts } = context;
  live.quotes.on((quote) => market.onQuote(quote));
  live.inventory.on((message) => market.onInventory(message));
  live.alerts.on((message) => alerts.onMessage(message));
  market.listed.on((ids) => void live.watch(ids));
  live.connected.on(() => void syncSnapshots(context));
  watchCriticalAlerts(alerts, title);

  const main = h("main", { class: "content" });
  replace(app, header(context), main);
  let leave = (): void => undefined;
  const route = (): void => {
    leave();
    window.scrollTo(0, 0);
    leave = pageFor(window.location.hash)(context, main);
    document.querySelectorAll("nav a").forEach((link) => link.classList.toggle("current", isCurrent(link.getAttribute("href") ?? "", window.location.hash)));
  };
  window.addEventListener("hashchange", route);
  route();
  // The first snapshot names the instruments, so the connection is subscribed to all of them once it is live.
  await syncSnapshots(context);
  live.start();
}

let syncing = false;
let syncAgain = false;

/**
 * At start and after every (re)connection: subscribe to what is known, reload the snapshots, subscribe to anything
 * new. One sync at a time; one asked for meanwhile runs right after, and a failed one is retried (the server may
 * still be starting after a restart).
 */
async function syncSnapshots(context: Context): Promise<void> {
  if (syncing) {
    syncAgain = true;
    return;
  }
  const { live, market, alerts } = context;
  syncing = true;
  try {
    do {
      syncAgain = false;
      try {
        await live.watch(market.ids);
        await Promise.all([market.reloadAll(), alerts.reload()]);
        await live.watch(market.ids);
      } catch {
        syncAgain = true;
        await new Promise((resolve) => window.setTimeout(resolve, snapshotRetryMs));
      }
    } while (syncAgain);
  } finally {
    syncing = false;
  }
}

function pageFor(hash: string): Page {
  const [, page = "", ...rest] = hash.replace(/^#/, "").split("/");
  const argument = rest.length ? decodeURIComponent(rest.join("/")) : null;
  switch (page) {
    case "instrument":
      return (context, root) => instrumentPage(context, root, argument ?? "");
    case "rules":
      if (rest[0] === "new") return (context, root) => ruleFormPage(context, root, null);
      if (rest[0] === "edit") return (context, root) => ruleFormPage(context, root, decodeURIComponent(rest.slice(1).join("/")));
      if (rest[0] === "history") return (context, root) => ruleHistoryPage(context, root, decodeURIComponent(rest.slice(1).join("/")));
      return rulesPage;
    case "alerts":
      return (context, root) => alertDetailPage(context, root, argument ?? "");
    case "webhooks":
      return webhooksPage;
    case "notifications":
      return notificationsPage;
    case "sources":
      return sourcesPage;
    case "backtests":
      return (context, root) => backtestsPage(context, root, argument);
    case "settings":
      return (context, root) => settingsPage(context, root, () => window.location.reload());
    default:
      return boardPage;
  }
}

function isCurrent(href: string, hash: string): boolean {
  const section = (value: string): string => value.replace(/^#\/?/, "").split("/")[0] || "board";
  const current = section(hash);
  return section(href) === (current === "instrument" ? "board" : current);
}

function header(context: Context): HTMLElement {
  const link = h("span", { class: `link-state state-${context.live.current}`, data: { state: context.live.current }, text: linkText[context.live.current] });
  context.live.state.on((state) => {
    link.className = `link-state state-${state}`;
    link.dataset.state = state;
    link.textContent = linkText[state];
  });
  const clock = h("span", { class: "clock num" });
  const tick = (): void => void (clock.textContent = new Date().toISOString().slice(11, 19) + " UTC");
  tick();
  window.setInterval(tick, 1000);
  const who = context.session.name
    ? h("span", { class: "who", title: context.session.roles.join(", "), text: context.session.name })
    : h("span", { class: "who read-only", title: "No API key: add one in Settings to acknowledge or change things", text: "read-only" });
  return h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: "#/", text: "MONITOR" }),
    h(
      "nav",
      {},
      ...[
        ["#/", "Board"],
        ["#/rules", "Rules"],
        ["#/webhooks", "Webhooks"],
        ["#/notifications", "Notifications"],
        ["#/sources", "Sources"],
        ["#/backtests", "Backtests"],
        ["#/settings", "Settings"],
      ].map(([href, label]) => h("a", { href, text: label })),
    ),
    h("span", { class: "spacer" }),
    who,
    link,
    clock,
  );
}

/** Who the key is; without a usable one where reading needs it, a prompt for the key instead of the board. */
async function loadSession(app: HTMLElement): Promise<Session | null> {
  for (;;) {
    try {
      const session = await get<Session>("/api/v1/me");
      if (session.roles.length > 0) {
        return session;
      }
      await askForKey(app, "This server needs an API key to show the board.");
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        await askForKey(app, getKey() ? "The saved API key is not valid." : describe(error));
      } else {
        replace(app, h("p", { class: "boot error", text: `The server cannot be reached (${describe(error)}). Retrying…` }));
        await new Promise((resolve) => window.setTimeout(resolve, snapshotRetryMs));
      }
    }
  }
}

function askForKey(app: HTMLElement, reason: string): Promise<void> {
  return new Promise((resolve) => {
    const key = h("input", { name: "apiKey", type: "password", placeholder: "API key", autocomplete: "off", required: true });
    replace(
      app,
      h(
        "form",
        {
          class: "panel key-prompt",
          on: {
            submit: (event) => {
              event.preventDefault();
              setKey(key.value);
              resolve();
            },
          },
        },
        h("h1", { text: "Monitor" }),
        h("p", { text: reason }),
        key,
        h("button", { type: "submit", class: "primary", text: "Open the board" }),
      ),
    );
    key.focus();
  });
}

void main();
