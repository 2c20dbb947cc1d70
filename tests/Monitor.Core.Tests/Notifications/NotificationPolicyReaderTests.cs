using Monitor.Core.Notifications;

namespace Monitor.Core.Tests.Notifications;

public sealed class NotificationPolicyReaderTests
{
    private const string ContractExample = """
        {"receivers":[
           {"name":"desk-slack","slack":{"url":"https://hooks.slack.com/services/x"}},
           {"name":"desk-teams","teams":{"url":"https://example.com/teams"}},
           {"name":"risk-hook","sendResolved":false,"webhook":{"id":"wh1"}}],
         "route":{"receiver":"desk-slack","groupBy":["ruleId"],"groupWait":"30s","groupInterval":"5m","repeatInterval":"4h",
           "routes":[{"matchers":["severity=critical"],"receiver":"risk-hook","continue":true},
                     {"matchers":["desk=~precious|base"],"receiver":"desk-teams","muteTimeIntervals":["weekends"]}]},
         "inhibitRules":[{"sourceMatchers":["severity=critical"],"targetMatchers":["severity=warning"],"equal":["instrument"]}],
         "timeIntervals":[{"name":"weekends","weekdays":["saturday","sunday"],"timeZone":"America/New_York"},
                          {"name":"comex-closed","calendar":"cme-metals","when":"closed"}],
         "templates":{"desk-slack":"{{ alert.ruleName }}: {{ alert.message }}"}}
        """;

    [Fact]
    public void ContractExample_ReadsEveryPart()
    {
        var result = NotificationPolicyReader.Read(ContractExample);

        Assert.Empty(result.Problems);
        var policy = result.Policy!;
        Assert.Equal(["desk-slack", "desk-teams", "risk-hook"], policy.Receivers.Select(r => r.Name));
        Assert.Equal("slack", policy.Receivers[0].Kind);
        Assert.False(policy.Receivers[2].SendResolved);
        Assert.Equal(TimeSpan.FromHours(4), policy.Route.RepeatInterval);
        Assert.True(policy.Route.Routes[0].Continue);
        Assert.Equal("desk=~precious|base", policy.Route.Routes[1].Matchers[0].ToString());
        Assert.Equal(["instrument"], policy.InhibitRules[0].Equal);
        Assert.Equal([DayOfWeek.Saturday, DayOfWeek.Sunday], policy.TimeIntervals[0].Windows[0].Weekdays);
        Assert.Equal("cme-metals", policy.TimeIntervals[1].Session!.Name);
    }

    [Fact]
    public void BadPolicy_ReportsEveryProblemByPath()
    {
        const string Json = """
            {"receivers":[{"name":"a","slack":{}},{"name":"a","email":{}}],
             "route":{"receiver":"nobody","groupWait":"soon","routes":[
               {"matchers":["severity=critical","bad matcher"],"receiver":"ghost","muteTimeIntervals":["never-defined"]},
               {"matchers":["desk=~(unclosed"],"colour":"red"}]},
             "inhibitRules":[{"sourceMatchers":[],"targetMatchers":["severity=warning"]}],
             "timeIntervals":[{"name":"lunch","times":[{"start":"12:00","end":"13:00"},{"start":"12:30","end":"14:00"}],"timeZone":"Mars/Olympus_Mons"},
                              {"name":"night","times":[{"start":"22:00","end":"06:00"}]},
                              {"name":"x","calendar":"shfe","when":"sometimes"}],
             "templates":{"nobody":"{{ alert.message }}"}}
            """;

        var result = NotificationPolicyReader.Read(Json);

        Assert.Null(result.Policy);
        var paths = result.Problems.Select(p => p.Path).ToList();
        Assert.Contains("receivers", paths);
        Assert.Contains("route.receiver", paths);
        Assert.Contains("route.groupWait", paths);
        Assert.Contains("route.routes[0].matchers[1]", paths);
        Assert.Contains("route.routes[0].receiver", paths);
        Assert.Contains("route.routes[0].muteTimeIntervals[0]", paths);
        Assert.Contains("route.routes[1].matchers[0]", paths);
        Assert.Contains("route.routes[1].colour", paths);
        Assert.Contains("inhibitRules[0].sourceMatchers", paths);
        Assert.Contains("timeIntervals[0].timeZone", paths);
        Assert.Contains("timeIntervals[1].times[0]", paths);
        Assert.Contains("timeIntervals[2].calendar", paths);
        Assert.Contains("timeIntervals[2].when", paths);
        Assert.Contains("templates.nobody", paths);
        Assert.Contains(result.Problems, p => p.Path == "timeIntervals[0].timeZone" && p.Message.Contains("Mars/Olympus_Mons", StringComparison.Ordinal));
    }

    [Fact]
    public void OverlappingTimes_AreAnError()
    {
        var result = NotificationPolicyReader.Read("""
            {"receivers":[{"name":"a"}],"route":{"receiver":"a"},
             "timeIntervals":[{"name":"lunch","times":[{"start":"12:00","end":"13:00"},{"start":"12:30","end":"14:00"}]}]}
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("timeIntervals[0].times[1]", problem.Path);
        Assert.Contains("overlaps times[0]", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MatcherOnLabelNoRuleHas_IsAWarningAndThePolicyStands()
    {
        var known = new HashSet<string>(["ruleId", "type", "severity", "instrument", "desk"]);

        var result = NotificationPolicyReader.Read("""
            {"receivers":[{"name":"a","webhook":{"id":"w"}}],
             "route":{"receiver":"a","groupBy":["team"],"routes":[{"matchers":["desk=precious"]},{"matchers":["team=metals"]}]}}
            """, known);

        Assert.NotNull(result.Policy);
        Assert.Equal(["route.groupBy[0]", "route.routes[1].matchers[0]"], result.Problems.Select(p => p.Path));
        Assert.All(result.Problems, p => Assert.Equal(PolicyProblemSeverity.Warning, p.Severity));
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("PT4H", 14400)]
    [InlineData("1d", 86400)]
    public void Durations_ReadAsTheApiWritesThem(string text, int seconds)
    {
        Assert.True(PolicyDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }
}
