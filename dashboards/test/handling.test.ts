// Shelves hold until their time and then end on their own; a group's counts say what still repeats; history lines
// name who did what under which key.
import { describe, expect, it } from "vitest";
import { activityText, groupCounts, groupTitle, isShelved, nextShelfEnd, shelfEnd, shelfUntil, timeLeft } from "../src/handling";
import type { Alert, AlertGroup } from "../src/types";

const now = Date.parse("2026-01-16T12:00:00Z");

function alert(id: string, changes: Partial<Alert> = {}): Alert {
  return {
    id, ruleId: "r1", ruleName: "Silver", type: "threshold", severity: "warning", instruments: ["COMEX:SI"], state: "firing", direction: null,
    startedAt: "2026-01-16T11:00:00Z", firedAt: "2026-01-16T11:00:00Z", resolvedAt: null, message: "", values: {},
    acknowledgedBy: null, acknowledgedByKey: null, acknowledgedAt: null, silenced: false, ...changes,
  };
}

const shelf = (until: string) => ({ shelf: { until, by: "Dana", byKey: "desk", at: "2026-01-16T11:30:00Z" } });

describe("shelves", () => {
  it("hold while their time is ahead and end at it", () => {
    const shelved = alert("a", shelf("2026-01-16T14:00:00Z"));
    expect(isShelved(shelved, now)).toBe(true);
    expect(isShelved(shelved, Date.parse("2026-01-16T14:00:00Z"))).toBe(false);
    expect(isShelved(alert("b"), now)).toBe(false);
  });

  it("end first for the alert whose time comes first, and none when nothing is shelved", () => {
    const alerts = [alert("a", shelf("2026-01-16T14:00:00Z")), alert("b", shelf("2026-01-16T12:30:00Z")), alert("c", shelf("2026-01-16T11:00:00Z")), alert("d")];
    expect(nextShelfEnd(alerts, now)).toBe(30 * 60_000);
    expect(nextShelfEnd([alert("d")], now)).toBeNull();
  });

  it("are asked for as hours from now and read as the time they end and what is left", () => {
    expect(shelfUntil(4, now)).toBe("2026-01-16T16:00:00.000Z");
    const read = (until: string): string => `${shelfEnd(until, now)} (${timeLeft(until, now)})`;
    expect(read("2026-01-16T14:05:00Z")).toBe("until 14:05 UTC (2h 5m)");
    expect(read("2026-01-17T13:00:00Z")).toBe("until 2026-01-17 13:00 UTC (25h)");
    expect(read("2026-01-16T12:20:00Z")).toBe("until 12:20 UTC (20m)");
  });
});

describe("history", () => {
  it("names who did what, with the key when it differs from the name", () => {
    expect(activityText({ kind: "comment", at: "", by: "Lee", byKey: "desk", text: "SLV outflow confirmed" })).toBe("Lee (key desk): SLV outflow confirmed");
    expect(activityText({ kind: "assigned", at: "", by: "desk", byKey: "desk", assignee: "Lee" })).toBe("desk assigned it to Lee");
    expect(activityText({ kind: "shelved", at: "", by: "Dana", byKey: null, until: "2026-01-16T14:00:00Z", text: "roll" })).toBe("Dana shelved it until 2026-01-16 14:00 UTC: roll");
    expect(activityText({ kind: "acknowledged", at: "", by: "Dana", byKey: "ops" })).toBe("Dana (key ops) acknowledged");
  });
});

describe("groups", () => {
  const group = (members: Alert[], labels: Record<string, string> = { ruleId: "r1" }): AlertGroup => ({
    id: "grp_1", key: "{}:{ruleId=\"r1\"}", receiver: "desk", routeId: "{}", labels, alerts: members.map((m) => m.id),
    createdAt: "2026-01-16T11:00:00Z", lastNotifiedAt: null, nextFlushAt: "2026-01-16T12:05:00Z", notifications: 0, members,
  });

  it("count as open only the firing alerts neither acknowledged nor shelved", () => {
    const counts = groupCounts(group([
      alert("a"),
      alert("b", { acknowledgedBy: "Dana" }),
      alert("c", shelf("2026-01-16T13:00:00Z")),
      alert("d", shelf("2026-01-16T11:00:00Z")),
      alert("e", { state: "resolved" }),
    ]), now);
    expect(counts).toEqual({ firing: 4, open: 2, acknowledged: 1, shelved: 1, resolved: 1 });
  });

  it("are named by their groupBy values", () => {
    expect(groupTitle(group([], { instrument: "COMEX:SI", ruleId: "r1" }))).toBe("instrument=COMEX:SI, ruleId=r1");
    expect(groupTitle(group([], {}))).toBe("all alerts");
  });
});
