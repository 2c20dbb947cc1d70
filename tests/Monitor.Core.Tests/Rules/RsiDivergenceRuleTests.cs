using Monitor.Core.Indicators;
using Monitor.Core.Market;
using Monitor.Core.Rules;
using Monitor.Core.Tests.Indicators;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

/// <summary>
/// The incremental divergence check (monotonic queues over the lookback) against a naive scan of the lookback at
/// every bar, on random walks; plus the cases a scan cannot show: convergence, boundaries, restarts.
/// </summary>
public sealed class RsiDivergenceRuleTests
{
    private const int Lookback = 20;

    private static RuleDefinition Divergence(int pending = 0, int keep = 0) =>
        Rule("rsiDivergence", $$"""{"input":"COMEX:SI","period":14,"lookback":{{Lookback}}}""", pending, keep);

    private static double[] Walk(int seed, int count) =>
        GeneratedBars.Walk(seed, count, centre: 30, volatility: 0.02).Select(b => b.Close).ToArray();

    private static RuleEvent[] Closes(double[] closes) => new MarketScript().Closes("COMEX:SI", closes).Events();

    /// <summary>Per bar: null before the RSI has converged and the lookback filled, else whether a divergence shows.</summary>
    private static (bool? Holds, string? Direction)[] NaiveScan(double[] closes)
    {
        var rsi = new RelativeStrengthIndex(14);
        var seen = new List<(double Close, double Rsi)>();
        var result = new (bool?, string?)[closes.Length];
        for (int i = 0; i < closes.Length; i++)
        {
            rsi.Update(new Bar(MarketScript.Day(i), closes[i], closes[i], closes[i], closes[i], 1));
            if (!rsi.IsConverged)
            {
                continue;
            }

            double close = closes[i];
            double strength = rsi.Value!.Value;
            if (seen.Count >= Lookback)
            {
                var window = seen.Skip(seen.Count - Lookback).ToList();
                int high = 0;
                int low = 0;
                for (int j = 0; j < window.Count; j++)
                {
                    high = window[j].Close >= window[high].Close ? j : high;
                    low = window[j].Close <= window[low].Close ? j : low;
                }

                bool bearish = RuleMath.Above(close, window[high].Close) && RuleMath.Below(strength, window[high].Rsi);
                bool bullish = RuleMath.Below(close, window[low].Close) && RuleMath.Above(strength, window[low].Rsi);
                result[i] = (bearish || bullish, bearish ? "bearish" : bullish ? "bullish" : null);
            }

            seen.Add((close, strength));
        }

        return result;
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(29)]
    public void EveryBar_MatchesANaiveScan(int seed)
    {
        double[] closes = Walk(seed, 2_000);
        var expected = NaiveScan(closes);
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Divergence(), output);
        int divergences = 0;

        var events = Closes(closes);
        for (int i = 0; i < events.Length; i++)
        {
            Feed(set, events, i, output);
            var status = set.Rules[0].Status;
            if (expected[i].Holds is { } holds)
            {
                Assert.Equal(holds ? RuleOutcome.ConditionTrue : RuleOutcome.ConditionFalse, status.Outcome);
                divergences += holds ? 1 : 0;
            }
            else
            {
                Assert.True(status.Outcome is RuleOutcome.InputNotReady or RuleOutcome.NotReady, $"bar {i}: {status.Outcome}");
            }
        }

        Assert.True(divergences >= 5, $"only {divergences} divergences: the walk does not exercise the rule");
        Assert.Equal(
            expected.Where(e => e.Holds == true).Select(e => e.Direction).First(),
            output.First(t => t.To == AlertState.Firing).Alert.Direction);
    }

    [Fact]
    public void Divergence_FiresWithTheNumbersAndResolvesAtTheNextBar()
    {
        double[] closes = Walk(3, 2_000);
        var expected = NaiveScan(closes);
        var transitions = Run(Divergence(), Closes(closes));
        int first = Array.FindIndex(expected, e => e.Holds == true);

        Assert.Equal($"firing@{first}", Summary(transitions)[0]);
        Assert.Matches(
            @"^COMEX:SI closed [\d.,]+, (above|below) its 20-bar (high|low) [\d.,]+, while rsi\(14\) [\d.]+ stayed (under|over) [\d.]+ at that (high|low): (bearish|bullish) divergence$",
            transitions[0].Alert.Message);
        if (expected[first + 1].Holds == false)
        {
            Assert.Equal($"resolved@{first + 1}", Summary(transitions)[1]);
        }
    }

    [Fact]
    public void SteadyRise_HigherHighsOnAnEqualRsi_DoNotFire()
    {
        // Every close is a new high, and RSI stays at 100: not a lower high, so no divergence.
        Assert.Empty(Run(Divergence(), Closes(Enumerable.Range(0, 400).Select(i => 10.0 + i).ToArray())));
    }

    [Fact]
    public void PendingBars_FireOnlyOnDivergencesThatLast()
    {
        double[] closes = Walk(17, 2_000);
        var expected = NaiveScan(closes);

        var transitions = Run(Divergence(pending: 1), Closes(closes));

        // With pendingBars 1 an episode fires at the second consecutive bar showing the same divergence.
        var expectedFirings = Enumerable.Range(1, closes.Length - 1)
            .Where(i => expected[i].Holds == true && expected[i - 1].Holds == true && expected[i].Direction == expected[i - 1].Direction
                && !(i >= 2 && expected[i - 2].Holds == true && expected[i - 2].Direction == expected[i].Direction))
            .Select(i => $"firing@{i}")
            .ToArray();
        Assert.Equal(expectedFirings, Summary(transitions).Where(s => s.StartsWith("firing", StringComparison.Ordinal)).ToArray());
        Assert.Contains(transitions, t => t.To == AlertState.Resolved && t.Alert.FiredAt is null);
    }

    [Fact]
    public void BeforeTheRsiConverges_NothingFires()
    {
        double[] closes = Walk(3, 139);

        var transitions = Run(Divergence(), Closes(closes), out var set);

        Assert.Empty(transitions);
        Assert.Equal(RuleOutcome.InputNotReady, set.Rules[0].Status.Outcome);
        Assert.Equal("COMEX:SI@rsi(14)", set.Rules[0].Status.Input.ToString());
    }

    [Fact]
    public void GapInTrading_PrimaryIsNeverStale()
    {
        double[] closes = [.. Walk(3, 200), double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 31];

        var status = StatusAfter(Divergence(), Closes(closes));

        Assert.True(status.Outcome is RuleOutcome.ConditionTrue or RuleOutcome.ConditionFalse, status.Describe());
    }
}
