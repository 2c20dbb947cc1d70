using Monitor.Core.Expressions;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;

namespace Monitor.Core.Tests.Rules;

/// <summary>
/// One generated market per rule type, long enough for many episodes: mean-reverting random walks on weekdays
/// (no bars at weekends), inventory published on weekdays at 23:00, and parameters that make the rule fire now and
/// then. Deterministic for a seed.
/// </summary>
internal static class RuleScenarios
{
    public static readonly string[] Types =
    [
        "threshold", "percentMove", "indicatorCross", "priceFlowDivergence", "inventoryDrawdown",
        "crossVenueFlow", "ratioZScore", "spread", "stockToUse", "rsiDivergence",
    ];

    public static TheoryData<string> TypeData() => new(Types);

    /// <summary>The types with an expression equivalent (<see cref="ExpressionEquivalent"/>).</summary>
    public static TheoryData<string> ExpressionTypeData() => new(Types.Where(t => ExpressionEquivalent.Exists(Rule(t).Type)));

    public static RuleDefinition Rule(string type) => type switch
    {
        "threshold" => RuleRunner.Rule(type, """{"input":"COMEX:SI@rsi(14)","op":"above","value":62}""", 1, 1),
        "percentMove" => RuleRunner.Rule(type, """{"input":"COMEX:SI","window":"P10D","minPct":6}""", 0, 2),
        "indicatorCross" => RuleRunner.Rule(type, """{"fast":"COMEX:SI@macd(12,26,9).macd","slow":"COMEX:SI@macd(12,26,9).signal"}""", 0, 1),
        "priceFlowDivergence" => RuleRunner.Rule(
            type, """{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P10D","minPriceChangePct":3,"minFlowChangePct":1}""", 1, 1),
        "inventoryDrawdown" => RuleRunner.Rule(type, """{"input":"COMEX:SI/registered","window":"P10D","minPerDay":1,"unit":"moz"}""", 1, 2),
        "crossVenueFlow" => RuleRunner.Rule(
            type, """{"from":"COMEX:SI/registered","to":"COMEX:SI/vault","window":"P10D","minTransfer":6,"unit":"moz"}""", 0, 1),
        "ratioZScore" => RuleRunner.Rule(type, """{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"20","z":1.8}""", 0, 1),
        "spread" => RuleRunner.Rule(type, """{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}""", 2, 1),
        "stockToUse" => RuleRunner.Rule(type, """{"input":"LME:CA/stocks","annualUse":27000000,"maxDays":2,"unit":"t"}""", 1, 1),
        "rsiDivergence" => RuleRunner.Rule(type, """{"input":"COMEX:SI","period":14,"lookback":20}""", 0, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The daily events for <paramref name="days"/> calendar days (weekends have no bars or publications).</summary>
    public static RuleEvent[] Events(string type, int days, int seed)
    {
        var random = new Random(seed);
        double[] Walk(double centre, double volatility) => Scenarios.Walk(random, days, centre, volatility);
        var script = new MarketScript();
        switch (type)
        {
            case "threshold" or "percentMove" or "indicatorCross" or "rsiDivergence":
                Weekdays(script, "COMEX:SI", Walk(30, 0.02));
                break;
            case "priceFlowDivergence":
                Weekdays(script, "COMEX:SI", Walk(30, 0.02));
                WeekdaySeries(script, "ETF:SLV", "holdings", QuantityUnit.MegaTroyOunce, Walk(500, 0.004));
                break;
            case "inventoryDrawdown":
                Weekdays(script, "COMEX:SI", Walk(30, 0.02));
                WeekdaySeries(script, "COMEX:SI", "registered", QuantityUnit.MegaTroyOunce, Trending(random, days, 400, 1.5));
                break;
            case "crossVenueFlow":
            {
                Weekdays(script, "COMEX:SI", Walk(30, 0.02));
                double[] registered = Trending(random, days, 400, 1.5);
                double[] vault = registered.Select(r => 9000 - (0.9 * r) + (random.NextDouble() * 2)).ToArray();
                WeekdaySeries(script, "COMEX:SI", "registered", QuantityUnit.MegaTroyOunce, registered);
                WeekdaySeries(script, "COMEX:SI", "vault", QuantityUnit.MegaTroyOunce, vault);
                break;
            }

            case "ratioZScore":
                Weekdays(script, "COMEX:GC", Walk(2400, 0.01));
                Weekdays(script, "COMEX:SI", Walk(30, 0.02));
                break;
            case "spread":
            {
                double[] threeMonth = Walk(9700, 0.01);
                double[] spread = Walk(100, 0.3).Select(s => s - 100).ToArray();
                Weekdays(script, "LME:CA.CASH", threeMonth.Select((p, i) => p + spread[i]).ToArray());
                Weekdays(script, "LME:CA", threeMonth);
                break;
            }

            case "stockToUse":
                Weekdays(script, "LME:CA", Walk(9700, 0.01));
                WeekdaySeries(script, "LME:CA", "stocks", QuantityUnit.Kilotonne, Walk(150, 0.03));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }

        return script.Events();
    }

    /// <summary>
    /// Ticks of every instrument a rule reads, through an <see cref="InstrumentPipeline"/> each, merged by time: the
    /// order a live driver sees, where a bar's close arrives with the next tick of its own instrument.
    /// </summary>
    public static RuleEvent[] FromTicks(IEnumerable<Tick> ticks, IEnumerable<InventoryValue> inventory)
    {
        var pipelines = new Dictionary<InstrumentId, InstrumentPipeline>();
        var closed = new List<ClosedBar>();
        var merged = ticks.Select(t => (Time: t.Time.UtcTicks, Tick: (Tick?)t, Value: (InventoryValue?)null))
            .Concat(inventory.Select(v => (Time: v.PublishedAt.UtcTicks, Tick: (Tick?)null, Value: (InventoryValue?)v)))
            .OrderBy(e => e.Time)
            .ToList();
        var events = new List<RuleEvent>();
        foreach (var item in merged)
        {
            if (item.Value is { } value)
            {
                events.Add(RuleEvent.Published(value));
                continue;
            }

            var tick = item.Tick!.Value;
            if (!pipelines.TryGetValue(tick.Instrument, out var pipeline))
            {
                pipelines[tick.Instrument] = pipeline = new InstrumentPipeline(tick.Instrument, [BarInterval.OneDay], []);
            }

            closed.Clear();
            pipeline.Apply(tick, closed);
            foreach (var bar in closed)
            {
                events.Add(RuleEvent.Close(tick.Instrument, bar.Bar) with { Arrival = tick.Time.UtcTicks });
            }

            events.Add(RuleEvent.At(tick));
        }

        return [.. events];
    }

    private static void Weekdays(MarketScript script, string instrument, double[] closes) =>
        script.Closes(instrument, closes.Select((c, i) => IsWeekend(i) ? double.NaN : c).ToArray());

    private static void WeekdaySeries(MarketScript script, string instrument, string series, QuantityUnit unit, double[] values) =>
        script.Series(instrument, series, 0, unit, values.Select((v, i) => IsWeekend(i) ? double.NaN : v).ToArray());

    private static bool IsWeekend(int day) => Day(day).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>A level that drains or builds in regimes of a few weeks at up to <paramref name="maxPerDay"/> a day.</summary>
    private static double[] Trending(Random random, int days, double start, double maxPerDay)
    {
        var values = new double[days];
        double level = start;
        double drift = 0;
        for (int i = 0; i < days; i++)
        {
            if (i % 15 == 0)
            {
                drift = ((random.NextDouble() * 2) - 1) * maxPerDay;
                drift -= 0.002 * (level - start);
            }

            level = Math.Max(10, level + drift + ((random.NextDouble() - 0.5) * 0.5));
            values[i] = level;
        }

        return values;
    }
}

/// <summary>Random walks for generated markets.</summary>
internal static class Scenarios
{
    /// <summary>A mean-reverting geometric random walk around <paramref name="centre"/>.</summary>
    public static double[] Walk(Random random, int count, double centre, double volatility)
    {
        var values = new double[count];
        double logCentre = Math.Log(centre);
        double log = logCentre;
        for (int i = 0; i < count; i++)
        {
            log += (0.02 * (logCentre - log)) + (volatility * Gaussian(random));
            values[i] = Math.Exp(log);
        }

        return values;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
