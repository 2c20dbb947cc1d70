using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class ThresholdRuleTests
{
    private static RuleDefinition Above(double value, int pending = 0, int keep = 0) =>
        Rule("threshold", $$"""{"input":"COMEX:SI","op":"above","value":{{value}}}""", pending, keep);

    private static RuleEvent[] Closes(params double[] closes) => new MarketScript().Closes("COMEX:SI", closes).Events();

    [Fact]
    public void PriceAboveValue_Fires()
    {
        var transitions = Run(Above(100), Closes(90, 95, 101));

        Assert.Equal(["firing@2"], Summary(transitions));
        var alert = transitions[0].Alert;
        Assert.Equal("COMEX:SI 101.00 above 100.00", alert.Message);
        Assert.Equal(101, alert.Values["value"]);
        Assert.Equal(Day(3), alert.StartedAt);
        Assert.Equal(Day(3), alert.FiredAt);
    }

    [Fact]
    public void PriceStaysBelow_DoesNotFire()
    {
        Assert.Empty(Run(Above(100), Closes(90, 95, 99.99, 99)));
    }

    [Fact]
    public void ValueExactlyAtThreshold_IsNotAbove()
    {
        Assert.Empty(Run(Above(100), Closes(99, 100, 100)));
        Assert.Equal(["firing@1"], Summary(Run(Above(100), Closes(100, 100.001))));
    }

    [Fact]
    public void ValueExactlyAtThreshold_IsNotBelow()
    {
        var below = Rule("threshold", """{"input":"COMEX:SI","op":"below","value":100}""");

        Assert.Empty(Run(below, Closes(101, 100, 100)));
        Assert.Equal(["firing@1"], Summary(Run(below, Closes(100, 99.999))));
    }

    [Fact]
    public void ValueBackBelow_Resolves()
    {
        var transitions = Run(Above(100), Closes(101, 102, 99, 98));

        Assert.Equal(["firing@0", "resolved@2"], Summary(transitions));
        Assert.Equal(Day(1), transitions[1].Alert.FiredAt);
        Assert.Equal(Day(3), transitions[1].Alert.ResolvedAt);
        Assert.Equal(transitions[0].Alert.Id, transitions[1].Alert.Id);
        Assert.Equal("COMEX:SI 101.00 above 100.00", transitions[1].Alert.Message);
    }

    [Fact]
    public void FlappingWithPendingBars_NeverFires()
    {
        var transitions = Run(Above(100, pending: 1), Closes(101, 99, 101, 99, 101, 99));

        Assert.Equal(["pending@0", "resolved@1", "pending@2", "resolved@3", "pending@4", "resolved@5"], Summary(transitions));
        Assert.All(transitions, t => Assert.Null(t.Alert.FiredAt));
    }

    [Fact]
    public void FlappingWithKeepFiringBars_StaysOneEpisode()
    {
        var transitions = Run(Above(100, keep: 1), Closes(101, 99, 101, 99, 101, 99, 99, 101));

        Assert.Equal(["firing@0", "resolved@6", "firing@7"], Summary(transitions));
        Assert.Equal(transitions[0].Alert.Id, transitions[1].Alert.Id);
        Assert.NotEqual(transitions[0].Alert.Id, transitions[2].Alert.Id);
    }

    [Fact]
    public void CrossesAbove_FiresOnlyAtTheCross()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"crossesAbove","value":100}""", keepFiringBars: 1);

        Assert.Equal(["firing@2", "resolved@4"], Summary(Run(rule, Closes(98, 99, 101, 102, 103))));
        Assert.Empty(Run(rule, Closes(101, 102, 103)));
        Assert.Empty(Run(rule, Closes(99, 100, 99, 100)));
        Assert.Equal(["firing@2"], Summary(Run(rule, Closes(99, 100, 100.5))));
        Assert.Equal("COMEX:SI crossed above 100.00 at 101.00", Run(rule, Closes(99, 101))[0].Alert.Message);
    }

    [Fact]
    public void CrossesBelow_MirrorsCrossesAbove()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"crossesBelow","value":100}""");

        Assert.Equal(["firing@1", "resolved@2", "firing@4"], Summary(Run(rule, Closes(101, 99, 98, 101, 99.5))));
    }

    [Fact]
    public void SeriesInputWithNoValue_ReportsMissingInput()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI/registered","op":"below","value":400000000}""");

        var status = StatusAfter(rule, Closes(30, 31, 32));

        Assert.Equal(RuleOutcome.MissingInput, status.Outcome);
        Assert.Equal("COMEX:SI/registered", status.Input.ToString());
        Assert.Contains("no value yet for COMEX:SI/registered", status.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void StaleSeries_NeitherFiresNorResolvesUntilFresh()
    {
        var rule = Rule(
            "threshold",
            """{"input":"COMEX:SI/registered","op":"below","value":400,"maxInventoryAge":"P2DT2H"}""",
            pendingBars: 3);
        var events = new MarketScript()
            .Closes("COMEX:SI", Enumerable.Repeat(30.0, 10).ToArray())
            .Series("COMEX:SI", "registered", 0, QuantityUnit.TroyOunce, 350)
            .Series("COMEX:SI", "registered", 8, QuantityUnit.TroyOunce, 360)
            .Events();

        var transitions = Run(rule, events, out var set);

        // Pending at bar 0; bars 1 and 2 count (value 1 and 2 days old); bars 3-7 are stale and count for nothing;
        // the fresh value of day 8 is the third count.
        Assert.Equal(["pending@0", "firing@8"], Summary(transitions));
        Assert.Equal(RuleOutcome.ConditionTrue, set.Rules[0].Status.Outcome);
    }

    [Fact]
    public void StaleSeries_ReportsWhichInputAndHowOld()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI/registered","op":"below","value":400}""");
        var events = new MarketScript()
            .Closes("COMEX:SI", Enumerable.Repeat(30.0, 10).ToArray())
            .Series("COMEX:SI", "registered", 0, QuantityUnit.TroyOunce, 500)
            .Events();

        var status = StatusAfter(rule, events);

        Assert.Equal(RuleOutcome.StaleInput, status.Outcome);
        Assert.Equal("COMEX:SI/registered", status.Input.ToString());
        Assert.Equal(TimeSpan.FromDays(9) + TimeSpan.FromHours(1), status.Age);
        Assert.Equal(TimeSpan.FromDays(5), status.MaxAge);
    }

    [Fact]
    public void IndicatorInput_WaitsForConvergence()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI@rsi(14)","op":"above","value":70}""");
        var rising = Enumerable.Range(0, 200).Select(i => 100.0 + i).ToArray();

        var transitions = Run(rule, Closes(rising));

        // RSI(14) of a steady rise is 100 from bar 14 on, but converges only after 140 bars.
        Assert.Equal(["firing@139"], Summary(transitions));
        Assert.Equal(RuleOutcome.InputNotReady, StatusAfter(rule, Closes(rising[..100])).Outcome);
    }
}
