using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

/// <summary>Adding, re-saving, changing and removing rules: state kept or carried over, and no alert raised twice.</summary>
public sealed class RuleSetTests
{
    /// <summary>With minPct 10 over 5 days: firing at bar 5, resolved at bar 10, firing again at bar 17.</summary>
    private static readonly double[] Prices = [100, 100, 100, 100, 100, 112, 112, 112, 112, 112, 112, 112, 112, 112, 112, 112, 112, 130];

    private static RuleDefinition Move(double minPct, int keep = 0) =>
        Rule("percentMove", $$"""{"input":"COMEX:SI","window":"P5D","minPct":{{minPct}}}""", keepFiringBars: keep);

    private static RuleEvent[] Events() => new MarketScript().Closes("COMEX:SI", Prices).Events();

    /// <summary>Feeds events [from, to) and returns what they raised.</summary>
    private static List<AlertTransition> Feed(RuleSet set, RuleEvent[] events, int from, int to)
    {
        var output = new List<AlertTransition>();
        for (int i = from; i < to; i++)
        {
            RuleRunner.Feed(set, events, i, output);
        }

        return output;
    }

    [Fact]
    public void ReSavingAnUnchangedDefinition_KeepsItsState()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(10), output);
        output.AddRange(Feed(set, events, 0, 7));

        var change = set.Put(RuleJson.Parse(RuleJson.Serialize(Move(10))).Rule!, output);
        output.AddRange(Feed(set, events, 7, events.Length));

        Assert.Equal(RuleChange.Unchanged, change);
        Assert.Equal(Run(Move(10), events).Select(Describe), output.Select(Describe));
    }

    [Fact]
    public void ChangedDefinitionWhileFiring_ContinuesTheSameAlert()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(10), output);
        var before = Feed(set, events, 0, 7);

        var change = set.Put(Move(8), output);
        var after = Feed(set, events, 7, events.Length);

        Assert.Equal(RuleChange.Replaced, change);
        Assert.Empty(output);
        Assert.Equal(["firing@5"], Summary(before));

        // The new definition has empty windows: the alert stays open until they are filled again (5 bars), then
        // resolves by the new condition, under the same id; the next episode is a new alert.
        Assert.Equal(["resolved@12", "firing@17"], Summary(after));
        Assert.NotEqual(after[0].Alert.Id, after[1].Alert.Id);
        Assert.Equal(before[0].Alert.Id, after[0].Alert.Id);
    }

    [Fact]
    public void ChangedDefinitionReplayedFromTheStart_RaisesNoIdTwice()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(10, keep: 1), output);
        output.AddRange(Feed(set, events, 0, 8));

        // A looser rule, whose episode would have started earlier, replayed over the stored history by the grain.
        set.Put(Move(5), output);
        output.AddRange(Feed(set, events, 0, events.Length));

        var firings = output.Where(t => t.To == AlertState.Firing).ToList();
        Assert.Equal(firings.Count, firings.Select(t => t.Alert.Id).Distinct().Count());
        Assert.Equal(["firing@5", "resolved@10", "firing@17"], Summary(output));
        Assert.Equal(output[0].Alert.Id, output[1].Alert.Id);
        Assert.True(output[2].Alert.StartedAt > output[1].At);
    }

    [Fact]
    public void ChangedInstruments_ResolveTheOpenAlertAtTheLastEvaluation()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(10), output);
        var before = Feed(set, events, 0, 7);

        set.Put(Rule("percentMove", """{"input":"COMEX:GC","window":"P5D","minPct":10}"""), output);

        var resolved = Assert.Single(output);
        Assert.Equal(AlertState.Resolved, resolved.To);
        Assert.Equal(before[0].Alert.Id, resolved.Alert.Id);
        Assert.Equal(MarketScript.Day(7), resolved.At);
        Assert.Equal(["COMEX:GC"], set.Instruments.Select(i => i.Value));
    }

    [Fact]
    public void RemovingARule_ResolvesItsOpenAlert()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(10), output);
        Feed(set, events, 0, 7);

        Assert.True(set.Remove("rule-1", output));
        Assert.False(set.Remove("rule-1", output));

        Assert.Equal(["resolved@6"], Summary(output));
        Assert.Empty(set.Rules);
        Assert.Empty(Feed(set, events, 7, events.Length));
    }

    [Fact]
    public void RestoreWithAChangedDefinition_CarriesTheAlertOver()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(10), output);
        var before = Feed(set, events, 0, 7);
        var saved = set.SaveState();

        var restarted = new RuleSet();
        restarted.Put(Move(8), output);
        restarted.RestoreState(saved, output);
        var after = Feed(restarted, events, 7, events.Length);

        Assert.Empty(output);
        Assert.Equal(before[0].Alert.Id, after[0].Alert.Id);
        Assert.Equal(AlertState.Resolved, after[0].To);
    }

    [Fact]
    public void RestoreWithTheRuleGone_ResolvesItsOpenAlert()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(10), output);
        var before = Feed(set, events, 0, 7);

        var restarted = new RuleSet();
        restarted.RestoreState(set.SaveState(), output);

        var resolved = Assert.Single(output);
        Assert.Equal(before[0].Alert.Id, resolved.Alert.Id);
        Assert.Equal("rule-1", resolved.Alert.RuleId);
        Assert.Equal(AlertState.Firing, resolved.From);
        Assert.Equal(MarketScript.Day(7), resolved.Alert.ResolvedAt);
    }

    [Fact]
    public void EvaluatorRestore_RefusesAStateOfAnotherDefinition()
    {
        var evaluator = new RuleEvaluator(Move(10));

        Assert.Throws<ArgumentException>(() => evaluator.RestoreState(new RuleEvaluator(Move(8)).SaveState()));
    }

    [Fact]
    public void Events_GoOnlyToTheRulesThatReadTheirInstrument()
    {
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(10) with { Id = "silver" }, output);
        set.Put(Rule("percentMove", """{"input":"COMEX:GC","window":"P5D","minPct":10}""", id: "gold"), output);
        set.Put(DefaultRules.All.Single(r => r.Id == "silver-etf-divergence"), output);

        Feed(set, new MarketScript().Closes("COMEX:GC", 2400, 2400).Events(), 0, 2);

        Assert.Equal(RuleOutcome.None, set.Find("silver")!.Status.Outcome);
        Assert.Equal(RuleOutcome.NotReady, set.Find("gold")!.Status.Outcome);
        Assert.Equal(["COMEX:GC", "COMEX:SI", "ETF:SLV"], set.Instruments.Select(i => i.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WarmUpBars_CoverIndicatorConvergenceAndWindows()
    {
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Rule("percentMove", """{"input":"COMEX:SI@rsi(14)","window":"P10D","minPct":20}""", id: "a"), output);
        set.Put(Rule("threshold", """{"input":"COMEX:SI@macd(12,26,9).histogram","op":"above","value":0}""", id: "b"), output);

        Assert.Equal(140 + 11, set.Find("a")!.WarmUpBars);
        Assert.Equal(26 + 9 + 250, set.WarmUpBars(MarketScript.Id("COMEX:SI"), BarInterval.OneDay));
        Assert.Equal(0, set.WarmUpBars(MarketScript.Id("COMEX:SI"), BarInterval.OneHour));
        Assert.Equal(0, set.WarmUpBars(MarketScript.Id("COMEX:GC"), BarInterval.OneDay));
    }

    [Fact]
    public void WarmUpAfterRestore_FeedsOnlyTheIndicators()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI@sma(3)","op":"above","value":100}""");
        var events = new MarketScript().Closes("COMEX:SI", 90, 95, 99, 104, 110, 120).Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(rule, output);
        Feed(set, events, 0, 3);

        var restarted = new RuleSet();
        restarted.Put(rule, output);
        restarted.RestoreState(set.SaveState(), output);
        foreach (var e in events.Take(3))
        {
            restarted.WarmUp(e.Instrument, BarInterval.OneDay, e.Bar);
        }

        // sma(3) at bar 4 is (99 + 104 + 110) / 3 = 104.3; without the warm-up it would not be ready yet.
        Assert.Equal(["firing@4"], Summary(Feed(restarted, events, 3, events.Length)));
    }
}
