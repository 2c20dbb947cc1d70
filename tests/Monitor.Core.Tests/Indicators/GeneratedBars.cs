using Monitor.Core.Market;

namespace Monitor.Core.Tests.Indicators;

/// <summary>Deterministic bar series for indicator tests: every series comes from a fixed seed.</summary>
internal static class GeneratedBars
{
    private static readonly DateTimeOffset Start = new(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The named series the streaming-versus-textbook tests run over.</summary>
    public static IReadOnlyList<string> Names { get; } = ["walk", "penny", "high", "flat-and-idle"];

    public static Bar[] Named(string name) => name switch
    {
        "walk" => Walk(seed: 11, count: 2_000, centre: 100, volatility: 0.012),
        "penny" => Walk(seed: 23, count: 2_000, centre: 1.2, volatility: 0.03),
        "high" => Walk(seed: 37, count: 2_000, centre: 50_000, volatility: 0.004),
        "flat-and-idle" => FlatAndIdle(seed: 41, count: 2_000),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such series"),
    };

    /// <summary>
    /// A mean-reverting geometric random walk around <paramref name="centre"/> with consistent OHLCV: opens gap away
    /// from the previous close (so the true range uses the previous close), high and low enclose open and close,
    /// volume is positive.
    /// </summary>
    public static Bar[] Walk(int seed, int count, double centre, double volatility)
    {
        var random = new Random(seed);
        var bars = new Bar[count];
        double logCentre = Math.Log(centre);
        double logClose = logCentre;
        for (int i = 0; i < count; i++)
        {
            double previousClose = Math.Exp(logClose);
            double open = previousClose * Math.Exp(0.5 * volatility * Gaussian(random));
            logClose += (0.01 * (logCentre - logClose)) + (volatility * Gaussian(random));
            double close = Math.Exp(logClose);
            double high = Math.Max(open, close) * (1 + (volatility * random.NextDouble()));
            double low = Math.Min(open, close) * (1 - (volatility * random.NextDouble()));
            double volume = Math.Round(1_000 + (99_000 * random.NextDouble()));
            bars[i] = new Bar(Start.AddMinutes(i), open, high, low, close, volume);
        }

        return bars;
    }

    /// <summary>
    /// Blocks of <paramref name="blockLength"/> bars walking around each centre in turn (a 50,000 market, then a
    /// penny one, and so on): rounding left in a sliding sum by the large prices would show against the small ones.
    /// </summary>
    public static Bar[] Regimes(int seed, int count, int blockLength, params double[] centres)
    {
        var bars = new Bar[count];
        for (int start = 0, block = 0; start < count; start += blockLength, block++)
        {
            int length = Math.Min(blockLength, count - start);
            var walk = Walk(seed + block, length, centres[block % centres.Length], volatility: 0.004);
            for (int i = 0; i < length; i++)
            {
                bars[start + i] = walk[i] with { Time = Start.AddMinutes(start + i) };
            }
        }

        return bars;
    }

    /// <summary>
    /// A random walk that starts with a flat, volumeless stretch and keeps falling into flat stretches (every price
    /// equal to the last close, no volume) and quiet moving bars that trade no volume.
    /// </summary>
    public static Bar[] FlatAndIdle(int seed, int count)
    {
        var random = new Random(seed);
        var moving = Walk(seed + 1, count, centre: 20, volatility: 0.02);
        var bars = new Bar[count];
        double last = moving[0].Open;
        int flatLeft = 40;
        for (int i = 0; i < count; i++)
        {
            if (flatLeft == 0 && random.NextDouble() < 0.02)
            {
                flatLeft = random.Next(3, 60);
            }

            if (flatLeft > 0)
            {
                flatLeft--;
                bars[i] = new Bar(Start.AddMinutes(i), last, last, last, last, 0);
                continue;
            }

            var bar = moving[i];
            double volume = random.NextDouble() < 0.15 ? 0 : bar.Volume;
            bars[i] = bar with { Time = Start.AddMinutes(i), Volume = volume };
            last = bar.Close;
        }

        return bars;
    }

    /// <summary>
    /// Hostile bars: magnitudes from 1e-300 to 1e300 and up to 1.5e308 (near double.MaxValue), zeros, negative prices and volumes, highs under lows, jumps
    /// of hundreds of orders of magnitude from one bar to the next, flat runs.
    /// </summary>
    public static Bar[] Hostile(int seed, int count)
    {
        double[] magnitudes = [0, 1e-300, 1e-150, 1e-10, 1e-3, 1, 3.7, 1e3, 5e4, 1e10, 1e150, 1e300, 1e308];
        var random = new Random(seed);
        var bars = new Bar[count];
        for (int i = 0; i < count; i++)
        {
            if (i > 0 && random.NextDouble() < 0.1)
            {
                bars[i] = bars[i - 1] with { Time = Start.AddMinutes(i) };
                continue;
            }

            double Price() =>
                magnitudes[random.Next(magnitudes.Length)] * (random.NextDouble() < 0.2 ? -1 : 1) * (0.5 + random.NextDouble());

            double volume = random.Next(4) switch
            {
                0 => 0,
                1 => -Price(),
                _ => Math.Abs(Price()),
            };
            bars[i] = new Bar(Start.AddMinutes(i), Price(), Price(), Price(), Price(), volume);
        }

        return bars;
    }

    /// <summary>Bars where open = high = low = close, for cases that only need closes.</summary>
    public static Bar[] FromCloses(params double[] closes) =>
        closes.Select((close, i) => new Bar(Start.AddMinutes(i), close, close, close, close, 1_000)).ToArray();

    /// <summary>Bars from (high, low, close) triples, open at the close, volume 1,000.</summary>
    public static Bar[] FromHighLowClose(params (double High, double Low, double Close)[] bars) =>
        bars.Select((b, i) => new Bar(Start.AddMinutes(i), b.Close, b.High, b.Low, b.Close, 1_000)).ToArray();

    /// <summary><paramref name="count"/> copies of one bar at <paramref name="price"/>.</summary>
    public static Bar[] Flat(int count, double price, double volume) =>
        Enumerable.Range(0, count).Select(i => new Bar(Start.AddMinutes(i), price, price, price, price, volume)).ToArray();

    private static double Gaussian(Random random)
    {
        // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
        double u = 1 - random.NextDouble();
        double v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
