using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class DefaultRulesTests
{
    [Fact]
    public void Catalog_ParsesAndEveryRuleIsValid()
    {
        var rules = DefaultRules.All;

        Assert.Equal(15, rules.Count);
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
        Assert.All(rules, r => Assert.Empty(r.Validate()));
        Assert.All(rules, r => Assert.NotNull(new RuleEvaluator(r)));
    }

    [Fact]
    public void Catalog_HasWhatACommodityDeskWatches()
    {
        var byId = DefaultRules.All.ToDictionary(r => r.Id);

        Assert.Equal(RuleType.PriceFlowDivergence, byId["silver-etf-divergence"].Type);
        Assert.Equal(RuleType.InventoryDrawdown, byId["comex-silver-registered-drawdown"].Type);
        Assert.Equal("COMEX:SI/vault", ((CrossVenueFlowParameters)byId["silver-comex-to-london"].Parameters).To.ToString());
        var copper = (StockToUseParameters)byId["lme-copper-stock-to-use"].Parameters;
        Assert.Equal(27_000_000, copper.AnnualUse);
        Assert.Equal(QuantityUnit.Tonne, copper.Unit);
        Assert.Equal("LME:CA.CASH", ((SpreadParameters)byId["lme-copper-backwardation"].Parameters).Near.ToString());
        Assert.Equal(RuleType.RatioZScore, byId["gold-silver-ratio-z"].Type);
        foreach (string code in new[] { "comex-si", "comex-gc", "lme-ca" })
        {
            Assert.Equal(ThresholdOp.Above, ((ThresholdParameters)byId[$"{code}-rsi-overbought"].Parameters).Op);
            Assert.Equal(ThresholdOp.Below, ((ThresholdParameters)byId[$"{code}-rsi-oversold"].Parameters).Op);
            Assert.Equal(RuleType.IndicatorCross, byId[$"{code}-macd-cross"].Type);
        }
    }

    [Fact]
    public void Catalog_ReadsBuiltInInstrumentsOnly()
    {
        var catalog = InstrumentCatalog.BuiltIn();

        var unknown = DefaultRules.All.SelectMany(r => r.Instruments()).Distinct()
            .Where(i => !catalog.TryGet(InstrumentId.Parse(i), out _));

        Assert.Empty(unknown);
    }

    [Fact]
    public void Catalog_RunsOverAGeneratedMarket()
    {
        var random = new Random(21);
        const int Days = 900;
        var script = new MarketScript()
            .Closes("COMEX:SI", Scenarios.Walk(random, Days, 30, 0.025))
            .Closes("COMEX:GC", Scenarios.Walk(random, Days, 2400, 0.012))
            .Closes("LME:CA", Scenarios.Walk(random, Days, 9700, 0.015))
            .Closes("ETF:SLV", Scenarios.Walk(random, Days, 27, 0.025))
            .Series("ETF:SLV", "holdings", 0, QuantityUnit.MegaTroyOunce, Scenarios.Walk(random, Days, 500, 0.006))
            .Series("COMEX:SI", "registered", 0, QuantityUnit.MegaTroyOunce, Scenarios.Walk(random, Days, 400, 0.01))
            .Series("COMEX:SI", "vault", 0, QuantityUnit.MegaTroyOunce, Scenarios.Walk(random, Days, 800, 0.01))
            .Series("LME:CA", "stocks", 0, QuantityUnit.Kilotonne, Scenarios.Walk(random, Days, 150, 0.03));
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        foreach (var rule in DefaultRules.All)
        {
            set.Put(rule, output);
        }

        var events = script.Events();
        for (int i = 0; i < events.Length; i++)
        {
            Feed(set, events, i, output);
        }

        var fired = output.Where(t => t.To == AlertState.Firing).Select(t => t.Alert.RuleId).Distinct().ToArray();
        Assert.True(fired.Length >= 8, $"only {string.Join(", ", fired)} fired");
        Assert.All(output, t => Assert.False(string.IsNullOrWhiteSpace(t.Alert.Message)));
        Assert.Equal(
            "not evaluated yet: waiting for a close of a 1d bar of LME:CA.CASH",
            set.Find("lme-copper-backwardation")!.Status.Describe());
    }
}
