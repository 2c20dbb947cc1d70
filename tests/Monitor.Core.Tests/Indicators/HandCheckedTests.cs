using Monitor.Core.Indicators;
using Monitor.Core.Market;
using static Monitor.Core.Tests.Indicators.IndicatorAssert;

namespace Monitor.Core.Tests.Indicators;

/// <summary>Small series whose values are worked out by hand in each test. <c>null</c> reads "no value yet".</summary>
public sealed class HandCheckedTests
{
    // (high, low, close): bar 1 moves inside its range, bar 2 gaps up, bar 3 falls through bar 2's close,
    // bar 4 is an inside bar far from bar 3's close, bar 5 gaps up again.
    private static readonly Bar[] Swings = GeneratedBars.FromHighLowClose(
        (10, 8, 9), (11, 9, 10), (13, 11, 12), (12, 7, 8), (9, 8.5, 9), (14, 12, 13.5));

    // (high, low, close) for the stochastic family and the ADX.
    private static readonly Bar[] Oscillating = GeneratedBars.FromHighLowClose(
        (10, 8, 9), (12, 9, 11), (11, 7, 8), (13, 10, 12), (14, 11, 13), (12, 9, 10));

    [Fact]
    public void Sma3OverOneToFive_IsTheMeanOfTheLastThree() =>
        Values("sma(3)", GeneratedBars.FromCloses(1, 2, 3, 4, 5), "sma", null, null, 2, 3, 4);

    [Fact]
    public void Ema3_SeedsWithTheSmaThenSteps() =>
        // k = 2/(3+1) = 0.5. Seed at bar 2: (1 + 3 + 2)/3 = 2; bar 3: 2 + 0.5(10 - 2) = 6; bar 4: 6 + 0.5(4 - 6) = 5.
        Values("ema(3)", GeneratedBars.FromCloses(1, 3, 2, 10, 4), "ema", null, null, 2, 6, 5);

    [Fact]
    public void Wma3_WeighsTheNewestClosesMost() =>
        // Divisor 3*4/2 = 6. Bar 2: (3*1 + 1*2 + 2*3)/6 = 11/6; bar 3: (1*1 + 2*2 + 5*3)/6 = 20/6.
        Values("wma(3)", GeneratedBars.FromCloses(3, 1, 2, 5), "wma", null, null, 11 / 6.0, 20 / 6.0);

    [Theory]
    [InlineData(46_341)]
    [InlineData(100_000)]
    public void WmaWithTheLongestPeriods_KeepsItsDivisorExact(int n)
    {
        // Closes 1..n: sum(i * i) / sum(i) = (n(n+1)(2n+1)/6) / (n(n+1)/2) = (2n+1)/3. n(n+1) does not fit an int.
        var bars = GeneratedBars.FromCloses(Enumerable.Range(1, n).Select(i => (double)i).ToArray());
        Assert.True(AreClose((2.0 * n + 1) / 3, Stream(new WeightedMovingAverage(n), bars)[0][^1]!.Value));
    }

    [Fact]
    public void Rsi2_AveragesTheFirstChangesThenSmoothsLikeWilder() =>
        // Changes +1, -0.5, +1.5, -1. Bar 2: gain (1 + 0)/2 = 0.5, loss (0 + 0.5)/2 = 0.25, RS 2, RSI 100 - 100/3.
        // Bar 3: gain (0.5 + 1.5)/2 = 1, loss (0.25 + 0)/2 = 0.125, RS 8, RSI 100 - 100/9.
        // Bar 4: gain (1 + 0)/2 = 0.5, loss (0.125 + 1)/2 = 0.5625, RS 8/9, RSI 100 - 100/(17/9) = 800/17.
        Values("rsi(2)", GeneratedBars.FromCloses(10, 11, 10.5, 12, 11), "rsi",
            null, null, 100 - (100 / 3.0), 100 - (100 / 9.0), 800 / 17.0);

    [Fact]
    public void RsiWithoutLosses_Is100() =>
        Values("rsi(2)", GeneratedBars.FromCloses(1, 2, 2, 3), "rsi", null, null, 100, 100);

    [Fact]
    public void Macd2_3_2_SubtractsTheEmasAndSeedsTheSignalWithTheirMean()
    {
        // Closes 1, 3, 2, 6, 4, 5.
        // fast ema(2), k = 2/3: bar 1 (1+3)/2 = 2; bar 2 2; bar 3 2 + 2/3*4 = 14/3; bar 4 14/3 - 2/3*2/3 = 38/9;
        //   bar 5 38/9 + 2/3*7/9 = 128/27.
        // slow ema(3), k = 1/2: bar 2 (1+3+2)/3 = 2; bar 3 4; bar 4 4; bar 5 4.5.
        // macd: bar 2 0; bar 3 2/3; bar 4 2/9; bar 5 128/27 - 9/2 = 13/54.
        // signal(2), k = 2/3: bar 3 (0 + 2/3)/2 = 1/3; bar 4 1/3 + 2/3(2/9 - 1/3) = 7/27; bar 5 7/27 + 2/3(13/54 - 14/54) = 20/81.
        var bars = GeneratedBars.FromCloses(1, 3, 2, 6, 4, 5);
        const string Spec = "macd(2,3,2)";
        Values(Spec, bars, "fastEma", null, 2, 2, 14 / 3.0, 38 / 9.0, 128 / 27.0);
        Values(Spec, bars, "slowEma", null, null, 2, 4, 4, 4.5);
        Values(Spec, bars, "macd", null, null, 0, 2 / 3.0, 2 / 9.0, 13 / 54.0);
        Values(Spec, bars, "signal", null, null, null, 1 / 3.0, 7 / 27.0, 20 / 81.0);
        Values(Spec, bars, "histogram", null, null, null, 1 / 3.0, -1 / 27.0, -1 / 162.0);
    }

    [Fact]
    public void Bb3_UsesThePopulationStandardDeviation()
    {
        // Closes 1, 2, 3: sma 2, variance (1 + 0 + 1)/3, sd = sqrt(2/3) (the sample sd would be 1).
        var bars = GeneratedBars.FromCloses(1, 2, 3);
        double sd = Math.Sqrt(2 / 3.0);
        const string Spec = "bb(3,2)";
        Values(Spec, bars, "sma", null, null, 2);
        Values(Spec, bars, "upperBand", null, null, 2 + (2 * sd));
        Values(Spec, bars, "lowerBand", null, null, 2 - (2 * sd));
        Values(Spec, bars, "percentB", null, null, (1 + (2 * sd)) / (4 * sd));
        Values(Spec, bars, "zScore", null, null, 1 / sd);
        Values(Spec, bars, "width", null, null, 4 * sd / 2);
    }

    [Fact]
    public void Atr2_AveragesTrueRangesThenSmoothsLikeWilder()
    {
        // tr: bar 1 max(2, |11-9|, |9-9|) = 2; bar 2 max(2, |13-10|, |11-10|) = 3 (gap); bar 3 max(5, 0, |7-12|) = 5;
        //     bar 4 max(0.5, |9-8|, |8.5-8|) = 1 (the previous close lies outside the bar); bar 5 max(2, |14-9|, 3) = 5.
        // atr: bar 2 (2 + 3)/2 = 2.5; bar 3 (2.5 + 5)/2 = 3.75; bar 4 (3.75 + 1)/2 = 2.375; bar 5 (2.375 + 5)/2 = 3.6875.
        Values("atr(2)", Swings, "tr", null, 2, 3, 5, 1, 5);
        Values("atr(2)", Swings, "atr", null, null, 2.5, 3.75, 2.375, 3.6875);
        Values("atr(2)", Swings, "atrp", null, null, 2.5 / 12 * 100, 3.75 / 8 * 100, 2.375 / 9 * 100, 3.6875 / 13.5 * 100);
    }

    [Fact]
    public void Stoch3_2_2_SmoothsRawKIntoKAndD()
    {
        // raw %K over 3 bars: bar 2 HH 12 LL 7 C 8 -> 20; bar 3 HH 13 LL 7 C 12 -> 500/6; bar 4 HH 14 LL 7 C 13 -> 600/7;
        //   bar 5 HH 14 LL 9 C 10 -> 20.
        double[] raw = [20, 500 / 6.0, 600 / 7.0, 20];
        double k3 = (raw[0] + raw[1]) / 2, k4 = (raw[1] + raw[2]) / 2, k5 = (raw[2] + raw[3]) / 2;
        double d4 = (k3 + k4) / 2, d5 = (k4 + k5) / 2;
        Values("stoch(3,2,2)", Oscillating, "k", null, null, null, k3, k4, k5);
        Values("stoch(3,2,2)", Oscillating, "d", null, null, null, null, d4, d5);
        Values("stoch(3,2,2)", Oscillating, "j", null, null, null, null, (3 * k4) - (2 * d4), (3 * k5) - (2 * d5));
    }

    [Fact]
    public void WillR3_IsRawKMinus100() =>
        Values("willr(3)", Oscillating, "willr", null, null, 20 - 100, (500 / 6.0) - 100, (600 / 7.0) - 100, 20 - 100);

    [Fact]
    public void Adx2_SumsThenSmoothsDirectionalMovement()
    {
        // bar 1: +DM 2 (up 2, down -1), -DM 0, TR 3.   bar 2: +DM 0, -DM 2 (up -1, down 2), TR 4.
        // bar 3: +DM 2, -DM 0, TR 5.                      bar 4: +DM 1, -DM 0, TR 3.   bar 5: +DM 0, -DM 2, TR 4.
        // bar 2 (n): sums TR 7, +DM 2, -DM 2 -> pdi = mdi = 200/7, dx 0.
        // bar 3: TR 7 - 3.5 + 5 = 8.5, +DM 2 - 1 + 2 = 3, -DM 2 - 1 + 0 = 1 -> pdi 300/8.5, mdi 100/8.5, dx 100*2/4 = 50.
        // bar 4: TR 8.5 - 4.25 + 3 = 7.25, +DM 3 - 1.5 + 1 = 2.5, -DM 0.5 -> pdi 250/7.25, mdi 50/7.25, dx 100*2/3.
        // bar 5: TR 7.25 - 3.625 + 4 = 7.625, +DM 1.25, -DM 0.25 + 2 = 2.25 -> pdi 125/7.625, mdi 225/7.625, dx 100*1/3.5.
        // adx: bar 3 (0 + 50)/2 = 25; bar 4 (25 + 200/3)/2; bar 5 (adx4 + 200/7)/2. adxr at bar 5: (adx5 + adx3)/2.
        double adx4 = (25 + (200 / 3.0)) / 2, adx5 = (adx4 + (200 / 7.0)) / 2;
        const string Spec = "adx(2)";
        Values(Spec, Oscillating, "pdi", null, null, 200 / 7.0, 300 / 8.5, 250 / 7.25, 125 / 7.625);
        Values(Spec, Oscillating, "mdi", null, null, 200 / 7.0, 100 / 8.5, 50 / 7.25, 225 / 7.625);
        Values(Spec, Oscillating, "dx", null, null, 0, 50, 200 / 3.0, 200 / 7.0);
        Values(Spec, Oscillating, "adx", null, null, null, 25, adx4, adx5);
        Values(Spec, Oscillating, "adxr", null, null, null, null, null, (adx5 + 25) / 2);
    }

    [Fact]
    public void Obv_AddsVolumeOnUpClosesSubtractsOnDownClosesIgnoresUnchanged()
    {
        // Closes 10, 11, 11, 9, 12 with volumes 100..500: 0, +200, unchanged, -400, +500.
        var bars = GeneratedBars.FromCloses(10, 11, 11, 9, 12).Select((b, i) => b with { Volume = 100 * (i + 1) }).ToArray();
        Values("obv", bars, "obv", 0, 200, 200, -200, 300);
    }

    [Fact]
    public void StdDev4_IsThePopulationDeviationWithItsZScore()
    {
        // Closes 2, 4, 4, 6: mean 4, variance (4 + 0 + 0 + 4)/4 = 2, zScore (6 - 4)/sqrt 2.
        var bars = GeneratedBars.FromCloses(2, 4, 4, 6);
        Values("stddev(4)", bars, "stdDev", null, null, null, Math.Sqrt(2));
        Values("stddev(4)", bars, "mean", null, null, null, 4);
        Values("stddev(4)", bars, "zScore", null, null, null, 2 / Math.Sqrt(2));
    }

    [Fact]
    public void Roc1_ComparesWithThePreviousClose()
    {
        var bars = GeneratedBars.FromCloses(10, 12, 9);
        Values("roc(1)", bars, "roc", null, 20, -25);
        Values("roc(1)", bars, "momentum", null, 2, -3);
    }

    [Fact]
    public void Donchian2_ExcludesTheCurrentBar()
    {
        // Bar 2 (low 7) is not in its own channel: previous highs 10, 12 and lows 8, 9. Bar 3: highs 12, 11, lows 9, 7.
        var bars = GeneratedBars.FromHighLowClose((10, 8, 9), (12, 9, 11), (11, 7, 8), (13, 10, 12));
        Values("donchian(2)", bars, "upperBand", null, null, 12, 12);
        Values("donchian(2)", bars, "lowerBand", null, null, 8, 7);
        Values("donchian(2)", bars, "centerline", null, null, 10, 9.5);
        Values("donchian(2)", bars, "width", null, null, 4 / 10.0, 5 / 9.5);
    }

    [Fact]
    public void Keltner2_1_5_2_PutsWilderAtrBandsAroundTheEma()
    {
        // ema(2) of 9, 10, 12, 8, 9, k = 2/3: bar 1 9.5; bar 2 9.5 + 2/3*2.5 = 67/6; bar 3 67/6 - 2/3*19/6 = 163/18;
        //   bar 4 163/18 - 2/3*1/18 = 487/54. atr(2) as in the ATR test: bar 2 2.5, bar 3 3.75, bar 4 2.375.
        var bars = Swings[..5];
        double[] centre = [67 / 6.0, 163 / 18.0, 487 / 54.0];
        double[] span = [1.5 * 2.5, 1.5 * 3.75, 1.5 * 2.375];
        const string Spec = "keltner(2,1.5,2)";
        Values(Spec, bars, "centerline", null, null, centre[0], centre[1], centre[2]);
        Values(Spec, bars, "upperBand", null, null, centre[0] + span[0], centre[1] + span[1], centre[2] + span[2]);
        Values(Spec, bars, "lowerBand", null, null, centre[0] - span[0], centre[1] - span[1], centre[2] - span[2]);
        Values(Spec, bars, "width", null, null, 2 * span[0] / centre[0], 2 * span[1] / centre[1], 2 * span[2] / centre[2]);
    }

    [Fact]
    public void Cci3_DividesByTheMeanAbsoluteDeviation() =>
        // Typical prices 3, 6, 10: mean 19/3, deviations 10/3, 1/3, 11/3, mean deviation 22/9;
        // cci = (10 - 19/3) / (0.015 * 22/9) = (11/3) / (0.33/9) = 100.
        Values("cci(3)", GeneratedBars.FromHighLowClose((4, 2, 3), (7, 5, 6), (10, 8, 12)), "cci", null, null, 100);

    [Fact]
    public void Vwap_WeighsTypicalPricesByVolumeFromTheFirstBar()
    {
        // TP 2 with no volume: none yet. Then TP 4 x 100 and TP 7 x 300: (400 + 2100)/400 = 6.25.
        double[] volumes = [0, 100, 300];
        var bars = GeneratedBars.FromHighLowClose((3, 1, 2), (6, 3, 3), (8, 6, 7))
            .Select((b, i) => b with { Volume = volumes[i] }).ToArray();
        Values("vwap", bars, "vwap", null, 4, 6.25);
    }

    [Fact]
    public void SuperTrend2_1_TightensItsBandsAndFlipsOnACross()
    {
        // atr(2): bar 2 2.5, bar 3 3.75, bar 4 2.375, bar 5 3.6875 (see the ATR test).
        // bar 2: mid 12, bands 14.5 / 9.5, close 12 >= mid: bullish, lower band 9.5 active.
        // bar 3: mid 9.5, basic 13.25 / 5.75; upper tightens to 13.25, lower stays 9.5; close 8 <= 9.5: bearish, 13.25.
        // bar 4: mid 8.75, basic 11.125 / 6.375; upper tightens to 11.125; the previous close 8 broke the lower band,
        //        so it resets to 6.375; close 9 stays under 11.125: bearish, 11.125.
        // bar 5: mid 13, basic 16.6875 / 9.3125; upper stays 11.125, lower rises to 9.3125; close 13.5 > 11.125: bullish.
        const string Spec = "supertrend(2,1)";
        Values(Spec, Swings, "superTrend", null, null, 9.5, 13.25, 11.125, 9.3125);
        Values(Spec, Swings, "upperBand", null, null, null, 13.25, 11.125, null);
        Values(Spec, Swings, "lowerBand", null, null, 9.5, null, null, 9.3125);
    }
}
