using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

/// <summary>
/// One pipeline, two drivers: an instrument grain takes its ticks in batches and advances its rules after each
/// batch; a backtest merges every instrument's ticks and advances after each instant. Same ticks, same alerts.
/// </summary>
public sealed class PipelineDriverTests
{
    private static readonly string[] Instruments = ["COMEX:SI", "COMEX:GC"];

    private static IEnumerable<RuleDefinition> Rules()
    {
        foreach (string instrument in Instruments)
        {
            string slug = instrument.Replace(':', '-').ToLowerInvariant();
            yield return Rule("threshold", $$"""{"input":"{{instrument}}@rsi(14)","op":"above","value":60}""", 1, 1, id: $"{slug}-rsi");
            yield return Rule("indicatorCross", $$"""{"fast":"{{instrument}}@macd(12,26,9).macd","slow":"{{instrument}}@macd(12,26,9).signal"}""", 0, 1, id: $"{slug}-macd");
            yield return Rule("percentMove", $$"""{"input":"{{instrument}}","window":"P5D","minPct":4}""", 0, 0, "tick", id: $"{slug}-move");
            yield return Rule("rsiDivergence", $$"""{"input":"{{instrument}}","lookback":15}""", id: $"{slug}-divergence");
        }
    }

    private static List<Tick> Ticks(int seed, int days)
    {
        var random = new Random(seed);
        var ticks = new List<Tick>();
        foreach (string instrument in Instruments)
        {
            double[] closes = Scenarios.Walk(random, days, instrument == "COMEX:SI" ? 30 : 2400, 0.02);
            for (int day = 0; day < days; day++)
            {
                if (MarketScript.Day(day).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    continue;
                }

                int count = random.Next(1, 8);
                for (int i = 0; i < count; i++)
                {
                    double price = closes[day] * (1 + (0.02 * (random.NextDouble() - 0.5)));
                    ticks.Add(new Tick(MarketScript.Id(instrument), MarketScript.Day(day).AddHours(1 + (22.0 * (i + random.NextDouble()) / count)), price, 1));
                }
            }
        }

        return [.. ticks.OrderBy(t => t.Time)];
    }

    private static List<AlertTransition> Backtest(List<Tick> ticks)
    {
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        foreach (var rule in Rules())
        {
            set.Put(rule, output);
        }

        var events = RuleScenarios.FromTicks(ticks, []);
        for (int i = 0; i < events.Length; i++)
        {
            Feed(set, events, i, output);
        }

        return output;
    }

    /// <summary>Per instrument: a pipeline and the rules over that instrument, fed a batch at a time as its grain does.</summary>
    private static List<AlertTransition> Grains(List<Tick> ticks, int batch, int restartEvery)
    {
        var output = new List<AlertTransition>();
        foreach (string instrument in Instruments)
        {
            var id = MarketScript.Id(instrument);
            var pipeline = new InstrumentPipeline(id, [BarInterval.OneDay], []);
            var rules = Rules().Where(r => r.Instruments().SequenceEqual([instrument])).ToList();
            var set = NewSet(rules, output);
            var driver = new PipelineDriver(set, AdvancePolicy.PerBatch);
            var stored = new List<Bar>();
            var mine = ticks.Where(t => t.Instrument == id).ToList();
            for (int start = 0, batches = 0; start < mine.Count; start += batch, batches++)
            {
                if (batches > 0 && batches % restartEvery == 0)
                {
                    var saved = set.SaveState();
                    set = NewSet(rules, output);
                    driver = new PipelineDriver(set, AdvancePolicy.PerBatch);
                    set.RestoreState(saved, output);
                    foreach (var bar in stored)
                    {
                        set.WarmUp(id, BarInterval.OneDay, bar);
                    }
                }

                foreach (var tick in mine.Skip(start).Take(batch))
                {
                    driver.Tick(pipeline, tick, output);
                    stored.AddRange(driver.LastClosed.Select(c => c.Bar));
                }

                driver.Advance(output);
            }
        }

        return output;
    }

    private static RuleSet NewSet(IEnumerable<RuleDefinition> rules, List<AlertTransition> output)
    {
        var set = new RuleSet();
        foreach (var rule in rules)
        {
            set.Put(rule, output);
        }

        return set;
    }

    private static string[] Sorted(IEnumerable<AlertTransition> transitions) =>
        transitions.Select(Describe).Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [InlineData(1, int.MaxValue)]
    [InlineData(37, int.MaxValue)]
    [InlineData(500, int.MaxValue)]
    [InlineData(23, 3)]
    public void GrainBatchesAndBacktest_RaiseTheSameAlerts(int batch, int restartEvery)
    {
        var ticks = Ticks(seed: 9, days: 900);

        string[] backtest = Sorted(Backtest(ticks));
        string[] grains = Sorted(Grains(ticks, batch, restartEvery));

        Assert.True(backtest.Length > 50, $"only {backtest.Length} transitions");
        Assert.Contains(backtest, t => t.Contains("rule=comex-gc-divergence", StringComparison.Ordinal));
        Assert.Equal(backtest, grains);
    }
}
