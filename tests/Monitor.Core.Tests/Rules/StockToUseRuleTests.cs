using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

/// <summary>World refined copper use of 27 Mt a year is 73,972.6 t a day: two days are 147,945.2 t.</summary>
public sealed class StockToUseRuleTests
{
    private const double TwoDaysOfUse = 2 * 27_000_000.0 / 365;

    private static RuleDefinition Cover(int pending = 0, string annualUse = "27000000", string unit = "t") =>
        Rule("stockToUse", $$"""{"input":"LME:CA/stocks","annualUse":{{annualUse}},"maxDays":2,"unit":"{{unit}}"}""", pending);

    private static RuleEvent[] Stocks(QuantityUnit unit, params double[] stocks) =>
        new MarketScript()
            .Closes("LME:CA", Enumerable.Repeat(9750.0, stocks.Length).ToArray())
            .Series("LME:CA", "stocks", 0, unit, stocks)
            .Events();

    [Fact]
    public void StocksUnderTwoDaysOfUse_Fire()
    {
        var transitions = Run(Cover(), Stocks(QuantityUnit.Kilotonne, 160, 150, 140));

        Assert.Equal(["firing@2"], Summary(transitions));
        var alert = transitions[0].Alert;
        Assert.Equal("LME:CA stocks 140.0 kt cover 1.9 days of use (27.0 Mt a year), fewer than 2.0", alert.Message);
        Assert.Equal(140_000, alert.Values["level"], 6);
        Assert.Equal(1.8926, alert.Values["daysOfUse"], 4);
    }

    [Fact]
    public void AmpleStocks_DoNotFire()
    {
        Assert.Empty(Run(Cover(), Stocks(QuantityUnit.Kilotonne, 250, 200, 160)));
    }

    [Fact]
    public void StocksOfExactlyMaxDays_AreNotFewer()
    {
        Assert.Empty(Run(Cover(), Stocks(QuantityUnit.Tonne, TwoDaysOfUse, TwoDaysOfUse)));
        Assert.Single(Run(Cover(), Stocks(QuantityUnit.Tonne, TwoDaysOfUse, 147_945)));
    }

    [Fact]
    public void AnnualUseInKilotonnes_MeansTheSame()
    {
        Assert.Equal(
            Summary(Run(Cover(), Stocks(QuantityUnit.Kilotonne, 160, 150, 140))),
            Summary(Run(Cover(annualUse: "27000", unit: "kt"), Stocks(QuantityUnit.Kilotonne, 160, 150, 140))));
    }

    [Fact]
    public void StocksRebuild_Resolves()
    {
        Assert.Equal(["firing@1", "resolved@3"], Summary(Run(Cover(), Stocks(QuantityUnit.Kilotonne, 150, 140, 145, 150))));
    }

    [Fact]
    public void StocksAroundTheLine_WithPendingBars_NeverFire()
    {
        var transitions = Run(Cover(pending: 1), Stocks(QuantityUnit.Kilotonne, 140, 150, 140, 150));

        Assert.Equal(["pending@0", "resolved@1", "pending@2", "resolved@3"], Summary(transitions));
    }

    [Fact]
    public void NoStocksPublished_ReportsMissingInput()
    {
        var events = new MarketScript().Closes("LME:CA", 9750, 9760).Events();

        Assert.Equal(RuleOutcome.MissingInput, StatusAfter(Cover(), events).Outcome);
    }

    [Fact]
    public void StocksNotPublishedForAWeek_AreStale()
    {
        var events = new MarketScript()
            .Closes("LME:CA", Enumerable.Repeat(9750.0, 10).ToArray())
            .Series("LME:CA", "stocks", 0, QuantityUnit.Kilotonne, 150, 140)
            .Events();

        var transitions = Run(Cover(), events, out var set);

        Assert.Equal(["firing@1"], Summary(transitions));
        Assert.Equal(RuleOutcome.StaleInput, set.Rules[0].Status.Outcome);
        Assert.Contains("LME:CA/stocks is stale", set.Rules[0].Status.Describe(), StringComparison.Ordinal);
    }
}
