namespace Monitor.Cli.Feed;

/// <summary>Request latencies in logarithmic buckets (about 2 % wide) from 1 µs to hours; thread-safe, no allocation per record.</summary>
internal sealed class LatencyHistogram
{
    private const int BucketsPerDoubling = 32;
    private readonly long[] _counts = new long[BucketsPerDoubling * 42];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record(TimeSpan elapsed)
    {
        double micros = Math.Max(1, elapsed.TotalMicroseconds);
        int bucket = Math.Min(_counts.Length - 1, (int)(Math.Log2(micros) * BucketsPerDoubling));
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The latency below which <paramref name="fraction"/> of the recorded ones fall (the middle of its bucket).</summary>
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
                return TimeSpan.FromMicroseconds(Math.Pow(2, (bucket + 0.5) / BucketsPerDoubling));
            }
        }

        return TimeSpan.FromMicroseconds(Math.Pow(2, (double)_counts.Length / BucketsPerDoubling));
    }
}
