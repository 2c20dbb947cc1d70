namespace Monitor.Cli.Feed;

/// <summary>Latencies since the start of the run and since the previous progress line.</summary>
internal sealed class LatencyRecorder
{
    private LatencyHistogram _interval = new();

    public LatencyHistogram Total { get; } = new();

    public void Record(TimeSpan elapsed)
    {
        Total.Record(elapsed);
        Volatile.Read(ref _interval).Record(elapsed);
    }

    /// <summary>The latencies since the previous call.</summary>
    public LatencyHistogram TakeInterval() => Interlocked.Exchange(ref _interval, new LatencyHistogram());
}
