using System.Collections.Concurrent;
using Monitor.Core.Market;

namespace Monitor.Core.Tests.Indicators;

/// <summary>The streaming indicators against the batch textbook, bar for bar, output for output.</summary>
public sealed class StreamingMatchesTextbookTests
{
    private static readonly ConcurrentDictionary<string, Bar[]> Series = new();

    private static readonly Lazy<Bar[]> LongSeries = new(() => GeneratedBars.Regimes(seed: 53, count: 200_000, blockLength: 20_000, 50_000, 0.5));

    public static TheoryData<string, string> SpecsBySeries()
    {
        var data = new TheoryData<string, string>();
        foreach (string spec in Specs.All)
        {
            foreach (string series in GeneratedBars.Names)
            {
                data.Add(spec, series);
            }
        }

        return data;
    }

    public static TheoryData<string> LongSeriesSpecs() => new("sma(20)", "wma(30)", "bb(20,2)", "stddev(10)", "stoch(14,3,3)");

    [Theory]
    [MemberData(nameof(SpecsBySeries))]
    public void GeneratedSeries_StreamingEqualsTextbookAtEveryBar(string spec, string series) =>
        IndicatorAssert.MatchesTextbook(spec, Series.GetOrAdd(series, GeneratedBars.Named));

    [Theory]
    [MemberData(nameof(LongSeriesSpecs))]
    public void TwoHundredThousandBars_SlidingSumsDoNotDrift(string spec) =>
        IndicatorAssert.MatchesTextbook(spec, LongSeries.Value);
}
