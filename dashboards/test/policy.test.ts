// The policy page's reading of a policy: routes with what they inherit, receivers by kind and target, intervals in a line.
import { describe, expect, it } from "vitest";
import { intervalText, receiverKind, receiverTarget, routeRows, summary } from "../src/policy";
import type { NotificationPolicy } from "../src/types";

const policy: NotificationPolicy = {
  receivers: [
    { name: "desk-slack", slack: { url: "********" } },
    { name: "ops-mail", sendResolved: false, email: { to: ["ops@example.com", "risk@example.com"], from: "m@example.com", smtp: { host: "smtp.example.com", port: 587 } } },
    { name: "risk-hook", webhook: { id: "wh_1" } },
    { name: "tg", telegram: { botToken: "********", chatId: "-100123" } },
    { name: "void" },
  ],
  route: {
    receiver: "desk-slack",
    groupBy: ["ruleId"],
    repeatInterval: "1h",
    routes: [
      { matchers: ["severity=critical"], receiver: "ops-mail", continue: true, groupWait: "10s", routes: [{ matchers: ["desk=base"], groupBy: ["..."] }] },
      { matchers: ["desk=~precious|base"], muteTimeIntervals: ["weekends"], groupBy: [] },
    ],
  },
  inhibitRules: [{ sourceMatchers: ["severity=critical"], targetMatchers: ["severity=warning"], equal: ["instrument"] }],
  timeIntervals: [
    { name: "weekends", weekdays: ["saturday", "sunday"], timeZone: "America/New_York" },
    { name: "comex-closed", calendar: "cme-metals", when: "closed" },
    { name: "lunch", intervals: [{ times: [{ start: "12:00", end: "13:00" }] }, { weekdays: ["friday"], months: ["december"] }] },
  ],
};

describe("routes", () => {
  it("are listed in document order with the receiver, grouping and timings each inherits", () => {
    const rows = routeRows(policy.route);
    expect(rows.map((r) => [r.path, r.depth, r.receiver, r.inheritsReceiver, r.grouping, r.continues])).toEqual([
      ["route", 0, "desk-slack", false, "by ruleId", false],
      ["route.routes[0]", 1, "ops-mail", false, "by ruleId", true],
      ["route.routes[0].routes[0]", 2, "ops-mail", true, "each alert alone", false],
      ["route.routes[1]", 1, "desk-slack", true, "all in one group", false],
    ]);
    expect(rows[0].timing).toBe("wait 30s · every 5m · repeat 1h");
    expect(rows[2].timing).toBe("wait 10s · every 5m · repeat 1h");
    expect(rows[3].muted).toEqual(["weekends"]);
  });
});

describe("receivers", () => {
  it("are shown by kind and where they send", () => {
    const receivers = policy.receivers!;
    expect(receivers.map(receiverKind)).toEqual(["slack", "email", "webhook", "telegram", "none"]);
    expect(receivers.map(receiverTarget)).toEqual([
      "********",
      "ops@example.com, risk@example.com via smtp.example.com:587",
      "webhook wh_1",
      "chat -100123",
      "drops what reaches it",
    ]);
  });
});

describe("time intervals", () => {
  it("read as a calendar's state or their recurring fields in their zone", () => {
    expect(policy.timeIntervals!.map(intervalText)).toEqual([
      "saturday, sunday (America/New_York)",
      "cme-metals closed",
      "12:00-13:00 (UTC); friday december (UTC)",
    ]);
  });

  it("are counted in the summary with everything else", () => {
    expect(summary(policy)).toEqual({ routes: 4, receivers: 5, inhibitRules: 1, timeIntervals: 3 });
  });
});
