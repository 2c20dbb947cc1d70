using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class IndicatorCrossRuleTests
{
    private static RuleDefinition Cross(string direction = "both", int keep = 0, string slow = "COMEX:SI@sma(3)") =>
        Rule("indicatorCross", $$"""{"fast":"COMEX:SI","slow":"{{slow}}","direction":"{{direction}}"}""", keepFiringBars: keep);

    private static RuleEvent[] Closes(params double[] closes) => new MarketScript().Closes("COMEX:SI", closes).Events();

    [Fact]
    public void PriceCrossesAboveItsAverage_FiresUp()
    {
        var transitions = Run(Cross(), Closes(10, 10, 10, 9, 12));

        var alert = Assert.Single(transitions).Alert;
        Assert.Equal("firing@4", Summary(transitions)[0]);
        Assert.Equal("up", alert.Direction);
        Assert.Equal("COMEX:SI crossed above COMEX:SI@sma(3) (12.00 vs 10.33)", alert.Message);
        Assert.Equal(12, alert.Values["fast"]);
    }

    [Fact]
    public void CrossInTheOtherDirection_DoesNotFire()
    {
        Assert.Empty(Run(Cross("down"), Closes(10, 10, 10, 9, 12)));
        Assert.Empty(Run(Cross("up"), Closes(10, 10, 10, 11, 8)));
        Assert.Equal(["firing@4"], Summary(Run(Cross("down"), Closes(10, 10, 10, 11, 8))));
    }

    [Fact]
    public void TouchingTheAverage_IsNoCross_PassingThroughEqualityIs()
    {
        // Bar 4 closes at 9.5, exactly its SMA(3) (10 + 9 + 9.5) / 3.
        Assert.Empty(Run(Cross(), Closes(10, 10, 10, 9, 9.5, 9)));
        Assert.Equal(["firing@5"], Summary(Run(Cross(), Closes(10, 10, 10, 9, 9.5, 10))));
    }

    [Fact]
    public void BarAfterTheCross_Resolves()
    {
        Assert.Equal(["firing@4", "resolved@5"], Summary(Run(Cross(), Closes(10, 10, 10, 9, 12, 13))));
    }

    [Fact]
    public void FlappingBothWays_EndsEachEpisodeAtTheNextCross()
    {
        var transitions = Run(Cross(), Closes(10, 10, 10, 9, 12, 8, 13, 7));

        Assert.Equal(["firing@4", "resolved@5", "firing@5", "resolved@6", "firing@6", "resolved@7", "firing@7"], Summary(transitions));
        Assert.Equal(["up", "up", "down", "down", "up", "up", "down"], transitions.Select(t => t.Alert.Direction));
    }

    [Fact]
    public void FlappingWithKeepFiringBars_KeepsOneEpisode()
    {
        Assert.Equal(["firing@4"], Summary(Run(Cross("up", keep: 2), Closes(10, 10, 10, 9, 12, 8, 13, 7))));
    }

    [Fact]
    public void UnconvergedIndicator_NeverFires()
    {
        // EMA(3) converges after 103 bars; the price crosses it every bar before that.
        double[] zigzag = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? 10.0 : 12.0).ToArray();
        var rule = Cross(slow: "COMEX:SI@ema(3)");

        Assert.Empty(Run(rule, Closes(zigzag)));
        Assert.Equal(RuleOutcome.InputNotReady, StatusAfter(rule, Closes(zigzag)).Outcome);
        Assert.Equal("COMEX:SI@ema(3) is inside its convergence window", StatusAfter(rule, Closes(zigzag)).Describe());
        Assert.NotEmpty(Run(rule, Closes([.. zigzag, .. zigzag])));
    }

    [Fact]
    public void OtherInstrumentWithNoBars_ReportsMissingInput()
    {
        var status = StatusAfter(Cross(slow: "COMEX:GC"), Closes(10, 11, 12));

        Assert.Equal(RuleOutcome.MissingInput, status.Outcome);
        Assert.Equal("COMEX:GC", status.Input.ToString());
    }

    [Fact]
    public void StaleOtherInstrument_DoesNotFire()
    {
        var rule = Cross(slow: "COMEX:GC");
        var fresh = new MarketScript().Closes("COMEX:SI", 10, 10, 10, 10, 12).Closes("COMEX:GC", 11, 11, 11, 11, 11).Events();
        var stale = new MarketScript()
            .Closes("COMEX:SI", 10, 10, 10, 10, 10, 10, 10, 10, 10, 12)
            .Closes("COMEX:GC", 11, 11, 11, 11)
            .Events();

        Assert.Equal(["firing@4"], Summary(Run(rule, fresh)));
        Assert.Empty(Run(rule, stale));
        var status = StatusAfter(rule, stale);
        Assert.Equal(RuleOutcome.StaleInput, status.Outcome);
        Assert.Equal("COMEX:GC", status.Input.ToString());
        Assert.Equal(TimeSpan.FromDays(6), status.Age);
    }
}
