using Monitor.Core.Market;

namespace Monitor.Benchmarks;

/// <summary>Deterministic synthetic market data: the same seed always gives the same bars and ticks.</summary>
public static class MarketData
{
    private static readonly DateTimeOffset Start = new(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// One-minute OHLCV bars from a seeded geometric random walk around 30 (silver-like prices): each close moves
    /// by about 0.1%, high and low reach a little beyond open and close, volumes 100-1,100.
    /// </summary>
    public static Bar[] RandomWalkBars(int count, int seed)
    {
#pragma warning disable CA5394 // Deterministic pseudo-random data for a benchmark, not security.
        var random = new Random(seed);
        var bars = new Bar[count];
        double close = 30;
        for (int i = 0; i < count; i++)
        {
            double open = close;
            close = open * Math.Exp(0.001 * Gaussian(random));
            double high = Math.Max(open, close) * (1 + (0.0005 * random.NextDouble()));
            double low = Math.Min(open, close) * (1 - (0.0005 * random.NextDouble()));
            double volume = 100 + Math.Floor(1000 * random.NextDouble());
            bars[i] = new Bar(Start.AddMinutes(i), open, high, low, close, volume);
        }

        return bars;
    }

    /// <summary>
    /// Ticks of one instrument, 0-15 s apart (about 8 per one-minute bar), in time order, with a seeded random-walk
    /// price and volumes 1-10.
    /// </summary>
    public static Tick[] RandomWalkTicks(int count, int seed)
    {
        var random = new Random(seed);
        var instrument = InstrumentId.Parse("COMEX:SI");
        var ticks = new Tick[count];
        var time = Start;
        double price = 30;
        for (int i = 0; i < count; i++)
        {
            time = time.AddMilliseconds(random.Next(0, 15_001));
            price *= Math.Exp(0.0003 * Gaussian(random));
            double volume = 1 + random.Next(0, 10);
            ticks[i] = new Tick(instrument, time, price, volume, Seq: i + 1);
        }

        return ticks;
    }

    // Box-Muller: a standard normal variate from two uniform ones.
    private static double Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
#pragma warning restore CA5394
}
