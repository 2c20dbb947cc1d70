using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Market;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Monitor.Grains.Tests;

/// <summary>An instrument grain writes its state behind, on its timer, not per batch; a new activation continues from it.</summary>
public sealed class InstrumentStateTests : IAsyncLifetime
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");

    private readonly GrainCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    /// <summary>
    /// A batch the store refuses (another process holds the SQLite write lock) is answered unavailable, and the grain
    /// writes no state that counts its ticks as seen: sent again once the store takes writes, they are stored, not taken
    /// for duplicates. The grain state lives apart from the store (as SQLite's grain state file does), so it could be written.
    /// </summary>
    [Fact]
    public async Task BatchRefusedByALockedStore_IsStoredWhenSentAgain_NotTakenForDuplicates()
    {
        var grain = _cluster.Grains.GetGrain<IInstrumentGrain>(Silver.Value);
        var time = _cluster.Time.GetUtcNow();
        await grain.IngestAsync(new TickBatch([new Tick(Silver, time, 30, 1, 1)]));
        var refused = new TickBatch([new Tick(Silver, time.AddSeconds(1), 31, 1, 2)]);

        using (var locker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _cluster.DatabasePath, Pooling = false }.ToString()))
        {
            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
            await Assert.ThrowsAsync<StoreUnavailableException>(() => grain.IngestAsync(refused));
        }

        Assert.Equal(new IngestCounts(1, 0, 0), await grain.IngestAsync(refused));
        Assert.Equal([30.0, 31.0], (await _cluster.Store.Ticks.ReadAfterAsync(Silver, 0).ToListAsync()).Select(t => t.Price));
    }

    [Fact]
    public async Task IngestedTicks_AreWrittenWhenTheWriteIntervalPasses_NotWithTheBatch()
    {
        var grain = _cluster.Grains.GetGrain<IInstrumentGrain>(Silver.Value);
        var time = _cluster.Time.GetUtcNow();

        await grain.IngestAsync(new TickBatch([.. Enumerable.Range(1, 3).Select(i => new Tick(Silver, time.AddSeconds(i), 30 + i, 1, i))]));
        var beforeInterval = await ReadStateAsync(grain);
        _cluster.Time.Advance(WriteBehind.Interval);
        await grain.GetSnapshotAsync(); // queued behind the timer's turn
        var afterInterval = await ReadStateAsync(grain);

        Assert.Equal(0, beforeInterval.TickWatermark);
        Assert.Null(beforeInterval.Pipeline);
        Assert.Equal(3, afterInterval.TickWatermark);
        Assert.Equal(3, afterInterval.Pipeline!.LastSeq);
    }

    [Fact]
    public async Task Reactivation_RestoresTheOpenBarsAndRebuildsTheIndicatorsFromStoredBars()
    {
        var grain = _cluster.Grains.GetGrain<IInstrumentGrain>(Silver.Value);
        var start = _cluster.Time.GetUtcNow();

        // Forty minutes of ticks every 20 s: enough closed one-minute bars for the standard indicators to have values.
        var ticks = Enumerable.Range(0, 120).Select(i => new Tick(Silver, start.AddSeconds(20 * i), 30 + Math.Sin(i / 7.0) + (i * 0.01), 1 + (i % 3), i + 1)).ToArray();
        await grain.IngestAsync(new TickBatch(ticks));
        var indicators = await grain.GetIndicatorsAsync("1m");
        var openBar = await grain.GetOpenBarAsync("1m");
        var snapshot = await grain.GetSnapshotAsync();

        _cluster.Time.Advance(TimeSpan.FromSeconds(1));
        await grain.ReloadAsync();
        var restored = await grain.GetSnapshotAsync();

        Assert.True(restored.Seq > snapshot.Seq, "the grain was not activated again");
        Assert.NotEmpty(indicators!.Values);
        Assert.Equal(indicators.Values, (await grain.GetIndicatorsAsync("1m"))!.Values);
        Assert.Equal(openBar, await grain.GetOpenBarAsync("1m"));
        Assert.Equal(snapshot.LastPrice, restored.LastPrice);
        Assert.Equal(snapshot.Indicators, restored.Indicators);
    }

    private async Task<InstrumentGrainState> ReadStateAsync(IInstrumentGrain grain)
    {
        var silo = (InProcessSiloHandle)_cluster.Cluster.Primary!;
        var storage = silo.SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(MonitorGrainStorage.Name);
        var state = new GrainState<InstrumentGrainState>(new InstrumentGrainState());
        await storage.ReadStateAsync("instrument", grain.GetGrainId(), state);
        return state.State!;
    }
}
