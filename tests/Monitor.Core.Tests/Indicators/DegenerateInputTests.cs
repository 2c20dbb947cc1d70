using Monitor.Core.Indicators;
using Monitor.Core.Market;
using static Monitor.Core.Tests.Indicators.IndicatorAssert;

namespace Monitor.Core.Tests.Indicators;

/// <summary>The documented rules for flat, all-zero and volumeless input (docs/indicators.md, the class comments).</summary>
public sealed class DegenerateInputTests
{
    // 0.1 is not a binary fraction: the rounded mean of n copies can differ from 0.1 by an ulp, so "flat" must be
    // recognised as flat rather than computed as a near-zero deviation.
    private static readonly double[] FlatPrices = [0.1, 1, 1234.56, 50_000.01];

    public static TheoryData<double> Prices() => new(FlatPrices);

    [Theory]
    [MemberData(nameof(Prices))]
    [InlineData(0)]
    public void RsiWithNoMovementAtAll_IsNeutral50(double price) =>
        AfterWarmUp("rsi(3)", GeneratedBars.Flat(10, price, 100), "rsi", 50);

    [Fact]
    public void RsiAfterAFlatStart_MovesAwayFrom50()
    {
        var bars = GeneratedBars.Flat(4, 10, 100).Concat(GeneratedBars.FromCloses(11)).ToArray();
        Values("rsi(3)", bars, "rsi", null, null, null, 50, 100);
    }

    [Theory]
    [MemberData(nameof(Prices))]
    [InlineData(0)]
    public void StochasticOverAFlatRange_IsZero(double price)
    {
        var bars = GeneratedBars.Flat(12, price, 100);
        AfterWarmUp("stoch(5,2,2)", bars, "k", 0);
        AfterWarmUp("stoch(5,2,2)", bars, "d", 0);
        AfterWarmUp("stoch(5,2,2)", bars, "j", 0);
    }

    [Theory]
    [MemberData(nameof(Prices))]
    [InlineData(0)]
    public void WilliamsROverAFlatRange_IsMinus100(double price) =>
        AfterWarmUp("willr(5)", GeneratedBars.Flat(8, price, 100), "willr", -100);

    [Theory]
    [MemberData(nameof(Prices))]
    public void BollingerOverEqualCloses_HasZeroWidthAndNoPercentBOrZScore(double price)
    {
        var bars = GeneratedBars.Flat(8, price, 100);
        AfterWarmUp("bb(5,2)", bars, "sma", price);
        AfterWarmUp("bb(5,2)", bars, "upperBand", price);
        AfterWarmUp("bb(5,2)", bars, "lowerBand", price);
        AfterWarmUp("bb(5,2)", bars, "percentB", null);
        AfterWarmUp("bb(5,2)", bars, "zScore", null);
        AfterWarmUp("bb(5,2)", bars, "width", 0);
    }

    [Theory]
    [MemberData(nameof(Prices))]
    public void StdDevOverEqualCloses_IsExactlyZeroWithoutZScore(double price)
    {
        var indicator = new StandardDeviation(5);
        foreach (var bar in GeneratedBars.Flat(8, price, 100))
        {
            indicator.Update(bar);
        }

        Assert.Equal(0, indicator.Output(0));
        Assert.Null(indicator.Output(2));
    }

    [Fact]
    public void StdDevAfterAFlatWindowEnds_HasValuesAgain()
    {
        var bars = GeneratedBars.Flat(3, 2, 100).Concat(GeneratedBars.FromCloses(6)).ToArray();
        // Window 2, 2, 6: mean 10/3, deviations 4/3, 4/3, 8/3 -> variance (16 + 16 + 64)/27 = 32/9.
        Values("stddev(3)", bars, "stdDev", null, null, 0, Math.Sqrt(32 / 9.0));
        Values("stddev(3)", bars, "zScore", null, null, null, (6 - (10 / 3.0)) / Math.Sqrt(32 / 9.0));
    }

    [Theory]
    [MemberData(nameof(Prices))]
    [InlineData(0)]
    public void CciOverAFlatWindow_HasNoValue(double price) =>
        AfterWarmUp("cci(5)", GeneratedBars.Flat(8, price, 100), "cci", null);

    [Fact]
    public void VwapWhileNoVolumeHasTraded_HasNoValue()
    {
        var bars = GeneratedBars.Flat(3, 10, 0).Concat(GeneratedBars.FromCloses(12)).ToArray();
        Values("vwap", bars, "vwap", null, null, null, 12);
    }

    [Fact]
    public void RocAgainstAZeroClose_HasNoRateButAMomentum()
    {
        var bars = GeneratedBars.FromCloses(0, 5, 0, 0);
        Values("roc(1)", bars, "roc", null, null, -100, null);
        Values("roc(1)", bars, "momentum", null, 5, -5, 0);
    }

    [Fact]
    public void AtrpAtAZeroClose_HasNoValueWhileAtrHasOne()
    {
        var bars = GeneratedBars.FromHighLowClose((2, 1, 1), (2, 0, 0), (1, 0, 0.5));
        Values("atr(1)", bars, "atr", null, 2, 1);
        Values("atr(1)", bars, "atrp", null, null, 1 / 0.5 * 100);
    }

    [Fact]
    public void AdxOverAFlatStart_ReportsNoDirectionAndStillInitialises()
    {
        var bars = GeneratedBars.Flat(3 * 4, 7.5, 100).Concat(GeneratedBars.Walk(seed: 3, count: 30, centre: 7.5, volatility: 0.02)).ToArray();
        var outputs = Stream(new AverageDirectionalIndex(4), bars);

        // Flat bars 4..11: no range, so pdi = mdi = dx = 0; the ADX starts at 0 at 2n - 1 = 7 and adxr at 11.
        for (int i = 4; i < 12; i++)
        {
            Assert.Equal(0, outputs[0][i]);
            Assert.Equal(0, outputs[1][i]);
            Assert.Equal(0, outputs[2][i]);
        }

        Assert.Null(outputs[3][6]);
        Assert.Equal(0, outputs[3][7]);
        Assert.Equal(0, outputs[4][11]);

        // Once prices move the ADX leaves 0 and never loses its value again.
        Assert.True(outputs[3][^1] > 0);
        Assert.All(outputs[3][7..], v => Assert.NotNull(v));
    }

    [Fact]
    public void DonchianAroundAZeroCentre_HasBandsButNoWidth()
    {
        var bars = GeneratedBars.FromHighLowClose((1, -1, 0), (1, -1, 0.5), (2, -2, 0));
        Values("donchian(2)", bars, "upperBand", null, null, 1);
        Values("donchian(2)", bars, "centerline", null, null, 0);
        Values("donchian(2)", bars, "width", null, null, null);
    }

    [Theory]
    [InlineData("donchian(3)", "width")]
    [InlineData("keltner(3,2,3)", "width")]
    [InlineData("bb(3,2)", "width")]
    [InlineData("bb(3,2)", "percentB")]
    [InlineData("bb(3,2)", "zScore")]
    [InlineData("stddev(3)", "zScore")]
    [InlineData("cci(3)", "cci")]
    [InlineData("roc(3)", "roc")]
    [InlineData("atr(3)", "atrp")]
    [InlineData("vwap", "vwap")]
    public void AllZeroBars_HaveNoValueWhereTheRatioIsUndefined(string spec, string output) =>
        AfterWarmUp(spec, GeneratedBars.Flat(10, 0, 0), output, null);

    [Theory]
    [MemberData(nameof(Specs.AllData), MemberType = typeof(Specs))]
    public void AllZeroBars_GiveOnlyZerosOrNoValue(string spec)
    {
        var indicator = IndicatorSpec.Create(spec);
        var outputs = Stream(indicator, GeneratedBars.Flat(60, 0, 0));
        for (int o = 0; o < outputs.Length; o++)
        {
            // Every defined output of an all-zero series is 0, except the oscillators' documented neutral values.
            double allowed = indicator.Outputs[o] switch
            {
                "rsi" => 50,
                "willr" => -100,
                _ => 0,
            };
            Assert.All(outputs[o], v => Assert.True(v is null || v == allowed, $"{indicator.OutputKey(o)} gave {v}"));
        }
    }

    /// <summary>Every value of one output from the warm-up on is <paramref name="expected"/> (null: no value).</summary>
    private static void AfterWarmUp(string spec, Bar[] bars, string output, double? expected)
    {
        var indicator = IndicatorSpec.Create(spec);
        int index = indicator.OutputIndex(output);
        var values = Stream(indicator, bars)[index];
        Assert.True(indicator.WarmUpPeriod < bars.Length, $"{spec}: {bars.Length} bars do not reach the warm-up");
        SeriesMatch(indicator.OutputKey(index), Enumerable.Repeat(expected, bars.Length).ToArray(), values, indicator.WarmUpPeriod - 1);
    }
}
