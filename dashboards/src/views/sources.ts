// Data sources (docs/api.md, Data sources): each source with its status (last fetch, result, activity date, next
// fetch, lateness, last error); an admin can fetch now, pause and resume. Reading needs no more than the board does.
import { describe, encode, get, post } from "../api";
import { canAdmin, type Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";
import type { Source, SourceStatus } from "../types";
import { unavailable } from "./webhooks";

/** How often the page reloads the statuses while it is open (fetches happen on the server's schedules). */
const refreshMs = 15_000;

export function sourcesPage(context: Context, root: HTMLElement): () => void {
  const body = h("div", { class: "page-body" }, h("p", { class: "muted", text: "Loading sources…" }));
  replace(root, h("section", { class: "panel page" }, h("header", { class: "page-head" }, h("h1", { text: "Sources" })), body));
  const admin = canAdmin(context);
  const load = (notice?: HTMLElement): void => {
    get<Source[]>("/api/v1/sources").then(
      (sources) => replace(body, notice, sources.length === 0 ? h("p", { class: "muted", text: "No sources configured." }) : sourcesTable(sources, admin, load)),
      (error) => replace(body, unavailable(error, "Data sources")),
    );
  };
  load();
  const timer = window.setInterval(() => load(), refreshMs);
  return () => window.clearInterval(timer);
}

function sourcesTable(sources: Source[], admin: boolean, reload: (notice?: HTMLElement) => void): HTMLElement {
  const headings = ["Source", "Kind", "Schedule", "Last fetch", "Result", "Activity date", "Next fetch", "Last error", ...(admin ? [""] : [])];
  return h(
    "table",
    { class: "grid sources" },
    h("thead", {}, h("tr", {}, ...headings.map((label) => h("th", { text: label })))),
    h("tbody", {}, ...sources.map((source) => sourceRow(source, admin, reload))),
  );
}

function sourceRow(source: Source, admin: boolean, reload: (notice?: HTMLElement) => void): HTMLElement {
  const status = source.status;
  const act = (action: string, label: string): HTMLElement =>
    h("button", {
      text: label,
      data: { action },
      on: {
        click: (event: Event) => {
          const button = event.currentTarget as HTMLButtonElement;
          button.disabled = true;
          post<SourceStatus>(`/api/v1/sources/${encode(source.id)}/${action}`).then(
            () => reload(),
            (error) => reload(h("p", { class: "error", text: `${source.id}: ${describe(error)}` })),
          );
        },
      },
    });
  return h(
    "tr",
    { class: source.enabled ? (status.late ? "source-late" : "") : "source-paused", data: { sourceId: source.id } },
    h("td", {}, h("div", { class: "mono", text: source.id }), h("div", { class: "small muted mono", title: source.url, text: source.url })),
    h("td", { text: source.kind }),
    h("td", { class: "small" }, h("div", { class: "mono", text: source.schedule }), h("div", { class: "muted", text: source.timeZone })),
    h("td", { class: "small", title: status.lastFetchAt ?? "", text: status.lastFetchAt ? format.ago(status.lastFetchAt) : "never" }),
    h("td", { class: `source-result result-${status.lastResult ?? "none"}`, text: status.lastResult ?? "–" }),
    h("td", { class: "num" }, h("span", { text: status.lastActivityDate ?? "–" }), status.late ? h("span", { class: "late-badge", title: `older than ${source.lateAfter ?? ""} of ${source.calendar} business days`, text: "late" }) : null),
    h("td", { class: "small", text: source.enabled ? format.dateTime(status.nextFetchAt) : "paused" }),
    h("td", { class: "small source-error", text: status.lastError ?? "" }),
    admin ? h("td", { class: "actions" }, act("fetch", "Fetch now"), source.enabled ? act("pause", "Pause") : act("resume", "Resume")) : null,
  );
}
