using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class SpreadRuleTests
{
    private static RuleDefinition Spread(string op = "backwardation", double? value = null, int pending = 0) =>
        Rule(
            "spread",
            value is { } v
                ? $$"""{"near":"LME:CA.CASH","far":"LME:CA","op":"{{op}}","value":{{v}}}"""
                : $$"""{"near":"LME:CA.CASH","far":"LME:CA","op":"{{op}}"}""",
            pending);

    private static RuleEvent[] Market(double[] cash, double[] threeMonth) =>
        new MarketScript().Closes("LME:CA.CASH", cash).Closes("LME:CA", threeMonth).Events();

    private static double[] Flat(double value, int bars) => Enumerable.Repeat(value, bars).ToArray();

    [Fact]
    public void CashOverThreeMonth_FiresBackwardation()
    {
        var transitions = Run(Spread(), Market([9700, 9700, 9800], Flat(9750, 3)));

        Assert.Equal(["firing@2"], Summary(transitions));
        Assert.Equal("LME:CA.CASH 9,800.00 vs LME:CA 9,750.00: spread +50.00, backwardation", transitions[0].Alert.Message);
        Assert.Equal(50, transitions[0].Alert.Values["spread"]);
        Assert.Equal(["LME:CA.CASH", "LME:CA"], transitions[0].Alert.Instruments);
    }

    [Fact]
    public void Contango_DoesNotFireBackwardation_ButFiresContango()
    {
        var market = Market([9700, 9710, 9720], Flat(9750, 3));

        Assert.Empty(Run(Spread(), market));
        Assert.Equal(["firing@0"], Summary(Run(Spread("contango"), market)));
    }

    [Fact]
    public void EqualPrices_AreNeitherBackwardationNorContango()
    {
        Assert.Empty(Run(Spread(), Market(Flat(9750, 3), Flat(9750, 3))));
        Assert.Empty(Run(Spread("contango"), Market(Flat(9750, 3), Flat(9750, 3))));
        Assert.Single(Run(Spread(), Market([9750, 9750.01], Flat(9750, 2))));
    }

    [Fact]
    public void SpreadOfExactlyTheValue_IsNotAbove()
    {
        Assert.Empty(Run(Spread("above", 100), Market([9850, 9850], Flat(9750, 2))));
        Assert.Single(Run(Spread("above", 100), Market([9850, 9850.5], Flat(9750, 2))));
        Assert.Empty(Run(Spread("below", -50), Market([9700, 9700], Flat(9750, 2))));
        Assert.Single(Run(Spread("below", -50), Market([9700, 9699.5], Flat(9750, 2))));
    }

    [Fact]
    public void BackToContango_Resolves()
    {
        Assert.Equal(["firing@1", "resolved@3"], Summary(Run(Spread(), Market([9700, 9800, 9760, 9740], Flat(9750, 4)))));
    }

    [Fact]
    public void FlappingSpread_WithPendingBars_NeverFires()
    {
        var transitions = Run(Spread(pending: 1), Market([9760, 9740, 9760, 9740], Flat(9750, 4)));

        Assert.Equal(["pending@0", "resolved@1", "pending@2", "resolved@3"], Summary(transitions));
    }

    [Fact]
    public void MissingFarLeg_ReportsMissingInput_MissingNearLegWaitsForItsBars()
    {
        var status = StatusAfter(Spread(), new MarketScript().Closes("LME:CA.CASH", 9800, 9800).Events());
        Assert.Equal(RuleOutcome.MissingInput, status.Outcome);
        Assert.Equal("LME:CA", status.Input.ToString());

        var waiting = StatusAfter(Spread(), new MarketScript().Closes("LME:CA", 9800, 9800).Events());
        Assert.Equal(RuleOutcome.None, waiting.Outcome);
        Assert.Equal("not evaluated yet: waiting for a close of a 1d bar of LME:CA.CASH", waiting.Describe());
    }

    [Fact]
    public void FarLegStoppedTrading_IsStale()
    {
        var events = Market([9700, 9700, 9700, 9700, 9700, 9700, 9800], [9750, 9750]);

        Assert.Empty(Run(Spread(), events));
        Assert.Equal(RuleOutcome.StaleInput, StatusAfter(Spread(), events).Outcome);
    }

    [Fact]
    public void FarLegExactlyAtTheAgeLimit_IsStillFresh()
    {
        // The far leg's last close is at Day(2): 4 days old at bar 5's close (the default limit for daily bars), 5 at bar 6's.
        var events = Market([9700, 9700, 9700, 9700, 9700, 9800, 9800], [9750, 9750]);

        var transitions = Run(Spread(), events, out var set);

        Assert.Equal(["firing@5"], Summary(transitions));
        Assert.Equal(RuleOutcome.StaleInput, set.Rules[0].Status.Outcome);
        Assert.Equal(TimeSpan.FromDays(5), set.Rules[0].Status.Age);
        Assert.NotNull(set.Rules[0].OpenAlert);
    }
}
