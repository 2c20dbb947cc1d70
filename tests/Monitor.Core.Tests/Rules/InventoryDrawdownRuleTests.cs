using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class InventoryDrawdownRuleTests
{
    private static RuleDefinition PerDay(double minPerDay = 1.5, string window = "P10D", int pending = 0, string unit = "moz") =>
        Rule("inventoryDrawdown", $$"""{"input":"COMEX:SI/registered","window":"{{window}}","minPerDay":{{minPerDay}},"unit":"{{unit}}"}""", pending);

    private static RuleEvent[] Registered(params double[] moz) =>
        new MarketScript()
            .Closes("COMEX:SI", Enumerable.Repeat(30.0, moz.Length).ToArray())
            .Series("COMEX:SI", "registered", 0, QuantityUnit.MegaTroyOunce, moz)
            .Events();

    private static double[] Line(double start, double perDay, int days) =>
        Enumerable.Range(0, days).Select(i => start - (perDay * i)).ToArray();

    [Fact]
    public void DrainFasterThanMinPerDay_FiresWithDaysToZero()
    {
        var transitions = Run(PerDay(), Registered(Line(530, 2, 11)));

        Assert.Equal(["firing@10"], Summary(transitions));
        var alert = transitions[0].Alert;
        Assert.Equal(
            "COMEX:SI registered -2.0 Moz/day over 10d (-20.0 Moz, -3.8%) to 510.0 Moz: 255.0 days to zero at this pace",
            alert.Message);
        Assert.Equal(255, alert.Values["daysToZero"], 9);
        Assert.Equal(2_000_000, alert.Values["outflowPerDay"], 3);
        Assert.Equal(10, alert.Values["days"]);
    }

    [Fact]
    public void SlowDrainOrInflow_DoesNotFire()
    {
        Assert.Empty(Run(PerDay(), Registered(Line(530, 1, 15))));
        Assert.Empty(Run(PerDay(), Registered(Line(530, -2, 15))));
    }

    [Fact]
    public void DrainOfExactlyMinPerDay_Fires()
    {
        Assert.Equal(["firing@10"], Summary(Run(PerDay(), Registered(Line(530, 1.5, 11)))));
        Assert.Empty(Run(PerDay(), Registered(Line(530, 1.49, 11))));
    }

    [Fact]
    public void MinPerDayInTonnes_IsConvertedToTheSeriesUnit()
    {
        // 1.5 Moz is 46.655 t.
        Assert.Single(Run(PerDay(46.6, unit: "t"), Registered(Line(530, 1.5, 11))));
        Assert.Empty(Run(PerDay(46.7, unit: "t"), Registered(Line(530, 1.5, 11))));
    }

    [Fact]
    public void MinPct_FiresAtExactlyThatLoss()
    {
        var rule = Rule("inventoryDrawdown", """{"input":"COMEX:SI/registered","window":"P10D","minPct":5}""");

        Assert.Single(Run(rule, Registered(Line(530, 2.65, 11))));
        Assert.Empty(Run(rule, Registered(Line(530, 2.64, 11))));
    }

    [Fact]
    public void DrainStops_Resolves()
    {
        double[] values = [.. Line(530, 2, 11), 510, 510, 510];

        Assert.Equal(["firing@10", "resolved@13"], Summary(Run(PerDay(), Registered(values))));
    }

    [Fact]
    public void FlappingDailyOutflow_WithPendingBars_NeverFires()
    {
        double[] values = [500, 498, 497, 495, 494, 492];

        Assert.Equal(
            ["pending@1", "resolved@2", "pending@3", "resolved@4", "pending@5"],
            Summary(Run(PerDay(window: "P1D", pending: 1), Registered(values))));
    }

    [Fact]
    public void NoPublishedValue_ReportsMissingInput()
    {
        var events = new MarketScript().Closes("COMEX:SI", 30, 30, 30).Events();

        Assert.Equal(RuleOutcome.MissingInput, StatusAfter(PerDay(), events).Outcome);
    }

    [Fact]
    public void ReportNotPublishedForAWeek_IsStale()
    {
        var events = new MarketScript()
            .Closes("COMEX:SI", Enumerable.Repeat(30.0, 20).ToArray())
            .Series("COMEX:SI", "registered", 0, QuantityUnit.MegaTroyOunce, Line(530, 5, 12))
            .Events();

        var transitions = Run(PerDay(), events, out var set);

        Assert.Equal(["firing@10"], Summary(transitions));
        Assert.Equal(RuleOutcome.StaleInput, set.Rules[0].Status.Outcome);
        Assert.NotNull(set.Rules[0].OpenAlert);
    }

    [Fact]
    public void BoundInContractsOnAnOunceSeries_IsNotReady()
    {
        var status = StatusAfter(PerDay(unit: "contracts"), Registered(Line(530, 2, 11)));

        Assert.Equal(RuleOutcome.NotReady, status.Outcome);
        Assert.Equal("minPerDay is in contracts, the series in oz", status.Describe());
    }
}
