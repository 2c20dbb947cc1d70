using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

/// <summary>
/// Nine equal ratios and one outlier in a window of ten give a z-score of exactly 3 ((x - mean) / population sd),
/// which makes the boundary easy to hit.
/// </summary>
public sealed class RatioZScoreRuleTests
{
    private static RuleDefinition ZScore(double z = 3, string window = "10", int pending = 0) =>
        Rule("ratioZScore", $$"""{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"{{window}}","z":{{z}}}""", pending);

    private static RuleEvent[] Gold(params double[] gold) =>
        new MarketScript().Closes("COMEX:GC", gold).Closes("COMEX:SI", Enumerable.Repeat(25.0, gold.Length).ToArray()).Events();

    private static double[] Flat(int bars) => Enumerable.Repeat(2000.0, bars).ToArray();

    [Fact]
    public void OutlierRatio_FiresHighWithRatioMeanAndZ()
    {
        var transitions = Run(ZScore(), Gold([.. Flat(11), 2200]));

        Assert.Equal(["firing@11"], Summary(transitions));
        var alert = transitions[0].Alert;
        Assert.Equal("high", alert.Direction);
        Assert.Equal("COMEX:GC/COMEX:SI 88.00 vs 10 bars mean 80.80 (sd 2.40): z +3.00", alert.Message);
        Assert.Equal(88, alert.Values["ratio"], 12);
        Assert.Equal(80.8, alert.Values["mean"], 9);
        Assert.Equal(3, alert.Values["z"], 9);
    }

    [Fact]
    public void LowOutlier_FiresLow()
    {
        Assert.Equal("low", Assert.Single(Run(ZScore(), Gold([.. Flat(11), 1800]))).Alert.Direction);
    }

    [Fact]
    public void NoisyRatio_DoesNotFire()
    {
        double[] noisy = Enumerable.Range(0, 60).Select(i => 2000.0 + (i % 3 * 10)).ToArray();

        Assert.Empty(Run(ZScore(2), Gold(noisy)));
    }

    [Fact]
    public void ZOfExactlyTheBound_Fires()
    {
        Assert.Single(Run(ZScore(3), Gold([.. Flat(11), 2200])));
        Assert.Empty(Run(ZScore(3.0001), Gold([.. Flat(11), 2200])));
    }

    [Fact]
    public void RatioBackToItsMean_Resolves()
    {
        Assert.Equal(["firing@11", "resolved@12"], Summary(Run(ZScore(), Gold([.. Flat(11), 2200, 2000]))));
    }

    [Fact]
    public void OneBarOutlier_WithPendingBars_NeverFires()
    {
        Assert.Equal(["pending@11", "resolved@12"], Summary(Run(ZScore(pending: 1), Gold([.. Flat(11), 2200, 2000]))));
    }

    [Fact]
    public void WindowNotFilledOrFlat_IsNotReady()
    {
        Assert.Equal("the window is not filled yet", StatusAfter(ZScore(), Gold([.. Flat(9), 2200])).Describe());
        Assert.Equal("the ratio has not varied over the window", StatusAfter(ZScore(), Gold(Flat(20))).Describe());
    }

    [Fact]
    public void NoDenominatorBars_ReportsMissingInput()
    {
        var status = StatusAfter(ZScore(), new MarketScript().Closes("COMEX:GC", Flat(12)).Events());

        Assert.Equal(RuleOutcome.MissingInput, status.Outcome);
        Assert.Equal("COMEX:SI", status.Input.ToString());
    }

    [Fact]
    public void DenominatorStoppedTrading_IsStale()
    {
        var events = new MarketScript().Closes("COMEX:GC", [.. Flat(11), 2200]).Closes("COMEX:SI", 25, 25, 25, 25, 25, 25).Events();

        Assert.Empty(Run(ZScore(), events));
        Assert.Equal(RuleOutcome.StaleInput, StatusAfter(ZScore(), events).Outcome);
    }
}
