using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

/// <summary>
/// A grain may be deactivated, or a silo killed, at any point: restoring the saved state (through JSON, as storage
/// would) and warming the indicators up from stored bars must continue exactly, with the same ids and no duplicate.
/// </summary>
public sealed class RestartTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string type in RuleScenarios.Types)
        {
            data.Add(type, 1);
            data.Add(type, 7);
            data.Add(type, 61);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RestartEveryFewEvents_RaisesExactlyWhatAnUninterruptedRunRaises(string type, int every)
    {
        var rule = RuleScenarios.Rule(type);
        var events = RuleScenarios.Events(type, 1_200, seed: 7);

        string[] expected = Run(rule, events).Select(Describe).ToArray();
        string[] actual = RunWithRestarts(rule, events, every, out int restoredMidEpisode).Select(Describe).ToArray();

        Assert.True(expected.Count(e => e.Contains("->Firing", StringComparison.Ordinal)) >= 3, $"only {expected.Length} transitions: the scenario does not exercise {type}");
        Assert.True(restoredMidEpisode > 0, "no restart happened during an open episode");
        Assert.Equal(expected, actual);
        Assert.Equal(expected.Length, actual.Distinct().Count());
    }

    [Theory]
    [InlineData("bar", 1)]
    [InlineData("bar", 13)]
    [InlineData("tick", 1)]
    [InlineData("tick", 13)]
    public void TickDrivenMarket_RestartsExactlyToo(string evaluate, int every)
    {
        var rule = Rule("ratioZScore", """{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"10","z":1.5}""", 1, 1, evaluate);
        var events = TickMarket.Events(seed: 5, days: 200);

        string[] expected = Run(rule, events).Select(Describe).ToArray();
        string[] actual = RunWithRestarts(rule, events, every, out _).Select(Describe).ToArray();

        Assert.True(expected.Length >= 4, $"only {expected.Length} transitions");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ReplayingEventsAfterARestore_RaisesNothingTwice()
    {
        var rule = RuleScenarios.Rule("percentMove");
        var events = RuleScenarios.Events("percentMove", 600, seed: 3);
        var first = new List<AlertTransition>();
        var set = new RuleSet();
        set.Put(rule, first);
        for (int i = 0; i < 400; i++)
        {
            Feed(set, events, i, first);
        }

        // The grain restarts from a state saved at event 400, but its store replays from event 300.
        var restored = new RuleSet();
        var second = new List<AlertTransition>();
        restored.Put(rule, second);
        restored.RestoreState(set.SaveState(), second);
        for (int i = 300; i < events.Length; i++)
        {
            Feed(restored, events, i, second);
        }

        var uninterrupted = Run(rule, events);
        Assert.Equal(uninterrupted.Select(Describe), first.Concat(second).Select(Describe));
    }
}

/// <summary>Intraday ticks of COMEX:GC and COMEX:SI on weekdays, bars from a pipeline per instrument.</summary>
internal static class TickMarket
{
    public static RuleEvent[] Events(int seed, int days)
    {
        var random = new Random(seed);
        double[] gold = Scenarios.Walk(random, days, 2400, 0.012);
        double[] silver = Scenarios.Walk(random, days, 30, 0.02);
        var ticks = new List<Tick>();
        for (int day = 0; day < days; day++)
        {
            if (MarketScript.Day(day).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            AddDay(ticks, random, MarketScript.Id("COMEX:GC"), day, gold[day]);
            AddDay(ticks, random, MarketScript.Id("COMEX:SI"), day, silver[day]);
        }

        return RuleScenarios.FromTicks(ticks, []);
    }

    private static void AddDay(List<Tick> ticks, Random random, InstrumentId instrument, int day, double close)
    {
        int count = random.Next(1, 6);
        for (int i = 0; i < count; i++)
        {
            var time = MarketScript.Day(day).AddHours(1 + (22.0 * (i + random.NextDouble()) / count));
            double price = i == count - 1 ? close : close * (1 + (0.01 * (random.NextDouble() - 0.5)));
            ticks.Add(new Tick(instrument, time, price, 1));
        }
    }
}
