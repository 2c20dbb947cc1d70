using System.Diagnostics;

namespace Monitor.Cli.Feed;

/// <summary>
/// Latencies since the end of the warm-up (the total) and since the previous progress line (every sample).
/// </summary>
internal sealed class LatencyRecorder
{
    private LatencyHistogram _interval = new();
    private long _countFrom;

    public LatencyHistogram Total { get; } = new();

    /// <summary>Samples recorded before this <see cref="Stopwatch"/> timestamp stay out of <see cref="Total"/>.</summary>
    public void CountFrom(long timestamp) => Volatile.Write(ref _countFrom, timestamp);

    /// <summary>Records <paramref name="samples"/> samples of <paramref name="elapsed"/> each.</summary>
    public void Record(TimeSpan elapsed, int samples = 1)
    {
        if (Stopwatch.GetTimestamp() >= Volatile.Read(ref _countFrom))
        {
            Total.Record(elapsed, samples);
        }

        Volatile.Read(ref _interval).Record(elapsed, samples);
    }

    /// <summary>The latencies since the previous call.</summary>
    public LatencyHistogram TakeInterval() => Interlocked.Exchange(ref _interval, new LatencyHistogram());
}
