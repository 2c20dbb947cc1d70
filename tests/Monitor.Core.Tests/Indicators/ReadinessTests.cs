using System.Globalization;
using Monitor.Core.Indicators;
using Monitor.Core.Market;
using static Monitor.Core.Tests.Indicators.IndicatorAssert;

namespace Monitor.Core.Tests.Indicators;

/// <summary>When values appear, what IsReady and Samples say, and what Reset restores.</summary>
public sealed class ReadinessTests
{
    private static readonly Bar[] Walk = GeneratedBars.Walk(seed: 5, count: 400, centre: 100, volatility: 0.01);

    /// <summary>
    /// The reference library's first values: per output, the 0-based index of the first value;
    /// "-" where it depends on the data (only the active SuperTrend band has a value).
    /// </summary>
    public static TheoryData<string, string> ReferenceFirstValues() => new()
    {
        { "sma(20)", "19" },
        { "wma(20)", "19" },
        { "ema(20)", "19" },
        { "rsi(14)", "14" },
        { "macd(12,26,9)", "25,33,33,11,25" },
        { "bb(20,2)", "19,19,19,19,19,19" },
        { "atr(14)", "1,14,14" },
        { "stoch(14,3,3)", "15,17,17" },
        { "adx(14)", "14,14,14,27,41" },
        { "obv", "0" },
        { "stddev(10)", "9,9,9" },
        { "roc(20)", "20,20" },
        { "donchian(20)", "20,20,20,20" },
        { "keltner(20,2,10)", "19,19,19,19" },
        { "cci(20)", "19" },
        { "willr(14)", "13" },
        { "vwap", "0" },
        { "supertrend(14,3)", "14,-,-" },
    };

    public static TheoryData<string> LongPeriods() => new(
        "adx(101)", "adx(200)", "adx(100000)", "rsi(100000)", "atr(100000)", "ema(100000)", "supertrend(100000,3)",
        "macd(99999,100000,100000)", "keltner(100000,2,100000)", "keltner(1,2,100000)", "stoch(100000,100000,100000)",
        "sma(100000)", "donchian(100000)", "roc(100000)");

    [Theory]
    [MemberData(nameof(ReferenceFirstValues))]
    public void ReferenceSpec_FirstValueAtTheReadmeIndex(string spec, string firsts)
    {
        var indicator = IndicatorSpec.Create(spec);
        int?[] expected = firsts.Split(',').Select(f => f == "-" ? (int?)null : int.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        int[] actual = FirstValues(Stream(indicator, Walk));

        Assert.Equal(expected.Length, actual.Length);
        for (int o = 0; o < expected.Length; o++)
        {
            if (expected[o] is { } first)
            {
                Assert.True(first == actual[o], $"{indicator.OutputKey(o)}: first value at {actual[o]}, README says {first}");
            }
        }

        Assert.Equal(expected.Max() + 1, indicator.WarmUpPeriod);
    }

    [Theory]
    [MemberData(nameof(Specs.AllData), MemberType = typeof(Specs))]
    public void IsReady_FlipsExactlyWhenTheLastOutputGetsItsFirstValue(string spec)
    {
        var indicator = IndicatorSpec.Create(spec);
        var outputs = Stream(indicator, Walk, i =>
        {
            Assert.Equal(i + 1, indicator.Samples);
            Assert.Equal(i + 1 >= indicator.WarmUpPeriod, indicator.IsReady);
        });

        // Outputs that ever have a value on this ordinary series (a 1-bar window has no deviation, so no zScore or
        // CCI), leaving out SuperTrend's two bands, which take turns.
        int ready = indicator.WarmUpPeriod - 1;
        var steady = Enumerable.Range(0, outputs.Length)
            .Where(o => outputs[o].Any(v => v.HasValue) && !(spec.StartsWith("supertrend", StringComparison.Ordinal) && o > 0))
            .ToArray();
        foreach (int o in steady)
        {
            Assert.True(Array.TrueForAll(outputs[o][ready..], v => v.HasValue), $"{indicator.OutputKey(o)} has gaps once ready");
        }

        if (steady.Length > 0)
        {
            Assert.Equal(ready, steady.Max(o => Array.FindIndex(outputs[o], v => v.HasValue)));
        }
    }

    [Theory]
    [MemberData(nameof(Specs.AllData), MemberType = typeof(Specs))]
    public void Reset_ThenRefeeding_GivesTheOutputsOfAFreshInstance(string spec)
    {
        var reused = IndicatorSpec.Create(spec);
        Stream(reused, GeneratedBars.Named("flat-and-idle")[..700]);
        reused.Reset();
        Assert.Equal(0, reused.Samples);
        Assert.False(reused.IsReady);
        Assert.All(Enumerable.Range(0, reused.Outputs.Count), o => Assert.Null(reused.Output(o)));

        var bars = GeneratedBars.Named("penny")[..500];
        var again = Stream(reused, bars);
        var fresh = Stream(IndicatorSpec.Create(spec), bars);
        for (int o = 0; o < fresh.Length; o++)
        {
            Assert.Equal(fresh[o], again[o]);
        }

        Assert.Equal(bars.Length, reused.Samples);
    }

    [Theory]
    [MemberData(nameof(Specs.AllData), MemberType = typeof(Specs))]
    [MemberData(nameof(LongPeriods))]
    public void ConvergencePeriod_IsAtLeastTheWarmUp(string spec)
    {
        var indicator = IndicatorSpec.Create(spec);
        Assert.True(indicator.WarmUpPeriod >= 1, $"{spec}: warm-up {indicator.WarmUpPeriod}");
        Assert.True(
            indicator.ConvergencePeriod >= indicator.WarmUpPeriod,
            $"{spec}: converges after {indicator.ConvergencePeriod} bars but is only ready after {indicator.WarmUpPeriod}");
    }

    [Theory]
    [InlineData("ema(20)", 120)]
    [InlineData("rsi(14)", 140)]
    [InlineData("macd(12,26,9)", 285)]
    [InlineData("adx(14)", 128)]
    [InlineData("atr(14)", 140)]
    [InlineData("sma(20)", 20)]
    public void ConvergencePeriod_FollowsTheLibraryGuidance(string spec, int bars)
    {
        var indicator = IndicatorSpec.Create(spec);
        Assert.Equal(bars, indicator.ConvergencePeriod);
        for (int i = 0; i < bars; i++)
        {
            Assert.False(indicator.IsConverged);
            indicator.Update(Walk[i]);
        }

        Assert.True(indicator.IsConverged);
    }
}
