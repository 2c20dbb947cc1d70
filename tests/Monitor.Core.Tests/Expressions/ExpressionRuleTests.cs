using Monitor.Core.Market;
using Monitor.Core.Rules;
using Monitor.Core.Tests.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Expressions;

/// <summary>What the rule language computes, checked by hand on short daily markets (bar i closes at Day(i + 1)).</summary>
public sealed class ExpressionRuleTests
{
    private static readonly double[] Closes = [100, 102, 101, 104, 103, 110];

    [Fact]
    public void WindowFunctions_GiveTheirTextbookValues()
    {
        var rule = Expression(
            "COMEX:SI > 105 and change(COMEX:SI, 3) > -1000 and pctChange(COMEX:SI, 3) > -1000 and previous(COMEX:SI, 2) > 0 " +
            "and max(COMEX:SI, 3) > 0 and min(COMEX:SI, 3) > 0 and mean(COMEX:SI, 3) > 0 and stddev(COMEX:SI, 3) > 0 and zscore(COMEX:SI, 3) > -1000");

        var transition = Assert.Single(Run(rule, new MarketScript().Closes("COMEX:SI", Closes).Events()));
        var alert = transition.Alert;

        Assert.Equal(["firing@5"], Summary([transition]));
        double mean = (104 + 103 + 110) / 3.0;
        double sd = Math.Sqrt((Math.Pow(104 - mean, 2) + Math.Pow(103 - mean, 2) + Math.Pow(110 - mean, 2)) / 3);
        Assert.Equal(9, alert.Values["change(COMEX:SI, 3)"], 9);
        Assert.Equal(900 / 101.0, alert.Values["pctChange(COMEX:SI, 3)"], 9);
        Assert.Equal(104, alert.Values["previous(COMEX:SI, 2)"], 9);
        Assert.Equal(110, alert.Values["max(COMEX:SI, 3)"], 9);
        Assert.Equal(103, alert.Values["min(COMEX:SI, 3)"], 9);
        Assert.Equal(mean, alert.Values["mean(COMEX:SI, 3)"], 9);
        Assert.Equal(sd, alert.Values["stddev(COMEX:SI, 3)"], 9);
        Assert.Equal((110 - mean) / sd, alert.Values["zscore(COMEX:SI, 3)"], 9);
    }

    [Fact]
    public void PerDayAndDaysToZero_CountTheSeriesAsOfDays()
    {
        var rule = Expression("perDay(COMEX:SI/registered, P4D) <= -1 moz and daysToZero(COMEX:SI/registered, P4D) < 1000");
        var events = new MarketScript()
            .Closes("COMEX:SI", Closes)
            .Series("COMEX:SI", "registered", 0, QuantityUnit.MegaTroyOunce, 500, 498, 496, 494, 492, 490)
            .Events();

        var transitions = Run(rule, events);

        // First at bar 4 (Day 5): 492 asOf day 4 against 498 asOf day 1 (the sample at Day 1 saw day 0's 500, at Day 2 day 1's 498).
        Assert.Equal(["firing@4"], Summary(transitions));
        Assert.Equal(-2_000_000, transitions[0].Alert.Values["perDay(COMEX:SI/registered, P4D)"], 6);
        Assert.Equal(246, transitions[0].Alert.Values["daysToZero(COMEX:SI/registered, P4D)"], 6);
    }

    [Fact]
    public void DivisionByZero_IsNoAnswerAndTheStatusNamesTheInput()
    {
        var rule = Expression("COMEX:SI / ETF:SLV/holdings > 0");
        var events = new MarketScript().Closes("COMEX:SI", 100, 101).Series("ETF:SLV", "holdings", 0, QuantityUnit.TroyOunce, 0, 0).Events();

        Run(rule, events, out var set);

        var status = set.Find(rule.Id)!.Status;
        Assert.Equal(RuleOutcome.NotReady, status.Outcome);
        Assert.Equal("division by zero: 'ETF:SLV/holdings' is 0 in 'COMEX:SI / ETF:SLV/holdings'", status.Describe());
        Assert.Empty(Run(rule, events));
    }

    /// <summary>
    /// No answer (here a division by zero) is neither true nor false: it raises nothing, and a firing alert stays firing
    /// (as a built-in rule's does when its input goes stale) until an answer comes again. docs/api.md states it.
    /// </summary>
    [Fact]
    public void NoAnswer_LeavesAFiringAlertFiring_UntilAnAnswerResolvesIt()
    {
        var rule = Expression("COMEX:SI / ETF:SLV/holdings > 50");
        var events = new MarketScript()
            .Closes("COMEX:SI", 100, 100, 100, 100, 10)
            .Series("ETF:SLV", "holdings", 0, QuantityUnit.TroyOunce, 1, 1, 0, 0, 1)
            .Events();

        var transitions = Run(rule, events, out var set);

        Assert.Equal(["firing@0", "resolved@4"], Summary(transitions));
        var during = StatusAfter(rule, events[..^2]);
        Assert.Equal(RuleOutcome.NotReady, during.Outcome);
        Assert.Equal("division by zero: 'ETF:SLV/holdings' is 0 in 'COMEX:SI / ETF:SLV/holdings'", during.Describe());
        Assert.Null(set.Find(rule.Id)!.OpenAlert);
    }

    [Fact]
    public void MissingInput_RaisesNothingAndTheStatusNamesIt()
    {
        var rule = Expression("COMEX:SI > 1 or ETF:SLV/holdings > 0");

        var status = StatusAfter(rule, new MarketScript().Closes("COMEX:SI", 100, 101).Events());

        Assert.Equal(RuleOutcome.MissingInput, status.Outcome);
        Assert.Equal("no value yet for ETF:SLV/holdings", status.Describe());
    }

    [Fact]
    public void WindowNotFilled_IsNoAnswerNamingTheTerm()
    {
        var status = StatusAfter(Expression("pctChange(COMEX:SI, P10D) > 5"), new MarketScript().Closes("COMEX:SI", 100, 101).Events());

        Assert.Equal("'pctChange(COMEX:SI, P10D)': the window is not filled yet", status.Describe());
    }

    [Fact]
    public void FalseAndNoAnswer_IsFalse()
    {
        var status = StatusAfter(Expression("COMEX:SI > 200 and pctChange(COMEX:SI, 10) > 0"), new MarketScript().Closes("COMEX:SI", 100, 101).Events());

        Assert.Equal(RuleOutcome.ConditionFalse, status.Outcome);
    }

    [Fact]
    public void Crosses_HoldAtTheCrossingOnlyAndATouchIsNone()
    {
        var rule = Expression("crossesAbove(COMEX:SI, 105)");

        var transitions = Run(rule, new MarketScript().Closes("COMEX:SI", 100, 104, 105, 106, 104, 105, 107).Events());

        Assert.Equal(["firing@3", "resolved@4", "firing@6"], Summary(transitions));
    }

    [Fact]
    public void Not_InvertsTheCondition()
    {
        var transitions = Run(Expression("not (COMEX:SI > 101)"), new MarketScript().Closes("COMEX:SI", 102, 103, 100, 104).Events());

        Assert.Equal(["firing@2", "resolved@3"], Summary(transitions));
    }

    [Fact]
    public void QuantitiesInTonnesAndOunces_CompareInOneUnit()
    {
        var rule = Expression("ETF:SLV/holdings > COMEX:SI/registered and ETF:SLV/holdings - COMEX:SI/registered < 1 koz");
        var events = new MarketScript()
            .Closes("ETF:SLV", 30, 31)
            .Series("ETF:SLV", "holdings", 0, QuantityUnit.Tonne, 1, 1)
            .Series("COMEX:SI", "registered", 0, QuantityUnit.TroyOunce, 32_000, 32_000)
            .Events();

        var alert = Assert.Single(Run(rule, events)).Alert;

        // 1 t is 32,150.7 oz: above 32,000 oz by less than 1,000 oz.
        Assert.Equal(1, alert.Values["ETF:SLV/holdings"], 9);
        Assert.Equal(["ETF:SLV", "COMEX:SI"], alert.Instruments);
    }

    [Fact]
    public void BarFields_ReadTheBarOfTheRulesInterval()
    {
        var rule = Expression("high(COMEX:SI) - low(COMEX:SI) > 5 and volume(COMEX:SI) >= 1000 and open(COMEX:SI) < close(COMEX:SI)");
        var events = new MarketScript()
            .Add(RuleEvent.Close(Id("COMEX:SI"), new Bar(Day(0), 100, 104, 99, 103, 500)))
            .Add(RuleEvent.Close(Id("COMEX:SI"), new Bar(Day(1), 100, 108, 99, 107, 1500)))
            .Events();

        Assert.Equal(["firing@1"], Summary(Run(rule, events)));
    }

    [Fact]
    public void Message_FillsPlaceholdersAndDefaultListsTheTerms()
    {
        var events = new MarketScript().Closes("COMEX:SI", Closes).Events();

        var custom = Assert.Single(Run(Expression("COMEX:SI > 105", "SI {pctChange(COMEX:SI, 3)}% at {COMEX:SI}"), events)).Alert;
        var plain = Assert.Single(Run(Expression("COMEX:SI > 105 and pctChange(COMEX:SI, 3) >= 5"), events)).Alert;

        Assert.Equal("SI 8.91% at 110.00", custom.Message);
        Assert.Equal("COMEX:SI = 110.00, pctChange(COMEX:SI, 3) = 8.91", plain.Message);
    }

    [Fact]
    public void OrAtTheTop_GivesTheAlertADirection()
    {
        var alert = Assert.Single(Run(Expression("COMEX:SI > 200 or COMEX:SI > 105"), new MarketScript().Closes("COMEX:SI", Closes).Events())).Alert;

        Assert.Equal("COMEX:SI > 105", alert.Direction);
    }

    [Fact]
    public void ResavedSameText_IsUnchangedAndOtherTextIsNot()
    {
        var a = Expression("COMEX:SI > 105");

        Assert.Equal(a, Expression("COMEX:SI > 105"));
        Assert.NotEqual(a, Expression("COMEX:SI > 106"));
        Assert.Equal(a, RuleJson.Parse(RuleJson.Serialize(a)).Rule);
    }

    private static RuleDefinition Expression(string condition, string? message = null)
    {
        string parameters = System.Text.Json.JsonSerializer.Serialize(message is null ? (object)new { condition } : new { condition, message });
        return Rule("expression", parameters);
    }
}
