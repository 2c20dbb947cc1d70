using Monitor.Core.Market;

namespace Monitor.Grains.Tests;

/// <summary>An instrument that ingests nothing for <see cref="InstrumentGrainOptions.IdleAfter"/> deactivates, and its next
/// call brings it back from what is stored, as it was.</summary>
public sealed class IdleDeactivationTests : IAsyncLifetime
{
    private static readonly InstrumentId Gold = InstrumentId.Parse("COMEX:GC");
    private static readonly TimeSpan IdleAfter = new InstrumentGrainOptions().IdleAfter;

    private readonly GrainCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task IdleInstrument_DeactivatesAndComesBackWithItsBarsIndicatorsAndSeqs()
    {
        var grain = _cluster.Grains.GetGrain<IInstrumentGrain>(Gold.Value);
        var start = _cluster.Time.GetUtcNow();
        var ticks = Enumerable.Range(0, 120).Select(i => new Tick(Gold, start.AddSeconds(20 * i), 3_000 + (10 * Math.Sin(i / 5.0)), 1, i + 1)).ToArray();
        await grain.IngestAsync(new TickBatch(ticks));
        var snapshot = await grain.GetSnapshotAsync();
        var indicators = await grain.GetIndicatorsAsync("1m");
        var openBar = await grain.GetOpenBarAsync("1m");

        _cluster.Time.Advance(IdleAfter + WriteBehind.Interval);
        var back = await WaitForActivationSinceAsync(grain, _cluster.Time.GetUtcNow());

        Assert.Equal(snapshot.LastPrice, back.LastPrice);
        Assert.Equal(snapshot.Indicators, back.Indicators);
        Assert.Equal(indicators!.Values, (await grain.GetIndicatorsAsync("1m"))!.Values);
        Assert.Equal(openBar, await grain.GetOpenBarAsync("1m"));
        Assert.Equal(new IngestCounts(0, ticks.Length, 0), await grain.IngestAsync(new TickBatch(ticks)));
        var next = new Tick(Gold, ticks[^1].Time.AddSeconds(1), 3_001, 1, ticks.Length + 1);
        Assert.Equal(new IngestCounts(1, 0, 0), await grain.IngestAsync(new TickBatch([next])));
    }

    [Fact]
    public async Task InstrumentIngestingWithinIdleAfter_StaysActive()
    {
        var grain = _cluster.Grains.GetGrain<IInstrumentGrain>(Gold.Value);
        var start = _cluster.Time.GetUtcNow();
        await grain.IngestAsync(new TickBatch([new Tick(Gold, start, 3_000, 1, 1)]));

        for (int i = 2; i <= 4; i++)
        {
            _cluster.Time.Advance(IdleAfter / 2);
            await grain.IngestAsync(new TickBatch([new Tick(Gold, _cluster.Time.GetUtcNow(), 3_000 + i, 1, i)]));
        }

        Assert.False(ActivatedSince(await grain.GetSnapshotAsync(), start.AddSeconds(1)), "the instrument was deactivated while ingesting");
    }

    /// <summary>Whether the activation that answered began at <paramref name="time"/> or later: its seqs start at its activation time in ms x 1000.</summary>
    private static bool ActivatedSince(InstrumentSnapshot snapshot, DateTimeOffset time) => snapshot.Seq >= time.ToUnixTimeMilliseconds() * 1000;

    private static async Task<InstrumentSnapshot> WaitForActivationSinceAsync(IInstrumentGrain grain, DateTimeOffset time)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var snapshot = await grain.GetSnapshotAsync();
            if (ActivatedSince(snapshot, time))
            {
                return snapshot;
            }

            deadline.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
