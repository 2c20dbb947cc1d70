using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Notifications;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Notifications.PolicyAlerts;

namespace Monitor.Core.Tests.Notifications;

public sealed class NotificationEngineTests
{
    private const string Grouped = """
        {"receivers":[{"name":"desk","slack":{"url":"https://hooks.slack.com/x"}}],
         "route":{"receiver":"desk","groupBy":["ruleId"],"groupWait":"30s","groupInterval":"5m","repeatInterval":"1h"}}
        """;

    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public void AlertsOfOneRule_AreSentTogetherAfterGroupWait()
    {
        var engine = new NotificationEngine(Policy(Grouped));
        engine.Observe(Firing("a1"), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(10));
        engine.Observe(Firing("a2", instrument: "COMEX:GC"), _time.GetUtcNow());
        engine.Observe(Firing("b1", ruleId: "r2"), _time.GetUtcNow());

        _time.Advance(TimeSpan.FromSeconds(19));
        Assert.Empty(engine.Flush(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));
        var sent = engine.Flush(_time.GetUtcNow());

        var first = Assert.Single(sent);
        Assert.Equal(NotificationReason.First, first.Reason);
        Assert.Equal(["a1", "a2"], first.Alerts.Select(a => a.Alert.Id));
        Assert.Equal(new Dictionary<string, string> { ["ruleId"] = "r1" }, first.GroupLabels);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["b1"], Assert.Single(engine.Flush(_time.GetUtcNow())).Alerts.Select(a => a.Alert.Id));
        var counts = engine.Counts.For("desk");
        Assert.Equal((3, 2, 1), (counts.Transitions, counts.Notifications, counts.RemovedByGrouping));
    }

    [Fact]
    public void ChangedGroup_NotifiesAtMostEveryGroupInterval()
    {
        var engine = new NotificationEngine(Policy(Grouped));
        engine.Observe(Firing("a1"), _time.GetUtcNow());
        Advance(30);
        Assert.Single(engine.Flush(_time.GetUtcNow()));

        Advance(60);
        engine.Observe(Firing("a2"), _time.GetUtcNow());
        Assert.Empty(engine.Flush(_time.GetUtcNow()));
        Assert.Equal(_time.GetUtcNow().AddSeconds(240), engine.NextDueAt);
        Advance(240);
        var update = Assert.Single(engine.Flush(_time.GetUtcNow()));

        Assert.Equal(NotificationReason.Update, update.Reason);
        Assert.Equal(["a1", "a2"], update.Alerts.Select(a => a.Alert.Id));
    }

    [Fact]
    public void UnchangedGroup_RepeatsAfterRepeatIntervalUntilEveryAlertIsAcknowledged()
    {
        var engine = new NotificationEngine(Policy(Grouped));
        var a1 = Firing("a1");
        var a2 = Firing("a2");
        engine.Observe(a1, _time.GetUtcNow());
        engine.Observe(a2, _time.GetUtcNow());
        Advance(30);
        Assert.Equal(NotificationReason.First, Assert.Single(engine.Flush(_time.GetUtcNow())).Reason);

        Assert.Equal([NotificationReason.Repeat], FlushEveryGroupInterval(engine, TimeSpan.FromHours(1)));

        engine.Observe(Acknowledged(a1, _time.GetUtcNow()), _time.GetUtcNow());
        Assert.Equal([NotificationReason.Repeat], FlushEveryGroupInterval(engine, TimeSpan.FromHours(1)));

        engine.Observe(Acknowledged(a2, _time.GetUtcNow()), _time.GetUtcNow());
        Assert.Empty(FlushEveryGroupInterval(engine, TimeSpan.FromHours(3)));
        Assert.Equal(2, engine.Counts.For("desk").Repeats);
    }

    [Fact]
    public void ShelvedAlerts_AreNotRepeatedUntilTheShelfEnds()
    {
        var engine = new NotificationEngine(Policy(Grouped));
        var a1 = Firing("a1");
        engine.Observe(a1, _time.GetUtcNow());
        Advance(30);
        Assert.Equal(NotificationReason.First, Assert.Single(engine.Flush(_time.GetUtcNow())).Reason);

        var shelfEnds = _time.GetUtcNow().AddHours(3);
        engine.Observe(a1 with { Shelf = new Monitor.Core.Ports.AlertShelf(shelfEnds, "ann", "desk-key", _time.GetUtcNow()) }, _time.GetUtcNow());
        Assert.Empty(FlushEveryGroupInterval(engine, TimeSpan.FromHours(3) - TimeSpan.FromMinutes(5)));

        Assert.Equal([NotificationReason.Repeat], FlushEveryGroupInterval(engine, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void ResolvedGroup_IsSentOnceWhenTheReceiverWantsIt()
    {
        var engine = new NotificationEngine(Policy(Grouped));
        var a1 = Firing("a1");
        engine.Observe(a1, _time.GetUtcNow());
        Advance(30);
        engine.Flush(_time.GetUtcNow());
        Advance(60);
        engine.Observe(Resolved(a1, _time.GetUtcNow()), _time.GetUtcNow());

        var reasons = FlushEveryGroupInterval(engine, TimeSpan.FromHours(5));

        Assert.Equal([NotificationReason.Resolved], reasons);
        Assert.Null(engine.NextDueAt);
    }

    [Fact]
    public void ResolvedGroup_IsNotSentToAReceiverThatDoesNotWantIt()
    {
        var engine = new NotificationEngine(Policy(Grouped.Replace("\"name\":\"desk\",", "\"name\":\"desk\",\"sendResolved\":false,", StringComparison.Ordinal)));
        var a1 = Firing("a1");
        engine.Observe(a1, _time.GetUtcNow());
        Advance(30);
        engine.Flush(_time.GetUtcNow());
        engine.Observe(Resolved(a1, _time.GetUtcNow()), _time.GetUtcNow());

        Assert.Empty(FlushEveryGroupInterval(engine, TimeSpan.FromHours(5)));
        Assert.Equal(1, engine.Counts.For("desk").RemovedBySendResolved);
    }

    [Fact]
    public void CriticalAlert_InhibitsWarningsOnTheSameInstrument()
    {
        var engine = new NotificationEngine(Policy("""
            {"receivers":[{"name":"desk","slack":{"url":"https://hooks.slack.com/x"}}],
             "route":{"receiver":"desk","groupBy":["..."],"groupWait":"0s"},
             "inhibitRules":[{"sourceMatchers":["severity=critical"],"targetMatchers":["severity=warning"],"equal":["instrument"]}]}
            """));
        engine.Observe(Firing("crit", ruleId: "big", severity: AlertSeverity.Critical), _time.GetUtcNow());
        engine.Observe(Firing("warn-si", ruleId: "small"), _time.GetUtcNow());
        engine.Observe(Firing("warn-gc", ruleId: "small", instrument: "COMEX:GC"), _time.GetUtcNow());

        var sent = engine.Flush(_time.GetUtcNow());

        Assert.Equal(["crit", "warn-gc"], sent.SelectMany(n => n.Alerts).Select(a => a.Alert.Id).Order());
        Assert.Equal(1, engine.Counts.For("desk").RemovedByInhibition);
    }

    [Fact]
    public void Inhibition_HoldsWhileASourceFires_AndAlertsOnBothSidesDoNotInhibitEachOther()
    {
        var policy = Policy("""
            {"receivers":[{"name":"desk","slack":{"url":"https://hooks.slack.com/x"}}],
             "route":{"receiver":"desk","groupBy":["..."],"groupWait":"0s","groupInterval":"1m"},
             "inhibitRules":[{"sourceMatchers":["severity=critical"],"targetMatchers":["severity=~critical|warning"],"equal":["instrument"]}]}
            """);
        var engine = new NotificationEngine(policy);
        var crit1 = Firing("crit1", ruleId: "big", severity: AlertSeverity.Critical);
        var crit2 = Firing("crit2", ruleId: "huge", severity: AlertSeverity.Critical);
        engine.Observe(crit1, _time.GetUtcNow());
        engine.Observe(crit2, _time.GetUtcNow());
        engine.Observe(Firing("warn", ruleId: "small"), _time.GetUtcNow());
        Assert.Equal(["crit1 First", "crit2 First"], Sent(engine.Flush(_time.GetUtcNow())));

        // The state carries the firing alerts the inhibition is worked out from.
        engine = new NotificationEngine(policy, state: NotificationEngineStateJson.Deserialize(NotificationEngineStateJson.Serialize(engine.State)));
        Advance(60);
        engine.Observe(Resolved(crit1, _time.GetUtcNow()), _time.GetUtcNow());
        Assert.Equal(["crit1 Resolved"], Sent(engine.Flush(_time.GetUtcNow())));

        Advance(60);
        engine.Observe(Resolved(crit2, _time.GetUtcNow()), _time.GetUtcNow());
        Assert.Equal(["crit2 Resolved", "warn First"], Sent(engine.Flush(_time.GetUtcNow())));
    }

    [Fact]
    public void RoutingTree_FollowsContinueAndFallsBackToTheParent()
    {
        var engine = new NotificationEngine(Policy("""
            {"receivers":[{"name":"desk","slack":{"url":"https://x"}},{"name":"ops","email":{}},{"name":"teams","teams":{}}],
             "route":{"receiver":"desk","groupWait":"0s","routes":[
               {"matchers":["severity=critical"],"receiver":"ops","continue":true},
               {"matchers":["instrument=~COMEX:.*"],"receiver":"teams"}]}}
            """));
        engine.Observe(Firing("c", severity: AlertSeverity.Critical), _time.GetUtcNow());
        engine.Observe(Firing("w", instrument: "LME:CA"), _time.GetUtcNow());

        var sent = engine.Flush(_time.GetUtcNow());

        Assert.Equal(["desk:w", "ops:c", "teams:c"], sent.Select(n => $"{n.Receiver}:{n.Alerts[0].Alert.Id}").Order());
    }

    [Fact]
    public void MuteTiming_DropsNotificationsInsideItAndSendsAfter()
    {
        // 2026-03-07 is a Saturday; the group waits into the weekend and is muted until Monday in New York.
        var saturday = new DateTimeOffset(2026, 3, 7, 15, 0, 0, TimeSpan.Zero);
        _time.SetUtcNow(saturday);
        var engine = new NotificationEngine(Policy("""
            {"receivers":[{"name":"desk","slack":{"url":"https://x"}}],
             "route":{"receiver":"desk","groupWait":"30s","groupInterval":"1h","repeatInterval":"1w","routes":[{"matchers":["ruleId=r1"],"muteTimeIntervals":["weekends"]}]},
             "timeIntervals":[{"name":"weekends","weekdays":["saturday","sunday"],"timeZone":"America/New_York"}]}
            """));
        engine.Observe(Firing("a1", at: saturday), _time.GetUtcNow());

        var sentAt = new List<DateTimeOffset>();
        for (int hour = 0; hour < 72; hour++)
        {
            _time.SetUtcNow(engine.NextDueAt!.Value);
            sentAt.AddRange(engine.Flush(_time.GetUtcNow()).Select(n => n.At));
        }

        var first = Assert.Single(sentAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 4, 0, 30, TimeSpan.Zero), first);   // Monday 00:00:30 in New York, on summer time since Sunday
        Assert.Equal(1, engine.Counts.For("desk").RemovedByMuteTimings);
    }

    [Fact]
    public void SavedState_ResumesWithTheSameDecisionsAndIds()
    {
        var policy = Policy(Grouped);
        var straight = new NotificationEngine(policy);
        var resumed = new NotificationEngine(policy);
        var a1 = Acknowledged(Firing("a1"), Start);
        straight.Observe(a1, Start);
        resumed.Observe(a1, Start);
        straight.Flush(Start.AddSeconds(30));
        resumed.Flush(Start.AddSeconds(30));

        var restored = new NotificationEngine(policy, state: NotificationEngineStateJson.Deserialize(NotificationEngineStateJson.Serialize(resumed.State)));
        var later = Start.AddMinutes(3);
        straight.Observe(Firing("a2"), later);
        restored.Observe(Firing("a2"), later);

        var expected = straight.Flush(Start.AddMinutes(5).AddSeconds(30));
        var actual = restored.Flush(Start.AddMinutes(5).AddSeconds(30));
        Assert.Equal(expected.Select(n => (n.Id, n.Reason, n.Alerts.Count)), actual.Select(n => (n.Id, n.Reason, n.Alerts.Count)));
        Assert.Equal("ann", actual[0].Alerts[0].Acknowledgement!.By);
    }

    private void Advance(int seconds) => _time.Advance(TimeSpan.FromSeconds(seconds));

    private static IEnumerable<string> Sent(IReadOnlyList<Notification> sent) =>
        sent.Select(n => $"{string.Join(",", n.Alerts.Select(a => a.Alert.Id))} {n.Reason}").Order(StringComparer.Ordinal);

    /// <summary>Flushes at every due time within <paramref name="span"/> and lists the reasons of what was sent.</summary>
    private List<NotificationReason> FlushEveryGroupInterval(NotificationEngine engine, TimeSpan span)
    {
        var end = _time.GetUtcNow() + span;
        var reasons = new List<NotificationReason>();
        while (engine.NextDueAt is { } due && due <= end)
        {
            _time.SetUtcNow(due);
            reasons.AddRange(engine.Flush(due).Select(n => n.Reason));
        }

        _time.SetUtcNow(end);
        return reasons;
    }
}
