using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Ports;
using Monitor.Storage.Orleans.Tests.Grains;
using Monitor.Storage.Orleans.Tests.Infrastructure;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Monitor.Storage.Orleans.Tests;

[Collection(OrleansOnPostgres.Name)]
public sealed class PersistenceTests(PostgresDatabaseFixture database)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WrittenState_AfterClusterRestart_ReadsBack()
    {
        var serviceId = PostgresDatabaseFixture.NewServiceId("restart");
        var key = NewKey();
        await using (var first = await PostgresCluster.StartAsync(database.ConnectionString, serviceId))
        {
            var counter = first.GrainFactory.GetGrain<IPersistentCounterGrain>(key);
            await counter.Add(5, "five");
            var written = await counter.Add(7, "seven");
            Assert.Equal("2", written.ETag);
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(database.ConnectionString, serviceId);
        var reread = await second.GrainFactory.GetGrain<IPersistentCounterGrain>(key).Get();

        Assert.Equal(12, reread.Total);
        Assert.Equal(["five", "seven"], reread.History);
        Assert.Equal("2", reread.ETag);
        Assert.True(reread.RecordExists);
        var row = Assert.Single(await StateRowsAsync(serviceId, key));
        Assert.Equal((2, true), (row.Version, row.HasPayload));
    }

    [Fact]
    public async Task StorageProvider_StaleOrMissingETag_ThrowsInconsistentState()
    {
        var cluster = await database.SharedClusterAsync();
        var storage = Storage(cluster, StorageNames.Postgres);
        var grainId = cluster.GrainFactory.GetGrain<IPersistentCounterGrain>(NewKey()).GetGrainId();
        var writerA = new GrainState<CounterState>(new CounterState());
        var writerB = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync(CounterGrainBase.StateName, grainId, writerA);
        await storage.ReadStateAsync(CounterGrainBase.StateName, grainId, writerB);
        Assert.Null(writerA.ETag);
        Assert.False(writerA.RecordExists);

        writerA.State!.Total = 1;
        await storage.WriteStateAsync(CounterGrainBase.StateName, grainId, writerA);
        Assert.Equal("1", writerA.ETag);

        // B also believes there is no row yet: its insert must lose.
        writerB.State!.Total = 100;
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(CounterGrainBase.StateName, grainId, writerB));

        await storage.ReadStateAsync(CounterGrainBase.StateName, grainId, writerB);
        Assert.Equal(1, writerB.State!.Total);
        Assert.Equal("1", writerB.ETag);
        writerB.State!.Total = 2;
        await storage.WriteStateAsync(CounterGrainBase.StateName, grainId, writerB);
        Assert.Equal("2", writerB.ETag);

        // A now holds version 1 of a row at version 2: writing and clearing both fail.
        writerA.State!.Total = 3;
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(CounterGrainBase.StateName, grainId, writerA));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.ClearStateAsync(CounterGrainBase.StateName, grainId, writerA));

        var reader = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync(CounterGrainBase.StateName, grainId, reader);
        Assert.Equal(2, reader.State!.Total);
        Assert.Equal("2", reader.ETag);
        Assert.True(reader.RecordExists);
    }

    [Fact]
    public async Task GrainWrite_AfterAnotherWriterMovedTheRow_FailsThenReloads()
    {
        var cluster = await database.SharedClusterAsync();
        var counter = cluster.GrainFactory.GetGrain<IPersistentCounterGrain>(NewKey());
        await counter.Add(1, "grain");

        var storage = Storage(cluster, StorageNames.Postgres);
        var other = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync(CounterGrainBase.StateName, counter.GetGrainId(), other);
        other.State!.Total = 50;
        other.State!.History.Add("other");
        await storage.WriteStateAsync(CounterGrainBase.StateName, counter.GetGrainId(), other);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.Add(1, "stale"));

        // Orleans deactivates an activation whose storage reported a conflict; the next one reads the winner's state.
        var reloaded = await Eventually.GetAsync(counter.Get, s => s.Total == 50, Deadline, "the grain to reload the stored state");
        Assert.Equal(["grain", "other"], reloaded.History);
        Assert.Equal("2", reloaded.ETag);
        Assert.Equal(51, (await counter.Add(1, "after")).Total);
    }

    [Fact]
    public async Task ClearedState_KeepsVersionedEmptyRow_AndReadsBackAsDefault()
    {
        var cluster = await database.SharedClusterAsync();
        var key = NewKey();
        var counter = cluster.GrainFactory.GetGrain<IPersistentCounterGrain>(key);
        await counter.Add(3, "three");

        var cleared = await counter.Clear();

        AssertEmpty(cleared, "2");
        var row = Assert.Single(await StateRowsAsync(cluster.Options.ServiceId, key));
        Assert.Equal((2, false), (row.Version, row.HasPayload));

        await cluster.DeactivateAsync(counter);
        var reread = await counter.Get();
        AssertEmpty(reread, "2");

        var rewritten = await counter.Add(4, "four");
        Assert.Equal(4, rewritten.Total);
        Assert.True(rewritten.RecordExists);
        Assert.Equal("3", rewritten.ETag);
    }

    [Fact]
    public async Task ClearedState_WithDeleteStateOnClear_RemovesRow()
    {
        var cluster = await database.SharedClusterAsync();
        var key = NewKey();
        var counter = cluster.GrainFactory.GetGrain<IDeletingCounterGrain>(key);
        await counter.Add(3, "three");
        Assert.Single(await StateRowsAsync(cluster.Options.ServiceId, key));

        var cleared = await counter.Clear();

        AssertEmpty(cleared, expectedETag: null);
        Assert.Empty(await StateRowsAsync(cluster.Options.ServiceId, key));
        await cluster.DeactivateAsync(counter);
        AssertEmpty(await counter.Get(), expectedETag: null);
        Assert.Equal("1", (await counter.Add(1, "again")).ETag);
    }

    private static void AssertEmpty(CounterSnapshot snapshot, string? expectedETag)
    {
        Assert.Equal(0, snapshot.Total);
        Assert.Empty(snapshot.History);
        Assert.False(snapshot.RecordExists);
        Assert.Equal(expectedETag, snapshot.ETag);
    }

    private static string NewKey() => "counter-" + Guid.NewGuid().ToString("N");

    private static IGrainStorage Storage(TestCluster cluster, string name) =>
        cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredKeyedService<IGrainStorage>(name);

    private Task<List<StateRow>> StateRowsAsync(string serviceId, string key) => database.QueryAsync(
        "SELECT version, payload IS NOT NULL FROM orleans_grain_state WHERE service_id = @service AND grain_id_extension = @key",
        r => new StateRow(r.GetInt32(0), r.GetBoolean(1)),
        ("service", serviceId), ("key", key));

    private sealed record StateRow(int Version, bool HasPayload);
}
