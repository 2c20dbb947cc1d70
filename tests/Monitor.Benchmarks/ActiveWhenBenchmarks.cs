using BenchmarkDotNet.Attributes;
using Monitor.Core.Expressions;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Benchmarks;

/// <summary>
/// Cost per bar of a rule's <c>activeWhen</c> check: an expression rule (<c>percentMove</c> over 30 minutes, written in
/// the rule language) fed one-minute bars of COMEX:SI, always active, or limited to NYSE Arca's session or to a recurring
/// window in New York time. Limited, it is outside its times for about three bars in four (nights and weekends) and
/// inside for the rest. The move it waits for (5%) does not happen in this data, so no alert is raised and the Allocated
/// column is what evaluating and skipping bars allocates: the bound is 0 B, inside or outside. Each invocation feeds the
/// next four weeks to the same rule set.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ActiveWhenBenchmarks
{
    public const int Minutes = 4 * 7 * 24 * 60;

    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");

    private static readonly Dictionary<string, string?> Times = new()
    {
        ["always"] = null,
        ["nyse-arca"] = """{"calendar":"nyse-arca","when":"open"}""",
        ["new-york-window"] = """{"weekdays":["monday:friday"],"times":[{"start":"09:30","end":"16:00"}],"timeZone":"America/New_York"}""",
    };

    private readonly List<AlertTransition> _transitions = [];
    private double[] _prices = [];
    private RuleSet _set = null!;
    private DateTimeOffset _next;

    [ParamsSource(nameof(ActiveWhenNames))]
    public string ActiveWhen { get; set; } = "always";

    public static IEnumerable<string> ActiveWhenNames() => Times.Keys;

    [GlobalSetup]
    public void Setup()
    {
        var rule = ExpressionEquivalent.For(RuleJson.Parse("""
            {"id":"bench","type":"percentMove","interval":"1m","params":{"input":"COMEX:SI","window":"PT30M","minPct":5}}
            """).Rule!);
        if (Times[ActiveWhen] is { } times)
        {
            rule = rule with { ActiveWhen = RuleActiveTimes.Parse(times) };
        }

        var random = new Random(20_261_207);
        double price = 30;
        _prices = [.. Enumerable.Range(0, Minutes).Select(_ => price *= 1 + (0.004 * (random.NextDouble() - 0.5)))];
        _set = new RuleSet();
        _set.Put(rule, _transitions);
        _next = new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);

        // Refuse to measure a rule that never evaluates its condition, or never sees both sides of its times.
        var seen = new HashSet<RuleOutcome>();
        for (int minute = 0; minute < Minutes; minute++)
        {
            Feed(minute);
            seen.Add(_set.Find("bench")!.Status.Outcome);
        }

        if (!seen.Contains(RuleOutcome.ConditionFalse) || (Times[ActiveWhen] is not null && !seen.Contains(RuleOutcome.Inactive)))
        {
            throw new InvalidOperationException($"{ActiveWhen}: outcomes {string.Join(", ", seen)}: the data does not exercise the rule");
        }
    }

    [Benchmark(OperationsPerInvoke = Minutes)]
    public int FeedMinutes()
    {
        int transitions = 0;
        for (int minute = 0; minute < Minutes; minute++)
        {
            transitions += Feed(minute);
        }

        return transitions;
    }

    private int Feed(int minute)
    {
        var time = _next;
        _next = time.AddMinutes(1);
        double price = _prices[minute];
        _set.OnBarClosed(Silver, BarInterval.OneMinute, new Bar(time, price, price, price, price, 1), _transitions);
        _set.AdvanceTo(_next, _transitions);
        int count = _transitions.Count;
        _transitions.Clear();
        return count;
    }
}
