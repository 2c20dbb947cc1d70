using System.Text.Json;
using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;
using Monitor.Core.Tests.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Backtesting;

public sealed class BacktestEngineTests
{
    private static readonly InstrumentId Silver = Id("COMEX:SI");
    private static readonly InstrumentId Gold = Id("COMEX:GC");
    private static readonly InstrumentId Slv = Id("ETF:SLV");

    private static BacktestEngine Engine(IEnumerable<RuleDefinition> rules, Action<EventOrder>? trace = null) =>
        new([.. rules], _ => [BarInterval.OneMinute, BarInterval.OneDay]) { Trace = trace };

    private static Task<BacktestReport> RunAsync(MemorySource source, params RuleDefinition[] rules) =>
        Engine(rules).RunAsync(source, null, null);

    [Fact]
    public async Task Merge_TiesAtOneInstant_InventoryFirstThenInstrumentsOrdinallyThenStoredOrder()
    {
        var t = Day(0).AddHours(10);
        var source = new MemorySource()
            .Add(new Tick(Silver, t, 30, 1, 1), new Tick(Silver, t, 31, 1, 2), new Tick(Silver, t.AddSeconds(1), 32, 1, 3))
            .Add(new Tick(Gold, t.AddSeconds(1), 2400, 1, 1), new Tick(Gold, t, 2401, 1, 2))
            .Add(new InventoryValue(Slv, "holdings", Date(0), t, 500, QuantityUnit.MegaTroyOunce));
        var seen = new List<EventOrder>();
        var rule = Rule("priceFlowDivergence", """{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P5D","minPriceChangePct":5,"minFlowChangePct":1}""");
        var ratio = Rule("ratioZScore", """{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"20","z":2}""", id: "ratio");

        await Engine([rule, ratio], seen.Add).RunAsync(source, null, null);

        // Ranks: COMEX:GC 0, COMEX:SI 1, ETF:SLV 2. Gold's second tick is earlier than its first, but a stream keeps its
        // stored order: it waits behind the first (and the pipeline then finds it in its open bar).
        string[] expected =
        [
            $"{t.UtcTicks}/0/2", $"{t.UtcTicks}/1/1", $"{t.UtcTicks}/1/1",
            $"{t.AddSeconds(1).UtcTicks}/1/0", $"{t.UtcTicks}/1/0", $"{t.AddSeconds(1).UtcTicks}/1/1",
        ];
        Assert.Equal(expected, seen.Select(k => $"{k.Time}/{k.Rank}/{k.Instrument}"));
    }

    [Fact]
    public async Task LateAndDuplicateTicks_CountedAndKeptFromTheRules()
    {
        var t = Day(0).AddHours(10);
        var source = new MemorySource().Add(
            new Tick(Silver, t.AddSeconds(30), 30, 1, 1),
            new Tick(Silver, t.AddSeconds(70), 30.5, 1, 2),   // closes the 10:00 minute bar
            new Tick(Silver, t.AddSeconds(45), 99, 1, 3),     // late: its minute has closed
            new Tick(Silver, t.AddSeconds(80), 99, 1, 2),     // duplicate seq
            new Tick(Silver, t.AddSeconds(90), 31, 1, 4));
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"above","value":50}""", evaluate: "tick", interval: "1m");

        var report = await RunAsync(source, rule);

        Assert.Equal(5, report.Counts.Ticks);
        Assert.Equal(1, report.Counts.LateTicks);
        Assert.Equal(1, report.Counts.DuplicateTicks);
        Assert.Empty(report.Alerts);
        Assert.Equal(0, report.RuleStatistics[rule.Id].Fired);
    }

    [Fact]
    public async Task BarsOnlyInstrument_StoredBarsDriveTheRules_WithStatisticsAndForwardReturns()
    {
        double[] closes = [90, 95, 120, 130, 90, 91, 92, 93, 94, 95];
        var source = new MemorySource().Add("COMEX:SI", BarInterval.OneDay, closes.Select((c, i) => new Bar(Day(i), c, c, c, c, 1)));
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"above","value":100}""");

        var report = await RunAsync(source, rule);

        var alert = Assert.Single(report.Alerts);
        Assert.Equal(Day(3), alert.FiredAt);      // the close of bar 2 (120)
        Assert.Equal(Day(5), alert.ResolvedAt);   // the close of bar 4 (90)
        Assert.Equal(10, report.Counts.Bars);
        var stats = report.RuleStatistics[rule.Id];
        Assert.Equal((1, 1, 0, 0), (stats.Fired, stats.Resolved, stats.PendingOnly, stats.Flapping));
        Assert.Equal(2, stats.MeanDurationBars);
        Assert.Equal(1 / 9.0, stats.FiresPerDay!.Value, 9);           // first close Day(1), last Day(10)
        Assert.Equal((130 / 120.0 - 1) * 100, stats.ForwardReturnPct["1d"]!.Value, 9);
        Assert.Equal((93 / 120.0 - 1) * 100, stats.ForwardReturnPct["5d"]!.Value, 9);
        Assert.Null(stats.ForwardReturnPct["20d"]);                   // the data ends before
    }

    [Fact]
    public async Task Range_OnlyEventsInside_AndRulesAdvancedToTheEnd()
    {
        double[] closes = [90, 95, 120, 130, 90, 91];
        var source = new MemorySource().Add("COMEX:SI", BarInterval.OneDay, closes.Select((c, i) => new Bar(Day(i), c, c, c, c, 1)));
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"above","value":100}""");

        var report = await Engine([rule]).RunAsync(source, Day(2), Day(5));

        Assert.Equal(3, report.Counts.Bars);                          // closes at Day(2), Day(3), Day(4)
        var alert = Assert.Single(report.Alerts);
        Assert.Equal(AlertState.Firing, alert.State);                 // bar 4's close (Day 5) is outside the range
        Assert.Equal((Day(2), Day(5)), (report.From!.Value, report.To!.Value));
    }

    [Fact]
    public async Task FlappingCondition_CountsRefiresSoonAfterResolving()
    {
        double[] closes = [90, 120, 90, 120, 90, 120, 90, 90, 90, 90, 90, 90, 90, 120, 90];
        var source = new MemorySource().Add("COMEX:SI", BarInterval.OneDay, closes.Select((c, i) => new Bar(Day(i), c, c, c, c, 1)));
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"above","value":100}""");

        var stats = (await RunAsync(source, rule)).RuleStatistics[rule.Id];

        Assert.Equal(4, stats.Fired);
        Assert.Equal(2, stats.Flapping);                              // bars 3 and 5 re-fire a bar after a resolve; bar 13 seven bars after
        Assert.Equal(1, stats.MeanDurationBars);
    }

    [Fact]
    public async Task Engine_EqualsAFullSortFedThroughThePipelineDriver()
    {
        var random = new Random(17);
        var ticks = new List<Tick>();
        var inventory = new List<InventoryValue>();
        double[] silver = Scenarios.Walk(random, 200, 30, 0.03);
        double[] gold = Scenarios.Walk(random, 200, 2400, 0.01);
        double[] holdings = Scenarios.Walk(random, 200, 500, 0.01);
        long seq = 0;
        for (int day = 0; day < 200; day++)
        {
            for (int i = 0; i < 6; i++)
            {
                // Whole hours, so the instruments often tick at the same instant.
                var time = Day(day).AddHours(2 + (3 * i));
                ticks.Add(new Tick(Silver, time, silver[day] * (1 + (0.01 * (random.NextDouble() - 0.5))), 1, ++seq));
                ticks.Add(new Tick(Gold, time, gold[day] * (1 + (0.01 * (random.NextDouble() - 0.5))), 1, seq));
            }

            // Published at a tick's instant; a restatement of the same day now and then.
            inventory.Add(new InventoryValue(Slv, "holdings", Date(day), Day(day).AddHours(14), holdings[day], QuantityUnit.MegaTroyOunce));
            if (day % 7 == 0)
            {
                inventory.Add(new InventoryValue(Slv, "holdings", Date(day), Day(day).AddHours(14), holdings[day] * 0.98, QuantityUnit.MegaTroyOunce));
            }
        }

        RuleDefinition[] rules =
        [
            Rule("priceFlowDivergence", """{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P10D","minPriceChangePct":5,"minFlowChangePct":1}""", id: "divergence"),
            Rule("ratioZScore", """{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"20","z":1.5}""", keepFiringBars: 1, id: "ratio"),
            Rule("percentMove", """{"input":"COMEX:GC","window":"P3D","minPct":2}""", evaluate: "tick", id: "move"),
            Rule("threshold", """{"input":"COMEX:SI@rsi(14)","op":"above","value":60}""", pendingBars: 1, id: "rsi"),
        ];
        var source = new MemorySource(blockSize: 7).Add(ticks).Add(inventory);

        var report = await Engine(rules).RunAsync(source, null, null);

        Assert.True(report.Alerts.Count > 10, $"only {report.Alerts.Count} alerts");
        Assert.Equal(Reference(rules, ticks, inventory), report.Alerts.Select(Describe));
    }

    [Fact]
    public void ReportJson_HasTheContractShape()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"above","value":100}""");
        var alert = new Alert("a1", rule.Id, rule.Name, rule.Type, rule.Severity, ["COMEX:SI"], AlertState.Firing, null, Day(1), Day(1), null, "m",
            new Dictionary<string, double> { ["value"] = 101 });
        var returns = new Dictionary<string, double?> { ["1d"] = 1.5, ["5d"] = null, ["20d"] = null };
        var report = new BacktestReport([rule], Day(0), Day(9), new BacktestCounts(1000, 1, 2, 10, 5, 1, 1, Day(0), Day(8), TimeSpan.FromSeconds(2)),
            [alert], new Dictionary<string, RuleStatistics> { [rule.Id] = new(1, 0, 0, null, 0.1, 0, returns) });

        using var json = JsonDocument.Parse(BacktestReportJson.Serialize(report));

        var root = json.RootElement;
        Assert.Equal("completed", root.GetProperty("state").GetString());
        Assert.Equal(1, root.GetProperty("progress").GetDouble());
        Assert.Equal(1000, root.GetProperty("stats").GetProperty("ticks").GetInt64());
        Assert.Equal(5, root.GetProperty("stats").GetProperty("inventoryValues").GetInt64());
        Assert.Equal(2000, root.GetProperty("stats").GetProperty("elapsedMs").GetDouble());
        Assert.Equal(500, root.GetProperty("stats").GetProperty("ticksPerSecond").GetDouble());
        Assert.Equal("a1", root.GetProperty("alerts")[0].GetProperty("id").GetString());
        var stats = root.GetProperty("rules").GetProperty(rule.Id);
        Assert.Equal(1, stats.GetProperty("fired").GetInt32());
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("meanDurationBars").ValueKind);
        Assert.Equal(1.5, stats.GetProperty("forwardReturnPct").GetProperty("1d").GetDouble());
        Assert.Equal(rule, RuleJson.Parse(root.GetProperty("parameters").GetProperty("rules")[0]).Rule);
        Assert.Equal("2025-01-06T00:00:00+00:00", root.GetProperty("parameters").GetProperty("from").GetString());
    }

    /// <summary>Every event sorted by the canonical key at once, and fed through a <see cref="PipelineDriver"/>: the final alerts.</summary>
    private static IEnumerable<string> Reference(RuleDefinition[] rules, List<Tick> ticks, List<InventoryValue> inventory)
    {
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        foreach (var rule in rules)
        {
            set.Put(rule, output);
        }

        var feed = new PipelineDriver(set, AdvancePolicy.PerInstant);
        var pipelines = new Dictionary<InstrumentId, InstrumentPipeline>();
        var events = ticks.Select((t, i) => (Time: t.Time, Rank: 1, Instrument: t.Instrument.Value, Order: (long)i, Tick: (Tick?)t, Value: (InventoryValue?)null))
            .Concat(inventory.Select((v, i) => (Time: v.PublishedAt, Rank: 0, Instrument: v.Instrument.Value, Order: (long)i, Tick: (Tick?)null, Value: (InventoryValue?)v)))
            .OrderBy(e => e.Time).ThenBy(e => e.Rank).ThenBy(e => e.Instrument, StringComparer.Ordinal).ThenBy(e => e.Order);
        foreach (var e in events)
        {
            if (e.Tick is { } tick)
            {
                if (!pipelines.TryGetValue(tick.Instrument, out var pipeline))
                {
                    pipelines[tick.Instrument] = pipeline = new InstrumentPipeline(tick.Instrument, [BarInterval.OneMinute, BarInterval.OneDay], InstrumentCatalog.StandardIndicators);
                }

                feed.Tick(pipeline, tick, output);
            }
            else
            {
                feed.Inventory(e.Value!.Value, output);
            }
        }

        feed.Advance(output);
        var alerts = new List<Alert>();
        foreach (var transition in output)
        {
            int index = alerts.FindIndex(a => a.Id == transition.Alert.Id);
            if (index >= 0)
            {
                alerts[index] = transition.Alert;
            }
            else
            {
                alerts.Add(transition.Alert);
            }
        }

        return alerts.Select(Describe);
    }

    private static string Describe(Alert alert) =>
        RuleRunner.Describe(new AlertTransition(null, alert.State, alert.StartedAt, alert));
}
