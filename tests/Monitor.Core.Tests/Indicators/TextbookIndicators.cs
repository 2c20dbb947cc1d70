using System.Globalization;
using Monitor.Core.Market;

namespace Monitor.Core.Tests.Indicators;

/// <summary>Every output of a batch computation: <c>Values[output][bar]</c>, null where there is no value.</summary>
internal sealed record TextbookResult(IReadOnlyList<string> Names, double?[][] Values);

/// <summary>
/// The oracle: each indicator computed over a whole series at once, straight from the indicators'
/// textbook definitions and the degenerate-input rules of docs/indicators.md. Windows are re-summed
/// at every bar and recursions run over plain arrays: slow, obvious, and written without looking at the streaming
/// code. A series is a <c>double?[]</c> with null where it has no value yet.
/// </summary>
internal static class TextbookIndicators
{
    /// <summary>Computes a canonical spec with every parameter written out, such as <c>macd(12,26,9)</c>.</summary>
    public static TextbookResult Compute(string spec, IReadOnlyList<Bar> bars)
    {
        int open = spec.IndexOf('(', StringComparison.Ordinal);
        string name = open < 0 ? spec : spec[..open];
        double[] p = open < 0
            ? []
            : spec[(open + 1)..^1].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int N(int index) => (int)p[index];

        return name switch
        {
            "sma" => Single("sma", Sma(Closes(bars), N(0))),
            "ema" => Single("ema", Ema(Closes(bars), N(0))),
            "wma" => Single("wma", Wma(Closes(bars), N(0))),
            "rsi" => Single("rsi", Rsi(bars, N(0))),
            "macd" => Macd(bars, N(0), N(1), N(2)),
            "bb" => Bollinger(bars, N(0), p[1]),
            "atr" => Atr(bars, N(0)),
            "stoch" => Stochastic(bars, N(0), N(1), N(2)),
            "adx" => Adx(bars, N(0)),
            "obv" => Single("obv", Obv(bars)),
            "stddev" => StdDev(bars, N(0)),
            "roc" => Roc(bars, N(0)),
            "donchian" => Donchian(bars, N(0)),
            "keltner" => Keltner(bars, N(0), p[1], N(2)),
            "cci" => Single("cci", Cci(bars, N(0))),
            "willr" => Single("willr", WilliamsR(bars, N(0))),
            "vwap" => Single("vwap", Vwap(bars)),
            "supertrend" => SuperTrend(bars, N(0), p[1]),
            _ => throw new ArgumentException($"the textbook has no '{name}'", nameof(spec)),
        };
    }

    // ---- moving averages ----

    /// <summary>Mean of the last n values, re-summed at every bar.</summary>
    public static double?[] Sma(double?[] x, int n)
    {
        var result = new double?[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            if (TryWindow(x, i, n, out double[] window))
            {
                result[i] = Mean(window);
            }
        }

        return result;
    }

    /// <summary>Weights 1..n with the newest at n, divided by n(n+1)/2.</summary>
    public static double?[] Wma(double?[] x, int n)
    {
        var result = new double?[x.Length];
        double divisor = n * (n + 1.0) / 2;
        for (int i = 0; i < x.Length; i++)
        {
            if (TryWindow(x, i, n, out double[] window))
            {
                double weighted = 0;
                for (int j = 0; j < n; j++)
                {
                    weighted += window[j] * (j + 1);
                }

                result[i] = weighted / divisor;
            }
        }

        return result;
    }

    /// <summary>Seeded with the mean of the first n values, then prev + k(x - prev), k = 2/(n+1).</summary>
    public static double?[] Ema(double?[] x, int n) =>
        Recursive(x, n, (previous, value) => previous + (2.0 / (n + 1) * (value - previous)));

    /// <summary>Wilder's smoothing: seeded with the mean of the first n values, then (prev(n-1) + x)/n.</summary>
    public static double?[] Wilder(double?[] x, int n) =>
        Recursive(x, n, (previous, value) => ((previous * (n - 1)) + value) / n);

    // ---- single indicators ----

    private static double?[] Rsi(IReadOnlyList<Bar> bars, int n)
    {
        // change[0] = 0 is not part of any average: the first average covers changes 1..n.
        var gains = new double?[bars.Count];
        var losses = new double?[bars.Count];
        for (int i = 1; i < bars.Count; i++)
        {
            double change = bars[i].Close - bars[i - 1].Close;
            gains[i] = Math.Max(change, 0);
            losses[i] = Math.Max(-change, 0);
        }

        var averageGain = Wilder(gains, n);
        var averageLoss = Wilder(losses, n);
        return Zip(averageGain, averageLoss, (gain, loss) =>
            loss == 0
                ? gain == 0 ? 50 : 100 // no losses: 100; no movement at all: neutral 50 (docs/indicators.md)
                : 100 - (100 / (1 + (gain / loss))));
    }

    private static TextbookResult Macd(IReadOnlyList<Bar> bars, int fast, int slow, int signal)
    {
        var fastEma = Ema(Closes(bars), fast);
        var slowEma = Ema(Closes(bars), slow);
        var macd = Zip(fastEma, slowEma, (f, s) => f - s);
        var signalLine = Ema(macd, signal);
        var histogram = Zip(macd, signalLine, (m, s) => m - s);
        return new(["macd", "signal", "histogram", "fastEma", "slowEma"], [macd, signalLine, histogram, fastEma, slowEma]);
    }

    private static TextbookResult Bollinger(IReadOnlyList<Bar> bars, int n, double k)
    {
        var outputs = NewOutputs(6, bars.Count);
        var closes = Closes(bars);
        for (int i = 0; i < bars.Count; i++)
        {
            if (!TryWindow(closes, i, n, out double[] window))
            {
                continue;
            }

            double sma = Mean(window);
            double sd = PopulationSd(window);
            double upper = sma + (k * sd);
            double lower = sma - (k * sd);
            double close = bars[i].Close;
            Set(outputs, i, sma, upper, lower,
                upper == lower ? null : (close - lower) / (upper - lower),
                sd == 0 ? null : (close - sma) / sd,
                sma == 0 ? null : (upper - lower) / sma);
        }

        return new(["sma", "upperBand", "lowerBand", "percentB", "zScore", "width"], outputs);
    }

    private static TextbookResult Atr(IReadOnlyList<Bar> bars, int n)
    {
        var tr = TrueRanges(bars);
        var atr = Wilder(tr, n);
        var atrp = new double?[bars.Count];
        for (int i = 0; i < bars.Count; i++)
        {
            atrp[i] = atr[i] is { } a && bars[i].Close != 0 ? a / bars[i].Close * 100 : null;
        }

        return new(["tr", "atr", "atrp"], [tr, atr, atrp]);
    }

    private static TextbookResult Stochastic(IReadOnlyList<Bar> bars, int n, int kPeriod, int dPeriod)
    {
        var raw = RawPercentK(bars, n);
        var k = Sma(raw, kPeriod);
        var d = Sma(k, dPeriod);
        var j = Zip(k, d, (kk, dd) => (3 * kk) - (2 * dd));
        return new(["k", "d", "j"], [k, d, j]);
    }

    private static TextbookResult Adx(IReadOnlyList<Bar> bars, int n)
    {
        int count = bars.Count;
        var outputs = NewOutputs(5, count);
        var (pdi, mdi, dx, adx, adxr) = (outputs[0], outputs[1], outputs[2], outputs[3], outputs[4]);

        var tr = TrueRanges(bars);
        var plusDm = new double[count];
        var minusDm = new double[count];
        for (int i = 1; i < count; i++)
        {
            double up = bars[i].High - bars[i - 1].High;
            double down = bars[i - 1].Low - bars[i].Low;
            plusDm[i] = up > down && up > 0 ? up : 0;
            minusDm[i] = down > up && down > 0 ? down : 0;
        }

        double smoothedTr = 0, smoothedPlus = 0, smoothedMinus = 0;
        for (int i = 1; i < count; i++)
        {
            if (i < n)
            {
                continue;
            }

            if (i == n)
            {
                // Plain sums of bars 1..n.
                for (int j = 1; j <= n; j++)
                {
                    smoothedTr += tr[j]!.Value;
                    smoothedPlus += plusDm[j];
                    smoothedMinus += minusDm[j];
                }
            }
            else
            {
                smoothedTr = smoothedTr - (smoothedTr / n) + tr[i]!.Value;
                smoothedPlus = smoothedPlus - (smoothedPlus / n) + plusDm[i];
                smoothedMinus = smoothedMinus - (smoothedMinus / n) + minusDm[i];
            }

            // A flat start (no range at all) gives 0 so the ADX still initialises (docs/indicators.md).
            double p = smoothedTr == 0 ? 0 : 100 * smoothedPlus / smoothedTr;
            double m = smoothedTr == 0 ? 0 : 100 * smoothedMinus / smoothedTr;
            pdi[i] = p;
            mdi[i] = m;
            dx[i] = p + m == 0 ? 0 : 100 * Math.Abs(p - m) / (p + m);
        }

        // adx at 2n-1 is the mean of dx[n..2n-1], then Wilder: exactly Wilder(dx, n).
        var smoothed = Wilder(dx, n);
        for (int i = 0; i < count; i++)
        {
            adx[i] = smoothed[i];
            if (i >= n && smoothed[i] is { } now && smoothed[i - n] is { } before)
            {
                adxr[i] = (now + before) / 2;
            }
        }

        return new(["pdi", "mdi", "dx", "adx", "adxr"], outputs);
    }

    private static double?[] Obv(IReadOnlyList<Bar> bars)
    {
        var obv = new double?[bars.Count];
        double total = 0;
        for (int i = 0; i < bars.Count; i++)
        {
            if (i > 0 && bars[i].Close > bars[i - 1].Close)
            {
                total += bars[i].Volume;
            }
            else if (i > 0 && bars[i].Close < bars[i - 1].Close)
            {
                total -= bars[i].Volume;
            }

            obv[i] = total;
        }

        return obv;
    }

    private static TextbookResult StdDev(IReadOnlyList<Bar> bars, int n)
    {
        var outputs = NewOutputs(3, bars.Count);
        var closes = Closes(bars);
        for (int i = 0; i < bars.Count; i++)
        {
            if (TryWindow(closes, i, n, out double[] window))
            {
                double mean = Mean(window);
                double sd = PopulationSd(window);
                Set(outputs, i, sd, mean, sd == 0 ? null : (bars[i].Close - mean) / sd);
            }
        }

        return new(["stdDev", "mean", "zScore"], outputs);
    }

    private static TextbookResult Roc(IReadOnlyList<Bar> bars, int n)
    {
        var outputs = NewOutputs(2, bars.Count);
        for (int i = n; i < bars.Count; i++)
        {
            double back = bars[i - n].Close;
            double close = bars[i].Close;
            Set(outputs, i, back == 0 ? null : 100 * (close - back) / back, close - back);
        }

        return new(["roc", "momentum"], outputs);
    }

    private static TextbookResult Donchian(IReadOnlyList<Bar> bars, int n)
    {
        var outputs = NewOutputs(4, bars.Count);
        for (int i = n; i < bars.Count; i++)
        {
            // The n bars before bar i; bar i itself is not part of its channel.
            double upper = double.MinValue, lower = double.MaxValue;
            for (int j = i - n; j < i; j++)
            {
                upper = Math.Max(upper, bars[j].High);
                lower = Math.Min(lower, bars[j].Low);
            }

            double centre = (upper + lower) / 2;
            Set(outputs, i, upper, centre, lower, centre == 0 ? null : (upper - lower) / centre);
        }

        return new(["upperBand", "centerline", "lowerBand", "width"], outputs);
    }

    private static TextbookResult Keltner(IReadOnlyList<Bar> bars, int emaPeriod, double multiplier, int atrPeriod)
    {
        var outputs = NewOutputs(4, bars.Count);
        var centre = Ema(Closes(bars), emaPeriod);
        var atr = Wilder(TrueRanges(bars), atrPeriod);
        for (int i = 0; i < bars.Count; i++)
        {
            if (centre[i] is { } c && atr[i] is { } a)
            {
                double upper = c + (multiplier * a);
                double lower = c - (multiplier * a);
                Set(outputs, i, upper, c, lower, c == 0 ? null : (upper - lower) / c);
            }
        }

        return new(["upperBand", "centerline", "lowerBand", "width"], outputs);
    }

    private static double?[] Cci(IReadOnlyList<Bar> bars, int n)
    {
        var typical = bars.Select(b => (double?)((b.High + b.Low + b.Close) / 3)).ToArray();
        var cci = new double?[bars.Count];
        for (int i = 0; i < bars.Count; i++)
        {
            if (!TryWindow(typical, i, n, out double[] window) || AllEqual(window))
            {
                continue; // a flat window has a mean deviation of 0: no value
            }

            double mean = Mean(window);
            double meanDeviation = Mean(window.Select(tp => Math.Abs(tp - mean)).ToArray());
            cci[i] = meanDeviation == 0 ? null : (window[^1] - mean) / (0.015 * meanDeviation);
        }

        return cci;
    }

    private static double?[] WilliamsR(IReadOnlyList<Bar> bars, int n) =>
        RawPercentK(bars, n).Select(k => k - 100).ToArray();

    private static double?[] Vwap(IReadOnlyList<Bar> bars)
    {
        var vwap = new double?[bars.Count];
        double volume = 0, volumeTimesPrice = 0;
        for (int i = 0; i < bars.Count; i++)
        {
            volume += bars[i].Volume;
            volumeTimesPrice += bars[i].Volume * ((bars[i].High + bars[i].Low + bars[i].Close) / 3);
            vwap[i] = volume == 0 ? null : volumeTimesPrice / volume;
        }

        return vwap;
    }

    private static TextbookResult SuperTrend(IReadOnlyList<Bar> bars, int n, double multiplier)
    {
        var outputs = NewOutputs(3, bars.Count);
        var atr = Wilder(TrueRanges(bars), n);
        double upper = 0, lower = 0;
        bool started = false, bullish = false;
        for (int i = 0; i < bars.Count; i++)
        {
            if (atr[i] is not { } a)
            {
                continue;
            }

            var bar = bars[i];
            double mid = (bar.High + bar.Low) / 2;
            double basicUpper = mid + (multiplier * a);
            double basicLower = mid - (multiplier * a);
            if (!started)
            {
                started = true;
                bullish = bar.Close >= mid;
                upper = basicUpper;
                lower = basicLower;
            }
            else
            {
                // Bands only tighten, unless the previous close broke through them.
                double previousClose = bars[i - 1].Close;
                upper = basicUpper < upper || previousClose > upper ? basicUpper : upper;
                lower = basicLower > lower || previousClose < lower ? basicLower : lower;
            }

            if (bullish && bar.Close <= lower)
            {
                bullish = false;
            }
            else if (!bullish && bar.Close > upper)
            {
                bullish = true;
            }

            Set(outputs, i, bullish ? lower : upper, bullish ? null : upper, bullish ? lower : null);
        }

        return new(["superTrend", "upperBand", "lowerBand"], outputs);
    }

    // ---- shared pieces ----

    private static double?[] Closes(IReadOnlyList<Bar> bars) => bars.Select(b => (double?)b.Close).ToArray();

    /// <summary>tr[0] has no value; then max(H - L, |H - Cprev|, |L - Cprev|).</summary>
    private static double?[] TrueRanges(IReadOnlyList<Bar> bars)
    {
        var tr = new double?[bars.Count];
        for (int i = 1; i < bars.Count; i++)
        {
            double previousClose = bars[i - 1].Close;
            tr[i] = Math.Max(bars[i].High - bars[i].Low,
                Math.Max(Math.Abs(bars[i].High - previousClose), Math.Abs(bars[i].Low - previousClose)));
        }

        return tr;
    }

    /// <summary>100(C - LL)/(HH - LL) over the last n bars including the current one; 0 on a flat range; clamped.</summary>
    private static double?[] RawPercentK(IReadOnlyList<Bar> bars, int n)
    {
        var raw = new double?[bars.Count];
        for (int i = n - 1; i < bars.Count; i++)
        {
            double highest = double.MinValue, lowest = double.MaxValue;
            for (int j = i - n + 1; j <= i; j++)
            {
                highest = Math.Max(highest, bars[j].High);
                lowest = Math.Min(lowest, bars[j].Low);
            }

            raw[i] = highest == lowest ? 0 : Math.Clamp(100 * (bars[i].Close - lowest) / (highest - lowest), 0, 100);
        }

        return raw;
    }

    /// <summary>Seeds with the mean of the first n values of <paramref name="x"/>, then applies <paramref name="step"/>.</summary>
    private static double?[] Recursive(double?[] x, int n, Func<double, double, double> step)
    {
        var result = new double?[x.Length];
        int first = Array.FindIndex(x, v => v.HasValue);
        if (first < 0 || first + n > x.Length)
        {
            return result;
        }

        double seed = 0;
        for (int i = first; i < first + n; i++)
        {
            seed += x[i]!.Value;
        }

        result[first + n - 1] = seed / n;
        for (int i = first + n; i < x.Length; i++)
        {
            result[i] = step(result[i - 1]!.Value, x[i]!.Value);
        }

        return result;
    }

    /// <summary>The n values ending at <paramref name="end"/>, oldest first, when all of them exist.</summary>
    private static bool TryWindow(double?[] x, int end, int n, out double[] window)
    {
        window = [];
        if (end - n + 1 < 0)
        {
            return false;
        }

        var values = new double[n];
        for (int j = 0; j < n; j++)
        {
            if (x[end - n + 1 + j] is not { } value)
            {
                return false;
            }

            values[j] = value;
        }

        window = values;
        return true;
    }

    private static double Mean(double[] window)
    {
        double sum = 0;
        foreach (double value in window)
        {
            sum += value;
        }

        return sum / window.Length;
    }

    /// <summary>Population standard deviation (divide by n); exactly 0 when every value is equal.</summary>
    private static double PopulationSd(double[] window)
    {
        if (AllEqual(window))
        {
            return 0;
        }

        double mean = Mean(window);
        return Math.Sqrt(Mean(window.Select(v => (v - mean) * (v - mean)).ToArray()));
    }

    private static bool AllEqual(double[] window) => window.All(v => v == window[0]);

    private static double?[] Zip(double?[] a, double?[] b, Func<double, double, double> f) =>
        a.Zip(b, (x, y) => x is { } xv && y is { } yv ? f(xv, yv) : (double?)null).ToArray();

    private static double?[][] NewOutputs(int outputs, int bars) =>
        Enumerable.Range(0, outputs).Select(_ => new double?[bars]).ToArray();

    private static void Set(double?[][] outputs, int bar, params double?[] values)
    {
        for (int o = 0; o < values.Length; o++)
        {
            outputs[o][bar] = values[o];
        }
    }

    private static TextbookResult Single(string name, double?[] values) => new([name], [values]);
}
