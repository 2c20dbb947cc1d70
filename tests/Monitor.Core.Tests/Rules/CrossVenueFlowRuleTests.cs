using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class CrossVenueFlowRuleTests
{
    private static RuleDefinition Flow(string window = "P10D", double minTransfer = 20, int pending = 0, string extra = "") =>
        Rule(
            "crossVenueFlow",
            $$"""{"from":"COMEX:SI/registered","to":"COMEX:SI/vault","window":"{{window}}","minTransfer":{{minTransfer}},"unit":"moz"{{extra}}}""",
            pending);

    private static RuleEvent[] Market(double[] registeredMoz, double[] vaultMoz, int bars = 0) =>
        new MarketScript()
            .Closes("COMEX:SI", Enumerable.Repeat(30.0, Math.Max(bars, registeredMoz.Length)).ToArray())
            .Series("COMEX:SI", "registered", 0, QuantityUnit.MegaTroyOunce, registeredMoz)
            .Series("COMEX:SI", "vault", 0, QuantityUnit.MegaTroyOunce, vaultMoz)
            .Events();

    private static double[] Line(double start, double perDay, int days) =>
        Enumerable.Range(0, days).Select(i => start + (perDay * i)).ToArray();

    [Fact]
    public void MetalLeavesComexForLondon_Fires()
    {
        var transitions = Run(Flow(), Market(Line(530, -2.5, 11), Line(8000, 2.2, 11)));

        Assert.Equal(["firing@10"], Summary(transitions));
        var alert = transitions[0].Alert;
        Assert.Equal(["COMEX:SI"], alert.Instruments);
        Assert.Equal(
            "COMEX:SI registered -25.0 Moz over 10d while COMEX:SI vault +22.0 Moz (now 505.0 Moz and 8,022.0 Moz)",
            alert.Message);
        Assert.Equal(-25, alert.Values["fromChange"], 9);
        Assert.Equal(22, alert.Values["toChange"], 9);
    }

    [Fact]
    public void OnlyOneSideMoves_DoesNotFire()
    {
        Assert.Empty(Run(Flow(), Market(Line(530, -2.5, 11), Line(8000, 0, 11))));
        Assert.Empty(Run(Flow(), Market(Line(530, 0, 11), Line(8000, 2.5, 11))));
        Assert.Empty(Run(Flow(), Market(Line(530, 2.5, 11), Line(8000, 2.5, 11))));
    }

    [Fact]
    public void TransfersOfExactlyMinTransfer_Fire()
    {
        Assert.Single(Run(Flow(), Market(Line(530, -2, 11), Line(8000, 2, 11))));
        Assert.Empty(Run(Flow(), Market(Line(530, -2, 11), Line(8000, 1.99, 11))));
        Assert.Empty(Run(Flow(), Market(Line(530, -1.99, 11), Line(8000, 2, 11))));
    }

    [Fact]
    public void SeriesInTonnes_AreComparedInTheRuleUnit()
    {
        // 22 Moz is 684.28 t.
        var events = new MarketScript()
            .Closes("COMEX:SI", Enumerable.Repeat(30.0, 11).ToArray())
            .Series("COMEX:SI", "registered", 0, QuantityUnit.MegaTroyOunce, Line(530, -2.5, 11))
            .Series("COMEX:SI", "vault", 0, QuantityUnit.Tonne, Line(250_000, 68.428, 11))
            .Events();

        var alert = Assert.Single(Run(Flow(), events)).Alert;

        Assert.Equal(22, alert.Values["toChange"], 3);
    }

    [Fact]
    public void FlowStops_Resolves()
    {
        double[] registered = [.. Line(530, -2.5, 11), 505, 505, 505, 505];
        double[] vault = [.. Line(8000, 2.5, 11), 8025, 8025, 8025, 8025];

        Assert.Equal(["firing@10", "resolved@13"], Summary(Run(Flow(), Market(registered, vault))));
    }

    [Fact]
    public void FlappingArrivals_WithPendingBars_NeverFire()
    {
        double[] registered = [530, 527, 524, 521, 518];
        double[] vault = [8000, 8003, 8004, 8007, 8008];

        Assert.Equal(
            ["pending@1", "resolved@2", "pending@3", "resolved@4"],
            Summary(Run(Flow("P1D", minTransfer: 2, pending: 1), Market(registered, vault))));
    }

    [Fact]
    public void NoVaultFigures_ReportMissingInput()
    {
        var events = new MarketScript()
            .Closes("COMEX:SI", 30, 30)
            .Series("COMEX:SI", "registered", 0, QuantityUnit.MegaTroyOunce, 530, 520)
            .Events();

        var status = StatusAfter(Flow(), events);

        Assert.Equal(RuleOutcome.MissingInput, status.Outcome);
        Assert.Equal("COMEX:SI/vault", status.Input.ToString());
    }

    [Fact]
    public void VaultFiguresOlderThanTheLimit_AreStale()
    {
        var market = Market(Line(530, -2.5, 11), [8000, 8010, 8020], bars: 11);

        Assert.Empty(Run(Flow(extra: ""","maxInventoryAge":"P3D" """), market));
        Assert.Equal(RuleOutcome.StaleInput, StatusAfter(Flow(extra: ""","maxInventoryAge":"P3D" """), market).Outcome);
        Assert.Single(Run(Flow(), market));
    }
}
