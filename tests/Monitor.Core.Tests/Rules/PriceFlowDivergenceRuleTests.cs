using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class PriceFlowDivergenceRuleTests
{
    private static RuleDefinition Divergence(string direction = "both", int pending = 0, string window = "P5D", double minPrice = 10, double minFlow = 2) =>
        Rule(
            "priceFlowDivergence",
            $$"""{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"{{window}}","minPriceChangePct":{{minPrice}},"minFlowChangePct":{{minFlow}},"direction":"{{direction}}"}""",
            pendingBars: pending);

    private static RuleEvent[] Market(double[] prices, double[] holdingsMoz) =>
        new MarketScript()
            .Closes("COMEX:SI", prices)
            .Series("ETF:SLV", "holdings", 0, QuantityUnit.MegaTroyOunce, holdingsMoz)
            .Events();

    [Fact]
    public void PriceUpWhileHoldingsDrain_FiresBearish()
    {
        var transitions = Run(Divergence(), Market([100, 100, 100, 100, 100, 111], [500, 500, 500, 500, 500, 489]));

        Assert.Equal(["firing@5"], Summary(transitions));
        var alert = transitions[0].Alert;
        Assert.Equal("bearish", alert.Direction);
        Assert.Equal(["COMEX:SI", "ETF:SLV"], alert.Instruments);
        Assert.Equal("COMEX:SI +11.0% over 5d while ETF:SLV holdings -2.2% (-11.0 Moz)", alert.Message);
        Assert.Equal(11, alert.Values["priceChangePct"], 9);
        Assert.Equal(-2.2, alert.Values["flowChangePct"], 9);
        Assert.Equal(-11_000_000, alert.Values["flowChange"], 3);
    }

    [Fact]
    public void ContractExample_StatesItsNumbers()
    {
        var prices = Enumerable.Repeat(100.0, 15).Append(121.4).ToArray();
        var holdings = Enumerable.Repeat(515.8, 15).Append(506.0).ToArray();
        var rule = Divergence(window: "P15D", minPrice: 20, minFlow: 1.5);

        var alert = Assert.Single(Run(rule, Market(prices, holdings))).Alert;

        Assert.Equal("COMEX:SI +21.4% over 15d while ETF:SLV holdings -1.9% (-9.8 Moz)", alert.Message);
    }

    [Fact]
    public void PriceDownWhileHoldingsGrow_FiresBullishUnlessOnlyBearishIsWatched()
    {
        var market = Market([100, 100, 100, 100, 100, 89], [500, 500, 500, 500, 500, 511]);

        Assert.Equal("bullish", Assert.Single(Run(Divergence(), market)).Alert.Direction);
        Assert.Empty(Run(Divergence("bearish"), market));
        Assert.Single(Run(Divergence("bullish"), market));
    }

    [Fact]
    public void PriceAndFlowTogether_DoNotFire()
    {
        Assert.Empty(Run(Divergence(), Market([100, 100, 100, 100, 100, 115], [500, 500, 500, 500, 500, 520])));
        Assert.Empty(Run(Divergence(), Market([100, 100, 100, 100, 100, 115], [500, 500, 500, 500, 500, 495])));
    }

    [Fact]
    public void ChangesOfExactlyTheBounds_Fire()
    {
        Assert.Single(Run(Divergence(), Market([100, 100, 100, 100, 100, 110], [500, 500, 500, 500, 500, 490])));
        Assert.Empty(Run(Divergence(), Market([100, 100, 100, 100, 100, 109.99], [500, 500, 500, 500, 500, 490])));
        Assert.Empty(Run(Divergence(), Market([100, 100, 100, 100, 100, 110], [500, 500, 500, 500, 500, 490.05])));
    }

    [Fact]
    public void PriceFallsBack_Resolves()
    {
        var transitions = Run(Divergence(), Market([100, 100, 100, 100, 100, 111, 112, 101], [500, 500, 500, 500, 500, 489, 489, 489]));

        Assert.Equal(["firing@5", "resolved@7"], Summary(transitions));
    }

    [Fact]
    public void FlappingPrice_WithPendingBars_NeverFires()
    {
        var transitions = Run(
            Divergence(pending: 1),
            Market([100, 100, 100, 100, 100, 111, 100, 111, 100], [500, 500, 500, 500, 500, 489, 489, 489, 489]));

        Assert.Equal(["pending@5", "resolved@6", "pending@7", "resolved@8"], Summary(transitions));
    }

    [Fact]
    public void NoHoldings_ReportsMissingInput()
    {
        var status = StatusAfter(Divergence(), new MarketScript().Closes("COMEX:SI", 100, 100, 100, 100, 100, 111).Events());

        Assert.Equal(RuleOutcome.MissingInput, status.Outcome);
        Assert.Equal("ETF:SLV/holdings", status.Input.ToString());
    }

    [Fact]
    public void HoldingsNotPublishedForAWeek_StaleAndSilent()
    {
        var events = new MarketScript()
            .Closes("COMEX:SI", 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 115)
            .Series("ETF:SLV", "holdings", 0, QuantityUnit.MegaTroyOunce, 500, 500, 480)
            .Events();

        var transitions = Run(Divergence(), events, out var set);

        Assert.Empty(transitions);
        Assert.Equal(RuleOutcome.StaleInput, set.Rules[0].Status.Outcome);
        Assert.Equal("ETF:SLV/holdings", set.Rules[0].Status.Input.ToString());
    }

    [Fact]
    public void HoldingsPublishedAfterTheClose_CountFromTheNextClose()
    {
        var events = new MarketScript()
            .Closes("COMEX:SI", 100, 100, 100, 100, 100, 111, 111)
            .Series("ETF:SLV", "holdings", 0, QuantityUnit.MegaTroyOunce, 500, 500, 500, 500, 500)
            .Inventory("ETF:SLV", "holdings", 5, Day(6).AddHours(1), 489, QuantityUnit.MegaTroyOunce)
            .Events();

        Assert.Equal(["firing@6"], Summary(Run(Divergence(), events)));
    }
}
