using BenchmarkDotNet.Attributes;
using Monitor.Core.Expressions;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Benchmarks;

/// <summary>
/// Cost of evaluating one rule per bar, for each rule type: a <see cref="RuleSet"/> with that one rule is fed 20,000
/// days of daily bars for COMEX:SI, COMEX:GC and LME:CA (seeded random walks) and a daily value of each inventory
/// series the rules read, published the next morning, in event-time order as the grains and the backtest feed it.
/// Mean is nanoseconds per day, that is per bar of the rule's clock, including feeding its inputs. A type written
/// <c>type:expression</c> is the same rule in the rule language (<see cref="ExpressionEquivalent"/>), which raises the
/// same alerts: the two rows compare like with like.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class RuleBenchmarks
{
    public const int Days = 20_000;

    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly InstrumentId Gold = InstrumentId.Parse("COMEX:GC");
    private static readonly InstrumentId Copper = InstrumentId.Parse("LME:CA");
    private static readonly InstrumentId SilverEtf = InstrumentId.Parse("ETF:SLV");

    private static readonly Dictionary<string, string> Params = new()
    {
        ["threshold"] = """{"input":"COMEX:SI@rsi(14)","op":"above","value":70}""",
        ["percentMove"] = """{"input":"COMEX:SI","window":"P15D","minPct":5}""",
        ["indicatorCross"] = """{"fast":"COMEX:SI@macd(12,26,9).macd","slow":"COMEX:SI@macd(12,26,9).signal","direction":"both"}""",
        ["priceFlowDivergence"] = """{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P15D","minPriceChangePct":5,"minFlowChangePct":1}""",
        ["inventoryDrawdown"] = """{"input":"COMEX:SI/registered","window":"P10D","minPct":3}""",
        ["crossVenueFlow"] = """{"from":"COMEX:SI/registered","to":"COMEX:SI/vault","window":"P10D","minTransfer":1000000}""",
        ["ratioZScore"] = """{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"P60D","z":2}""",
        ["spread"] = """{"near":"COMEX:GC","far":"COMEX:SI","op":"above","value":1980}""",
        ["stockToUse"] = """{"input":"LME:CA/stocks","annualUse":27000000,"maxDays":3}""",
        ["rsiDivergence"] = """{"input":"COMEX:SI","period":14,"lookback":20}""",
    };

    private const string ExpressionForm = ":expression";

    private readonly List<AlertTransition> _transitions = [];
    private Bar[][] _bars = [];
    private InventoryValue[][] _inventory = [];
    private RuleDefinition _rule = null!;

    [ParamsSource(nameof(Types))]
    public string Type { get; set; } = "threshold";

    public static IEnumerable<string> Types() =>
        Params.Keys.Concat(Params.Keys.Where(t => t != "rsiDivergence").Select(t => t + ExpressionForm));

    public int Transitions { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        string type = Type.Replace(ExpressionForm, "", StringComparison.Ordinal);
        var parsed = RuleJson.Parse($$"""{"id":"bench","type":"{{type}}","interval":"1d","params":{{Params[type]}}}""");
        _rule = parsed.Rule ?? throw new InvalidOperationException(string.Join("; ", parsed.Problems));
        if (Type.EndsWith(ExpressionForm, StringComparison.Ordinal))
        {
            _rule = ExpressionEquivalent.For(_rule);
        }

        var random = new Random(20_261_122);
        var start = new DateTimeOffset(1970, 1, 5, 0, 0, 0, TimeSpan.Zero);
        _bars = [Walk(random, start, 30), Walk(random, start, 2000), Walk(random, start, 9500)];
        _inventory = [.. Enumerable.Range(0, Days).Select(day =>
        {
            var asOf = DateOnly.FromDateTime(start.AddDays(day).UtcDateTime);
            var published = start.AddDays(day + 1).AddHours(1);
            double wave = Math.Sin(day * 0.07);
            return new[]
            {
                new InventoryValue(SilverEtf, InventorySeries.Holdings, asOf, published, 5e8 * (1 + (0.03 * wave)), QuantityUnit.TroyOunce),
                new InventoryValue(Silver, InventorySeries.Registered, asOf, published, 1e8 * (1 + (0.05 * wave)), QuantityUnit.TroyOunce),
                new InventoryValue(Silver, InventorySeries.Vault, asOf, published, 8e8 * (1 - (0.01 * wave)), QuantityUnit.TroyOunce),
                new InventoryValue(Copper, InventorySeries.Stocks, asOf, published, 250_000 * (1 + (0.4 * wave)), QuantityUnit.Tonne),
            };
        })];

        // A rule that never fires would time an evaluator stuck before its condition: refuse to measure that.
        if (FeedDays() == 0)
        {
            throw new InvalidOperationException($"the {Type} rule never fired over {Days} days: the data does not exercise it");
        }
    }

    [Benchmark(OperationsPerInvoke = Days)]
    public int FeedDays()
    {
        var set = new RuleSet();
        set.Put(_rule, _transitions);
        int transitions = 0;
        for (int day = 0; day < Days; day++)
        {
            set.OnBarClosed(Silver, BarInterval.OneDay, _bars[0][day], _transitions);
            set.OnBarClosed(Gold, BarInterval.OneDay, _bars[1][day], _transitions);
            set.OnBarClosed(Copper, BarInterval.OneDay, _bars[2][day], _transitions);
            var close = _bars[0][day].Time.AddDays(1);
            set.AdvanceTo(close, _transitions);
            foreach (var value in _inventory[day])
            {
                set.OnInventory(value, _transitions);
            }

            set.AdvanceTo(close.AddHours(1), _transitions);
            transitions += _transitions.Count;
            _transitions.Clear();
        }

        Transitions = transitions;
        return transitions;
    }

    private static Bar[] Walk(Random random, DateTimeOffset start, double price)
    {
        var bars = new Bar[Days];
        for (int day = 0; day < Days; day++)
        {
            double open = price;
            price *= Math.Exp(0.02 * ((random.NextDouble() * 2) - 1));
            double high = Math.Max(open, price) * 1.005;
            double low = Math.Min(open, price) * 0.995;
            bars[day] = new Bar(start.AddDays(day), open, high, low, price, 1000);
        }

        return bars;
    }
}
