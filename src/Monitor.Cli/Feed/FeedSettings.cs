namespace Monitor.Cli.Feed;

/// <summary>What <c>monitor feed</c> was asked to do. <see cref="Seed"/> is always set (a random one when not given).</summary>
internal sealed record FeedSettings(
    Uri Url, string ApiKey, double Rate, TimeSpan? Duration, IReadOnlyList<string> Instruments, int Batch, int Concurrency, int Seed)
{
    /// <summary>How often progress is printed.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A batch that has not filled up is sent once its first tick is this old.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the simulator is advanced when a rate is set.</summary>
    public TimeSpan StepInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>After Ctrl-C, how long requests in flight and queued batches get before they are abandoned.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Whether to measure tick-to-client latency over the hub (<c>--measure-latency</c>).</summary>
    public bool MeasureLatency { get; init; }

    /// <summary>With <see cref="MeasureLatency"/>: hub connections, each subscribed to every instrument fed and measured on its own.</summary>
    public int HubClients { get; init; } = 1;

    /// <summary>With <see cref="MeasureLatency"/>: the hub connections subscribe to the first this-many instruments fed
    /// only, and only their ticks are measured (all when null).</summary>
    public int? HubInstruments { get; init; }

    /// <summary>Whether ticks go over the tick stream (<c>--stream</c>, one WebSocket per poster) instead of <c>POST /api/v1/ticks</c>.</summary>
    public bool Stream { get; init; }

    /// <summary>The prefix of the instruments <see cref="Spread"/> generates: <c>FEED:I0</c>, <c>FEED:I1</c>...</summary>
    public const string SpreadPrefix = "FEED:I";

    /// <summary>With N above 0 (<c>--spread</c>), the ticks go to N generated instruments (<see cref="SpreadPrefix"/>), each
    /// following one simulated instrument, instead of the simulated instruments themselves.</summary>
    public int Spread { get; init; }

    /// <summary>Whether the final summary is one JSON object on the output; the other lines then go to the error output.</summary>
    public bool Json { get; init; }

    /// <summary>With <see cref="MeasureLatency"/>: after the last post, how long to wait for the quotes of the newest ticks.</summary>
    public TimeSpan QuoteWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Latencies of the first this-long of the run (JIT and connection warm-up) are left out of the totals.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    /// <summary>Per request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
