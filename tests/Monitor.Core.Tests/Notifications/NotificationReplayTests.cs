using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Notifications.PolicyAlerts;

namespace Monitor.Core.Tests.Notifications;

public sealed class NotificationReplayTests
{
    [Fact]
    public void Replay_CountsWhatSilencesInhibitionAndGroupingRemoved()
    {
        var policy = Policy("""
            {"receivers":[{"name":"desk","slack":{"url":"https://x"}}],
             "route":{"receiver":"desk","groupBy":["instrument"],"groupWait":"1m","groupInterval":"10m","repeatInterval":"1h"},
             "inhibitRules":[{"sourceMatchers":["severity=critical"],"targetMatchers":["severity=warning"],"equal":["instrument"]}]}
            """);
        var silence = new Silence("s1", "hushed", null, Start, Start.AddDays(1), "maintenance", "ann", Start);
        var replay = new NotificationReplay(policy, [silence]);
        var critical = Firing("crit", ruleId: "big", severity: AlertSeverity.Critical).Alert;
        var warning = Firing("warn", ruleId: "small").Alert;
        var hushed = Firing("hush", ruleId: "hushed", instrument: "COMEX:GC").Alert;
        var other = Firing("other", ruleId: "small", instrument: "COMEX:GC").Alert;

        replay.Observe(new AlertTransition(AlertState.Pending, AlertState.Firing, Start, critical));
        replay.Observe(new AlertTransition(AlertState.Pending, AlertState.Firing, Start, warning));
        replay.Observe(new AlertTransition(AlertState.Pending, AlertState.Firing, Start, hushed));
        replay.Observe(new AlertTransition(AlertState.Pending, AlertState.Firing, Start.AddSeconds(30), other));
        var resolvedAt = Start.AddMinutes(30);
        replay.Observe(new AlertTransition(AlertState.Firing, AlertState.Resolved, resolvedAt, critical with { State = AlertState.Resolved, ResolvedAt = resolvedAt }));
        var report = replay.Finish(Start.AddMinutes(50));

        var desk = report.Counts.For("desk");
        Assert.Equal(5, desk.Transitions);
        Assert.Equal(1, desk.RemovedBySilences);
        Assert.Equal(1, desk.RemovedByInhibition);
        // COMEX:SI's group: crit first, then (crit resolved, warn no longer inhibited) an update; COMEX:GC's: other first.
        Assert.Equal((2, 1, 0), (desk.First, desk.Updates, desk.Resolved));
        Assert.Equal(0, desk.RemovedByGrouping);
        Assert.Equal(1, report.AlertsFiredByRule["big"]);
        Assert.Equal(2, report.AlertsFiredByRule["small"]);
        Assert.Equal(2, report.Counts.NotificationsByRule["big"]);
    }
}
