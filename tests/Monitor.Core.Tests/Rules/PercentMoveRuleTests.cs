using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class PercentMoveRuleTests
{
    private static readonly double[] Flat = [100, 100, 100, 100, 100];

    private static RuleDefinition Move(string window = "P5D", double minPct = 10, int pending = 0, int keep = 0) =>
        Rule("percentMove", $$"""{"input":"COMEX:SI","window":"{{window}}","minPct":{{minPct}}}""", pending, keep);

    private static RuleEvent[] Closes(params double[] closes) => new MarketScript().Closes("COMEX:SI", closes).Events();

    [Fact]
    public void RiseOverWindow_Fires()
    {
        var transitions = Run(Move(), Closes([.. Flat, 111]));

        Assert.Equal(["firing@5"], Summary(transitions));
        var alert = transitions[0].Alert;
        Assert.Equal("up", alert.Direction);
        Assert.Equal("COMEX:SI +11.0% over 5d (100.00 to 111.00)", alert.Message);
        Assert.Equal(11, alert.Values["changePct"], 12);
    }

    [Fact]
    public void SmallMoves_DoNotFire()
    {
        Assert.Empty(Run(Move(), Closes([.. Flat, 105, 95, 104, 97])));
    }

    [Fact]
    public void MoveOfExactlyMinPct_Fires()
    {
        Assert.Equal(["firing@5"], Summary(Run(Move(), Closes([.. Flat, 110]))));
        Assert.Empty(Run(Move(), Closes([.. Flat, 109.99])));
        var down = Run(Move(), Closes([.. Flat, 90]));
        Assert.Equal(["firing@5"], Summary(down));
        Assert.Equal("down", down[0].Alert.Direction);
        Assert.Empty(Run(Move(), Closes([.. Flat, 90.01])));
    }

    [Fact]
    public void WindowNotFilled_ReportsNotReady()
    {
        var status = StatusAfter(Move(), Closes(100, 100, 100, 100, 150));

        Assert.Equal(RuleOutcome.NotReady, status.Outcome);
        Assert.Equal("the window is not filled yet", status.Describe());
    }

    [Fact]
    public void MoveLeavesTheWindow_Resolves()
    {
        Assert.Equal(["firing@5", "resolved@10"], Summary(Run(Move(), Closes([.. Flat, 110, 110, 110, 110, 110, 110]))));
    }

    [Fact]
    public void FlappingWithPendingBars_EndsEachEpisodeUnfired()
    {
        var transitions = Run(Move(pending: 1), Closes([.. Flat, 110, 100, 110, 100]));

        Assert.Equal(["pending@5", "resolved@6", "pending@7", "resolved@8"], Summary(transitions));
    }

    [Fact]
    public void FlappingWithKeepFiringBars_KeepsFiring()
    {
        var transitions = Run(Move(keep: 1), Closes([.. Flat, 110, 100, 110, 100, 110, 100, 100]));

        Assert.Equal(["firing@5", "resolved@11"], Summary(transitions));
    }

    [Fact]
    public void DurationWindow_CountsCalendarTime_BarWindowCountsBars()
    {
        // Monday to Friday, a weekend without bars, then Monday at 112.2: five calendar days back is Wednesday
        // (102, +10%), five bars back is the first Monday (100, +12.2%).
        double[] closes = [100, 101, 102, 103, 104, double.NaN, double.NaN, 112.2];

        Assert.Empty(Run(Move("P5D", minPct: 11), Closes(closes)));
        Assert.Equal(["firing@7"], Summary(Run(Move("5", minPct: 11), Closes(closes))));
        Assert.Equal(["firing@7"], Summary(Run(Move("P7D", minPct: 11), Closes(closes))));
    }

    [Fact]
    public void SeriesInputWithNoValue_ReportsMissingInput()
    {
        var rule = Rule("percentMove", """{"input":"COMEX:SI/registered","window":"P5D","minPct":10}""");

        Assert.Equal(RuleOutcome.MissingInput, StatusAfter(rule, Closes([.. Flat, 100])).Outcome);
    }

    [Fact]
    public void StaleSeries_DoesNotFireOnOldData()
    {
        // +20% over the window, but the latest value is nine days old by the time the window reaches back to day 0.
        var rule = Rule("percentMove", """{"input":"COMEX:SI/registered","window":"P10D","minPct":10}""");
        var events = new MarketScript()
            .Closes("COMEX:SI", Enumerable.Repeat(30.0, 12).ToArray())
            .Series("COMEX:SI", "registered", 0, QuantityUnit.TroyOunce, 100_000_000, 120_000_000)
            .Events();

        var transitions = Run(rule, events, out var set);

        Assert.Empty(transitions);
        Assert.Equal(RuleOutcome.StaleInput, set.Rules[0].Status.Outcome);
    }

    [Fact]
    public void SeriesMove_StatesQuantitiesInTheirUnit()
    {
        var rule = Rule("percentMove", """{"input":"ETF:SLV/holdings","window":"P3D","minPct":5}""");
        var events = new MarketScript()
            .Closes("ETF:SLV", 28, 28, 28, 28, 28)
            .Series("ETF:SLV", "holdings", 0, QuantityUnit.MegaTroyOunce, 500, 500, 500, 470)
            .Events();

        var alert = Assert.Single(Run(rule, events)).Alert;

        Assert.Equal("ETF:SLV holdings -6.0% over 3d (500.0 Moz to 470.0 Moz)", alert.Message);
    }
}
