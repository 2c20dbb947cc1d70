// A rule's history: every version, newest first, with who changed it, when, and what changed from the version before.
import { describe, encode, get } from "../api";
import type { Context } from "../context";
import { h, replace } from "../dom";
import * as format from "../format";

export interface RuleChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface RuleVersion {
  version: number;
  changedAt: string;
  changedBy: string | null;
  change: "created" | "changed" | "deleted";
  definition: Record<string, unknown> | null;
  changes: RuleChange[];
}

export function ruleHistoryPage(_context: Context, root: HTMLElement, id: string): () => void {
  const body = h("div", { class: "page-body" }, h("p", { class: "muted", text: "Loading versions…" }));
  replace(
    root,
    h(
      "section",
      { class: "panel page" },
      h("header", { class: "page-head" }, h("h1", { text: `History of rule ${id}` }), h("a", { class: "button", href: "#/rules", text: "Back to rules" })),
      body,
    ),
  );
  get<RuleVersion[]>(`/api/v1/rules/${encode(id)}/versions`).then(
    (versions) => replace(body, h("ol", { class: "rule-versions" }, ...versions.map(versionItem))),
    (error) => replace(body, h("p", { class: "error", text: describe(error) })),
  );
  return () => undefined;
}

function versionItem(version: RuleVersion): HTMLElement {
  return h(
    "li",
    { class: `rule-version change-${version.change}`, data: { version: String(version.version) } },
    h(
      "div",
      { class: "headline" },
      h("span", { class: "version num", text: `v${version.version}` }),
      h("span", { class: "change", text: version.change }),
      h("span", { class: "by", text: version.changedBy ? `by ${version.changedBy}` : "by an unknown key" }),
      h("time", { dateTime: version.changedAt, title: format.dateTime(version.changedAt), text: format.dateTime(version.changedAt) }),
    ),
    version.changes.length > 0 ? changesTable(version.changes) : null,
    version.definition
      ? h("details", {}, h("summary", { text: "Definition" }), h("pre", { class: "mono small definition", text: JSON.stringify(version.definition, null, 2) }))
      : null,
  );
}

/** The fields that differ from the version before: the old value struck through beside the new one. */
function changesTable(changes: RuleChange[]): HTMLElement {
  return h(
    "table",
    { class: "grid rule-diff" },
    h("thead", {}, h("tr", {}, ...["Field", "Before", "After"].map((label) => h("th", { text: label })))),
    h(
      "tbody",
      {},
      ...changes.map((change) =>
        h(
          "tr",
          { data: { field: change.field } },
          h("td", { class: "mono", text: change.field }),
          h("td", { class: "mono before", text: shown(change.from) }),
          h("td", { class: "mono after", text: shown(change.to) }),
        ),
      ),
    ),
  );
}

/** A value as JSON, and a missing side (the field was added or removed) as a dash. */
export function shown(value: unknown): string {
  return value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value);
}
