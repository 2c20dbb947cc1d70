using Monitor.Core.Backtesting;
using Monitor.Core.Derived;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;
using Monitor.Core.Tests.Backtesting;
using Monitor.Core.Tests.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Derived;

public sealed class DerivedSeriesTests
{
    private static readonly InstrumentId Gold = Id("COMEX:GC");
    private static readonly InstrumentId Silver = Id("COMEX:SI");
    private static readonly InstrumentId Slv = Id("ETF:SLV");
    private static readonly InstrumentId Ratio = Id("X:GSR");
    private static readonly BarInterval[] Intervals = [BarInterval.OneHour, BarInterval.OneDay];

    private static InstrumentDefinition Series(string id, string expression) =>
        new(Id(id), id, InstrumentKind.Derived, "USD", "ratio", Intervals, false) { Expression = expression };

    private static Func<InstrumentId, InstrumentDefinition?> Catalog(params InstrumentDefinition[] derived)
    {
        var catalog = InstrumentCatalog.BuiltIn();
        foreach (var series in derived)
        {
            catalog.Put(series);
        }

        return id => catalog.TryGet(id, out var definition) ? definition : null;
    }

    [Fact]
    public void Ratio_TicksWhenEitherInputTicks_OnceBothHaveAPrice()
    {
        var gsr = new DerivedSeriesCalculator(Series("X:GSR", "COMEX:GC / COMEX:SI"));
        var t = Day(0).AddHours(10);

        Assert.False(gsr.TryCompute(new Tick(Gold, t, 2400, 1), out _));
        Assert.Equal("COMEX:SI has no value yet", gsr.NotReady);
        Assert.True(gsr.TryCompute(new Tick(Silver, t.AddSeconds(1), 30, 1), out var first));
        Assert.True(gsr.TryCompute(new Tick(Gold, t.AddSeconds(2), 2430, 1), out var second));
        Assert.False(gsr.TryCompute(new Tick(Slv, t.AddSeconds(3), 27, 1), out _));

        Assert.Equal(new Tick(Ratio, t.AddSeconds(1), 80, 0, 1), first);
        Assert.Equal(new Tick(Ratio, t.AddSeconds(2), 81, 0, 2), second);
        Assert.Null(gsr.NotReady);
    }

    [Fact]
    public void DivisionByZero_MakesNoTickAndSaysWhy()
    {
        var spread = new DerivedSeriesCalculator(Series("X:R", "COMEX:GC / (COMEX:SI - ETF:SLV)"));
        var t = Day(0).AddHours(10);
        spread.TryCompute(new Tick(Gold, t, 2400, 1), out _);
        spread.TryCompute(new Tick(Silver, t, 30, 1), out _);

        Assert.False(spread.TryCompute(new Tick(Slv, t, 30, 1), out _));

        Assert.Equal("division by zero: '(COMEX:SI - ETF:SLV)' is 0 in 'COMEX:GC / (COMEX:SI - ETF:SLV)'", spread.NotReady);
    }

    [Fact]
    public void InventoryInput_CountsFromItsPublication()
    {
        var perShare = new DerivedSeriesCalculator(Series("X:SLVOZ", "ETF:SLV/holdings / 1 moz * ETF:SLV"));
        var t = Day(0).AddHours(10);
        perShare.AddInventory(new InventoryValue(Slv, "holdings", Date(0), t.AddHours(1), 500, QuantityUnit.MegaTroyOunce));

        Assert.False(perShare.TryCompute(new Tick(Slv, t, 28, 1), out _));
        Assert.Equal("ETF:SLV/holdings has no value yet", perShare.NotReady);
        Assert.True(perShare.TryCompute(new Tick(Slv, t.AddHours(1), 28, 1), out var tick));
        Assert.Equal(500 * 28, tick.Price, 9);
    }

    [Fact]
    public void SavedState_ResumesWhereItStopped()
    {
        var definition = Series("X:GSR", "COMEX:GC / COMEX:SI");
        var before = new DerivedSeriesCalculator(definition);
        var t = Day(0).AddHours(10);
        before.TryCompute(new Tick(Gold, t, 2400, 1), out _);
        before.TryCompute(new Tick(Silver, t, 30, 1), out _);

        var after = new DerivedSeriesCalculator(definition);
        after.RestoreState(before.SaveState(), sameExpression: true);

        Assert.True(after.TryCompute(new Tick(Silver, t.AddMinutes(1), 32, 1), out var tick));
        Assert.Equal(new Tick(Ratio, t.AddMinutes(1), 75, 0, 2), tick);
    }

    [Theory]
    [InlineData("COMEX:GC / COMEX:SI > 80", "'expression' at position 1 ('COMEX:GC / COMEX:SI > 80'): a derived series is a number, and this is true or false")]
    [InlineData("zscore(COMEX:GC, P60D)", "'expression' at position 1 ('zscore'): a derived series is computed from the latest value of each input at every tick, so it takes no zscore()")]
    [InlineData("COMEX:SI@rsi(14) / 2", "'expression' at position 1 ('COMEX:SI@rsi(14)'): a derived series reads prices and inventory series, not indicators")]
    [InlineData("ETF:SLV/holdings / 1000", "'expression' at position 1: a derived series ticks when the prices it reads tick, and this reads no price")]
    [InlineData("COMEX:GC / NOPE:XX", "'expression' reads NOPE:XX, which is not an instrument or derived series here")]
    [InlineData("COMEX:GC + ETF:SLV/holdings", "'expression' at position 10 ('+'): cannot add a price (money) ('COMEX:GC') and a quantity of metal")]
    [InlineData("X:GSR * 2", "'expression' reads X:GSR itself")]
    public void Check_RefusesWithWhereAndWhat(string expression, string expected)
    {
        var problems = DerivedSeries.Check(Ratio, expression, Catalog());

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_RefusesACycleThroughOtherSeries_AndAVenueOtherThanX()
    {
        var find = Catalog(Series("X:A", "X:B * 2"), Series("X:B", "COMEX:GC / COMEX:SI"));

        Assert.Equal(["'expression' would make a cycle of derived series: X:B -> X:A -> X:B"], DerivedSeries.Check(Id("X:B"), "X:A / COMEX:SI", find));
        Assert.Empty(DerivedSeries.Check(Id("X:C"), "X:A / COMEX:SI", find));
        Assert.Equal(["a derived series' id has the venue X, as in X:GSR; 'ETF:GSR' has ETF"], DerivedSeries.Check(Id("ETF:GSR"), "COMEX:GC / COMEX:SI", find));
    }

    private static List<Tick> InputTicks(int seed, int days)
    {
        var random = new Random(seed);
        var ticks = new List<Tick>();
        foreach (var (id, start) in new[] { (Gold, 2400.0), (Silver, 30.0) })
        {
            double[] closes = Scenarios.Walk(random, days, start, id == Silver ? 0.025 : 0.01);
            long seq = 0;
            for (int day = 0; day < days; day++)
            {
                int count = random.Next(1, 6);
                for (int i = 0; i < count; i++)
                {
                    double price = closes[day] * (1 + (0.01 * (random.NextDouble() - 0.5)));
                    ticks.Add(new Tick(id, Day(day).AddHours(1 + (22.0 * (i + random.NextDouble()) / count)), price, 1, ++seq));
                }
            }
        }

        return [.. ticks.OrderBy(t => t.Time).ThenBy(t => t.Instrument.Value, StringComparer.Ordinal)];
    }

    private static RuleDefinition[] RulesOverTheRatio() =>
    [
        Rule("expression", """{"condition":"zscore(X:GSR, 20) > 1.2 or zscore(X:GSR, 20) < -1.2"}""", 0, 1, id: "gsr-z"),
        Rule("threshold", """{"input":"X:GSR@rsi(14)","op":"above","value":60}""", 1, 1, id: "gsr-rsi"),
        Rule("percentMove", """{"input":"X:GSR","window":"P5D","minPct":3}""", 0, 0, "tick", id: "gsr-move"),
    ];

    /// <summary>
    /// As the live service runs it: the series' calculator takes the inputs' applied ticks in event order and its ticks
    /// go, a batch at a time, to the series' own pipeline and rules (its instrument grain), which advance after each batch.
    /// </summary>
    private static List<AlertTransition> Live(List<Tick> inputs, int batch)
    {
        var calculator = new DerivedSeriesCalculator(Series("X:GSR", "COMEX:GC / COMEX:SI"));
        var inputPipelines = new Dictionary<InstrumentId, InstrumentPipeline>
        {
            [Gold] = new(Gold, Intervals, []),
            [Silver] = new(Silver, Intervals, []),
        };
        var derived = new List<Tick>();
        var closed = new List<ClosedBar>();
        foreach (var tick in inputs)
        {
            if (inputPipelines[tick.Instrument].Apply(tick, closed) == TickDisposition.Applied && calculator.TryCompute(tick, out var made))
            {
                derived.Add(made);
            }
        }

        var output = new List<AlertTransition>();
        var set = new RuleSet();
        foreach (var rule in RulesOverTheRatio())
        {
            set.Put(rule, output);
        }

        var driver = new PipelineDriver(set, AdvancePolicy.PerBatch);
        var pipeline = new InstrumentPipeline(Ratio, Intervals, InstrumentCatalog.StandardIndicators);
        for (int start = 0; start < derived.Count; start += batch)
        {
            foreach (var tick in derived.Skip(start).Take(batch))
            {
                driver.Tick(pipeline, tick, output);
            }

            driver.Advance(output);
        }

        return output;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(29)]
    public async Task RulesOverADerivedSeries_RaiseTheSameAlertsLiveAndInABacktest(int batch)
    {
        var inputs = InputTicks(seed: 4, days: 300);
        var series = Series("X:GSR", "COMEX:GC / COMEX:SI");
        var source = new DerivedSeriesSource(new MemorySource().Add(inputs), [series], _ => Intervals);

        var report = await new BacktestEngine(RulesOverTheRatio(), _ => Intervals).RunAsync(source, null, null);
        var live = Live(inputs, batch);

        var backtest = report.Alerts.Select(a => $"{a.Id} {a.RuleId} {a.State} {a.StartedAt:O} {a.FiredAt:O} {a.ResolvedAt:O} {a.Message}").Order(StringComparer.Ordinal).ToArray();
        var liveAlerts = live.GroupBy(t => t.Alert.Id).Select(g => g.Last().Alert)
            .Select(a => $"{a.Id} {a.RuleId} {a.State} {a.StartedAt:O} {a.FiredAt:O} {a.ResolvedAt:O} {a.Message}").Order(StringComparer.Ordinal).ToArray();
        Assert.True(backtest.Length > 20, $"only {backtest.Length} alerts");
        Assert.All(["gsr-z", "gsr-rsi", "gsr-move"], rule => Assert.Contains(backtest, a => a.Contains($" {rule} ", StringComparison.Ordinal)));
        Assert.Equal(backtest, liveAlerts);
    }
}
