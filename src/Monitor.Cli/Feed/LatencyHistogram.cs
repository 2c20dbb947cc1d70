namespace Monitor.Cli.Feed;

/// <summary>
/// Latencies in logarithmic buckets from 1 µs to hours; thread-safe and lock-free, no allocation per record.
/// </summary>
/// <remarks>
/// Every sample is counted (none is dropped or sampled). A bucket spans a factor of 2^(1/32), about 2.2 %;
/// <see cref="Percentile"/> finds the bucket of the nearest-rank sample (rank ⌈fraction × count⌉ in ascending order)
/// and returns its geometric middle, so a percentile is within ±1.1 % of the exact one (never above <see cref="Max"/>,
/// which is exact). Below 1 µs counts as 1 µs.
/// </remarks>
internal sealed class LatencyHistogram
{
    private const int BucketsPerDoubling = 32;
    private readonly long[] _counts = new long[BucketsPerDoubling * 42];
    private long _count;
    private long _maxTicks;

    public long Count => Interlocked.Read(ref _count);

    /// <summary>The largest latency recorded, exactly; zero when none was.</summary>
    public TimeSpan Max => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    /// <summary>Records <paramref name="samples"/> samples of <paramref name="elapsed"/> each.</summary>
    public void Record(TimeSpan elapsed, int samples = 1)
    {
        double micros = Math.Max(1, elapsed.TotalMicroseconds);
        int bucket = Math.Min(_counts.Length - 1, (int)(Math.Log2(micros) * BucketsPerDoubling));
        Interlocked.Add(ref _counts[bucket], samples);
        Interlocked.Add(ref _count, samples);
        long ticks = elapsed.Ticks;
        long max = Interlocked.Read(ref _maxTicks);
        while (ticks > max)
        {
            long seen = Interlocked.CompareExchange(ref _maxTicks, ticks, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>The latency below which <paramref name="fraction"/> of the recorded ones fall (see the remarks).</summary>
    public TimeSpan Percentile(double fraction)
    {
        long total = Count;
        long rank = Math.Max(1, (long)Math.Ceiling(fraction * total));
        long seen = 0;
        for (int bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += Interlocked.Read(ref _counts[bucket]);
            if (seen >= rank)
            {
                var middle = TimeSpan.FromMicroseconds(Math.Pow(2, (bucket + 0.5) / BucketsPerDoubling));
                return middle < Max ? middle : Max;
            }
        }

        return Max;
    }
}
